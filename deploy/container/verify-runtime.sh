#!/bin/bash
# Checks that the clustersweep binary runs on a bare Debian 12 (bookworm) with only the runtime
# packages the Containerfile installs (libzmq5, libsqlite3-0): no Swift toolchain, no -dev
# packages. It builds a minimal root with debootstrap (minbase + those two packages), copies the
# binary in and runs it there with chroot as an unprivileged user. This is the Containerfile's
# runtime stage without a container engine (none runs here).
#
#   sudo deploy/container/verify-runtime.sh [BINARY]
#
# BINARY defaults to .build/release/clustersweep, built if missing with the Containerfile's flags
# (release, --static-swift-stdlib, -target-cpu $CPU, CPU=haswell by default). The root is cached
# in .build-rootfs/bookworm (delete it to start over). Beyond --version/--help it runs keygen,
# `run configs/smoke.yaml` (report checked) and a CURVE coordinator + worker + client sweep in the
# root. Exit status 0 when every check passed.
set -euo pipefail
export LC_ALL=C

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${1:-$REPO/.build/release/clustersweep}
CPU=${CPU:-haswell}
ROOTFS=${ROOTFS:-$REPO/.build-rootfs/bookworm}
RUNTIME_PACKAGES=libzmq5,libsqlite3-0
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
FAILURES=0

say() { printf '[verify-runtime] %s\n' "$*"; }
check() {  # check DESCRIPTION COMMAND...: runs COMMAND, prints PASS/FAIL with its output
    local description=$1 output
    shift
    if output=$("$@" 2>&1); then
        say "PASS $description"
        [[ -n $output ]] && printf '%s\n' "$output" | sed 's/^/    /' | head -n 12
    else
        say "FAIL $description"
        printf '%s\n' "$output" | sed 's/^/    /' | head -n 20
        FAILURES=$((FAILURES + 1))
    fi
    return 0
}

[[ $(id -u) == 0 ]] || { say "run as root (debootstrap and chroot)"; exit 1; }

# MARK: the binary
if [[ ! -x $BIN ]]; then
    say "building $BIN (release, --static-swift-stdlib, -target-cpu $CPU)"
    (cd "$REPO" && swift build -c release --static-swift-stdlib -Xswiftc -target-cpu -Xswiftc "$CPU" --product clustersweep)
fi
BIN=$(realpath -e -- "$BIN")
say "binary: $BIN ($(du -h "$BIN" | cut -f1))"
say "libraries it asks for directly (readelf NEEDED):"
readelf -d "$BIN" | awk '/NEEDED/ { gsub(/[\[\]]/, "", $5); print "    " $5 }'
check "no Swift runtime library is needed (static stdlib)" \
    bash -c "! ldd '$BIN' | grep -E 'libswift|libFoundation|lib_FoundationICU|libdispatch|libBlocksRuntime'"

# MARK: the minimal root
if [[ ! -x $ROOTFS/usr/bin/env ]]; then
    command -v debootstrap >/dev/null || {
        say "installing debootstrap"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
    }
    say "debootstrap bookworm (minbase + $RUNTIME_PACKAGES) into $ROOTFS"
    start=$EPOCHREALTIME
    rm -rf -- "$ROOTFS"
    mkdir -p -- "$ROOTFS"
    debootstrap --variant=minbase --include="$RUNTIME_PACKAGES" bookworm "$ROOTFS" "$MIRROR" >"$ROOTFS.log" 2>&1 \
        || { tail -n 20 "$ROOTFS.log"; say "debootstrap failed (log: $ROOTFS.log)"; exit 1; }
    say "root ready in $(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }') s ($(du -sh "$ROOTFS" | cut -f1))"
else
    say "reusing the root in $ROOTFS ($(du -sh "$ROOTFS" | cut -f1))"
fi
check "the root has no Swift toolchain and no -dev package" \
    bash -c "! chroot '$ROOTFS' dpkg-query -W -f='\${Package}\n' | grep -E '^(swift|swiftlang)|-dev$'"
check "the root's runtime packages" chroot "$ROOTFS" dpkg-query -W -f='${Package} ${Version}\n' libzmq5 libsqlite3-0

# MARK: run it there
# /proc as every container has it: without it the Swift runtime cannot read its own command line
# (seen here: `--version` printed the help as if given no argument, or died with SIGILL).
mount -t proc proc "$ROOTFS/proc"
cleanup() {
    umount "$ROOTFS/proc" 2>/dev/null || true
    rm -f -- "$ROOTFS/usr/local/bin/clustersweep"
}
trap cleanup EXIT
install -D -m 0755 "$BIN" "$ROOTFS/usr/local/bin/clustersweep"
check "every library resolves inside the root (ldd)" \
    bash -c "out=\$(chroot '$ROOTFS' ldd /usr/local/bin/clustersweep) && printf '%s\n' \"\$out\" && ! grep -q 'not found' <<<\"\$out\""
# As `nobody`, like the image's non-root user, with an empty environment.
check "clustersweep --version runs in the root" \
    chroot --userspec=65534:65534 "$ROOTFS" env -i HOME=/tmp /usr/local/bin/clustersweep --version
check "clustersweep --help runs in the root" \
    chroot --userspec=65534:65534 "$ROOTFS" env -i HOME=/tmp /usr/local/bin/clustersweep --help
# Whether the binary has a subcommand: its help shows `USAGE: clustersweep NAME` (an unknown name
# before --help just prints the top-level help and exits 0).
has_subcommand() { "$BIN" "$1" --help 2>/dev/null | grep -q "USAGE: clustersweep $1"; }
check "the binary's version matches --version outside the root" \
    bash -c "[[ \$(chroot --userspec=65534:65534 '$ROOTFS' env -i /usr/local/bin/clustersweep --version) == \$('$BIN' --version) ]]"
# Subcommands that touch libzmq's CURVE code, when the binary has them.
if has_subcommand keygen; then
    check "clustersweep keygen runs in the root (libzmq CURVE)" \
        chroot --userspec=65534:65534 "$ROOTFS" env -i HOME=/tmp sh -c \
        'rm -rf /tmp/verify-keys && /usr/local/bin/clustersweep keygen --out /tmp/verify-keys && wc -c /tmp/verify-keys/public.key /tmp/verify-keys/secret.key && ls -l /tmp/verify-keys'
else
    say "SKIP keygen (this binary has no keygen subcommand yet)"
fi
if has_subcommand run; then
    cp -- "$REPO/configs/smoke.yaml" "$ROOTFS/tmp/smoke.yaml"
    check "clustersweep run configs/smoke.yaml in the root (embedded coordinator + workers, SQLite)" \
        chroot --userspec=65534:65534 "$ROOTFS" env -i HOME=/tmp sh -c \
        'rm -rf /tmp/verify-run && cd /tmp && timeout 300 /usr/local/bin/clustersweep run /tmp/smoke.yaml --workers 2 --out /tmp/verify-run >/tmp/verify-run.log 2>&1; status=$?; tail -n 5 /tmp/verify-run.log; [ "$status" = 0 ] && ls /tmp/verify-run'
    # The report must list every job of the sweep as completed (checked outside: the root has no python).
    check "the run's report.json: every job completed" python3 -c '
import json, sys
report = json.load(open(sys.argv[1]))
jobs = report["jobs"]
bad = [j for j in jobs if j.get("status") not in ("clustered", "censored", "diverged")]
count = report["sweep"]["job_count"]
if not jobs or bad or count != len(jobs):
    sys.exit(f"{len(jobs)} jobs, {len(bad)} not completed, job_count {count}")
print(f"{len(jobs)} jobs, all completed")' "$ROOTFS/tmp/verify-run/report.json"
else
    say "SKIP run (this binary has no run subcommand yet)"
fi
# The distributed path with the runtime's libzmq: coordinator, worker and client as separate
# processes over tcp://127.0.0.1 with CURVE (keys from keygen, an authorized-keys file).
if has_subcommand coordinator && has_subcommand keygen; then
    port=$((20000 + RANDOM % 20000))
    check "coordinator + worker + submit/watch with CURVE over tcp in the root" \
        chroot --userspec=65534:65534 "$ROOTFS" env -i HOME=/tmp PORT="$port" sh -c '
            set -e
            bin=/usr/local/bin/clustersweep
            dir=/tmp/verify-curve
            rm -rf "$dir" && mkdir -p "$dir" && cd "$dir"
            for role in coordinator worker client; do $bin keygen --out "keys/$role" >/dev/null; done
            printf "worker %s\nclient %s\n" "$(cat keys/worker/public.key)" "$(cat keys/client/public.key)" >authorized_keys
            endpoint=tcp://127.0.0.1:$PORT
            $bin coordinator --bind "$endpoint" --state state.sqlite --curve-secret-key keys/coordinator/secret.key --authorized-keys authorized_keys >coordinator.log 2>&1 &
            coordinator=$!
            export CLUSTERSWEEP_COORDINATOR=$endpoint CLUSTERSWEEP_CURVE_SERVER_KEY=keys/coordinator/public.key
            CLUSTERSWEEP_CURVE_SECRET_KEY=keys/worker/secret.key $bin worker --slots 2 --idle-exit 30 >worker.log 2>&1 &
            worker=$!
            trap "kill $worker $coordinator 2>/dev/null || true" EXIT
            export CLUSTERSWEEP_CURVE_SECRET_KEY=keys/client/secret.key
            for i in 1 2 3 4 5 6 7 8 9 10; do $bin workers --timeout 1 >/dev/null 2>&1 && break; sleep 0.5; done
            id=$($bin submit /tmp/smoke.yaml | tail -n 1)
            timeout 120 $bin watch "$id" | tail -n 1
            $bin workers | tail -n 1'
fi

if ((FAILURES)); then
    say "$FAILURES check(s) FAILED"
    exit 1
fi
say "all checks passed: the binary needs only libzmq5 and libsqlite3-0 on Debian 12"
