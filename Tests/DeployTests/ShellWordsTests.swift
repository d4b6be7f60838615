import Testing

/// Shell word splitting and the invocation finder on tricky but real shapes of shell text.
@Suite struct ShellWordsTests {
    private func words(_ text: String) -> [String] { ShellWords.split(text).map(\.text) }

    @Test func quotesAndEscapes_areRemovedAndKeepSpaces() {
        #expect(words(#"a "b c" 'd e' f\ g"#) == ["a", "b c", "d e", "f g"])
        #expect(words(#""$X" "${Y}z""#) == ["$X", "${Y}z"])
    }

    @Test func continuationsCommentsAndOperators_areHandled() {
        #expect(words("a \\\n  b # comment\nc;d&&e|f >log 2>&1 &") == ["a", "b", "\n", "c", ";", "d", "&&", "e", "|", "f", ">", "log", ">&", "1", "&"])
        #expect(ShellWords.split("a \\\nb\nc").map(\.line) == [1, 2, 2, 3])
    }

    @Test func substitutions_stayInOneWordAndCanBeSearched() {
        let split = words(#"x=$(as_client "$CLUSTERSWEEP" submit "$F" --coordinator "$E") y ${A:-$((1 + 2))}"#)
        #expect(split == [#"x=$(as_client "$CLUSTERSWEEP" submit "$F" --coordinator "$E")"#, "y", "${A:-$((1 + 2))}"])
        #expect(ShellWords.commandSubstitutions(in: split[0]) == [#"as_client "$CLUSTERSWEEP" submit "$F" --coordinator "$E""#])
        let found = InvocationFinder.invocations(inShell: "id=$(\"$CLUSTERSWEEP\" submit f --coordinator \"$E\" | tail -n 1)", location: "t")
        #expect(found.map(\.arguments) == [["submit", "f", "--coordinator", "$E"]])
    }

    @Test func finder_looksIntoShellScriptsAndSkipsNonInvocations() {
        let text = """
            srun --overlap \\
                bash -c 'exec "$CLUSTERSWEEP" worker --slots "$SLURM_CPUS_ON_NODE"' >log 2>&1 &
            useradd --system clustersweep
            install -d -g clustersweep /etc/clustersweep
            kubectl -n clustersweep port-forward service/x 5555:5555 &
            echo "clustersweep worker is starting"
            /usr/local/bin/clustersweep keygen --out k # comment clustersweep wroker
            """
        let found = InvocationFinder.invocations(inShell: text, location: "t")
        #expect(found.map(\.arguments) == [["worker", "--slots", "$SLURM_CPUS_ON_NODE"], ["keygen", "--out", "k"]])
        #expect(found.map(\.location) == ["t:2", "t:7"])
    }
}
