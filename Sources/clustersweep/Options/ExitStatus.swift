import ArgumentParser

/// Every exit status a `clustersweep` command uses, in one place (README "Exit statuses").
enum ExitStatus {
    /// The command did what it was asked.
    static let success = ExitCode(0)
    /// An error (bad input, a refused request, a failed start), or a sweep with failed or cancelled jobs.
    static let failure = ExitCode(1)
    /// `watch`: the coordinator stopped answering while the sweep was followed.
    static let coordinatorLost = ExitCode(2)
    /// `cancel`: the sweep had already ended, so nothing was cancelled.
    static let alreadyEnded = ExitCode(3)
    /// A usage error: unknown command or flag, missing or invalid argument (sysexits' EX_USAGE,
    /// as swift-argument-parser exits).
    static let usage = ExitCode(64)
}
