#!/bin/bash
# Tests deploy/slurm/clustersweep.sbatch on a real Slurm cluster: installs Debian's slurm-wlm and
# munge if missing, starts a one-node cluster on this machine (root, no systemd, a temporary
# slurm.conf, non-default ports, loopback only), proves it runs a job, submits the sbatch script
# with a sweep file, waits for it and checks that every job in report.json completed; then runs
# the job-array variant (two worker tasks) against a coordinator it starts itself and checks that
# report too. The daemons and the coordinator it started are always stopped.
#
#   sudo deploy/slurm/test-slurm.sh [SWEEP_FILE]         (make test-slurm)
#
# Environment: CLUSTERSWEEP_BIN (default .build/debug/clustersweep, built if missing),
# KEEP_WORK_DIR=1 keeps the temporary directory even on success.
# Exit status: 0 all good; 1 the cluster or the sweep failed (the message says which step).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SWEEP_FILE=$(realpath -e -- "${1:-$REPO/configs/smoke.yaml}")
BIN=${CLUSTERSWEEP_BIN:-$REPO/.build/debug/clustersweep}
SLURMCTLD_PORT=16817
SLURMD_PORT=16818
export LC_ALL=C
STARTED_AT=$EPOCHREALTIME

seconds_since() { awk -v start="$1" -v now="$EPOCHREALTIME" 'BEGIN { printf "%.1f", now - start }'; }
log() { printf '[test-slurm %6ss] %s\n' "$(seconds_since "$STARTED_AT")" "$*"; }
fail() { printf '[test-slurm] FAILED at step "%s": %s\n' "$STEP" "$*" >&2; exit 1; }

STEP="preconditions"
[[ $(id -u) == 0 ]] || fail "run as root (it installs packages and starts slurmctld, slurmd and munged)"

# MARK: packages
STEP="install slurm-wlm and munge"
missing=()
# python3 checks report.json (not on every fresh Debian machine).
for package in slurm-wlm munge python3; do dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package"); done
if ((${#missing[@]})); then
    t=$EPOCHREALTIME
    log "installing ${missing[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
        || fail "apt-get install ${missing[*]} failed"
    log "installed in $(seconds_since "$t") s"
fi

WORK=$(mktemp -d /tmp/clustersweep-slurm.XXXXXX)
chmod 0755 "$WORK"
MUNGED_PID=""
SLURMCTLD_PID=""
SLURMD_PID=""
COORDINATOR_PID=""
SUCCESS=0

# Sends SIGTERM to a process we started and waits up to 10 s before SIGKILL.
stop_daemon() {
    local name=$1 pid=$2
    [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 20; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
        log "$name (pid $pid) ignored SIGTERM: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local status=$?
    trap - EXIT
    trap '' INT TERM
    if [[ -n $SLURMCTLD_PID ]] && kill -0 "$SLURMCTLD_PID" 2>/dev/null; then
        scancel --quiet --user=root 2>/dev/null || true
        for ((i = 0; i < 30; i++)); do
            [[ -z $(squeue --noheader 2>/dev/null) ]] && break
            sleep 0.5
        done
    fi
    stop_daemon "clustersweep coordinator" "$COORDINATOR_PID"
    stop_daemon slurmd "$SLURMD_PID"
    stop_daemon slurmctld "$SLURMCTLD_PID"
    stop_daemon munged "$MUNGED_PID"
    if [[ $SUCCESS == 1 && ${KEEP_WORK_DIR:-0} != 1 ]]; then
        rm -rf -- "$WORK"
    else
        printf '[test-slurm] logs and outputs kept in %s\n' "$WORK" >&2
    fi
    printf '[test-slurm] daemons stopped; total %s s\n' "$(seconds_since "$STARTED_AT")" >&2
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Submits a batch job and waits for its end, polling every 0.5 s (`sbatch --wait` polls every
# 10 s or so). Succeeds only if the job (every task of an array job) ended COMPLETED (exit code
# 0); $1 = timeout in seconds.
run_batch_job() {
    local timeout=$1 job states="" state open failed
    shift
    job=$(sbatch --parsable "$@") || return 1
    job=${job%%;*}
    log "submitted job $job"
    for ((i = 0; i < timeout * 2; i++)); do
        # One JobState per record: one for a plain job, one per task (or pending range) of an array.
        states=$(scontrol show job "$job" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2 || true)
        open=0
        failed=""
        for state in $states; do
            case $state in
                COMPLETED) ;;
                FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY | BOOT_FAIL | DEADLINE | PREEMPTED) failed=$state ;;
                *) open=1 ;;
            esac
        done
        if [[ -n $states && $open == 0 ]]; then
            [[ -z $failed ]] && return 0
            log "job $job ended $failed ($(scontrol show job "$job" | grep -o 'ExitCode=[0-9:]*' | tr '\n' ' '))"
            return 1
        fi
        sleep 0.5
    done
    log "job $job still '$(echo $states)' after $timeout s: cancelling it"
    scancel "$job" || true
    return 1
}

# Checks REPORT_DIR/report.json (every job completed, as many as the sweep has) with python3,
# and that report.html and report.csv exist.
check_report() {
    local dir=$1
    [[ -s $dir/report.json ]] || fail "$dir/report.json missing or empty"
    python3 - "$dir/report.json" <<'EOF' || fail "$dir/report.json check failed (message above)"
import json, sys
completed = {"clustered", "censored", "diverged"}
with open(sys.argv[1]) as f:
    report = json.load(f)
jobs = report.get("jobs")
if not isinstance(jobs, list) or not jobs:
    sys.exit(f"report.json: 'jobs' is {jobs!r}, expected a non-empty list")
bad = [(j.get("job_id"), j.get("status")) for j in jobs if j.get("status") not in completed]
if bad:
    sys.exit(f"report.json: {len(bad)} of {len(jobs)} jobs not completed: {bad[:5]}")
expected = report.get("sweep", {}).get("job_count")
if expected != len(jobs):
    sys.exit(f"report.json: sweep.job_count is {expected}, but 'jobs' has {len(jobs)} entries")
counts = {}
for j in jobs:
    counts[j["status"]] = counts.get(j["status"], 0) + 1
print(f"report.json: {len(jobs)} jobs, all completed: {counts}")
EOF
    for f in report.html report.csv; do [[ -s $dir/$f ]] || fail "$dir/$f missing or empty"; done
}

# MARK: munge
STEP="start munged"
CLUSTER_T0=$EPOCHREALTIME
if munge -n 2>/dev/null | unmunge >/dev/null 2>&1; then
    log "munged already runs here: using it (and leaving it running)"
else
    [[ -s /etc/munge/munge.key ]] || {
        mungekey --create --keyfile=/etc/munge/munge.key 2>/dev/null \
            || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
        chown munge:munge /etc/munge/munge.key
        chmod 0400 /etc/munge/munge.key
    }
    install -d -o munge -g munge -m 0755 /run/munge
    install -d -o munge -g munge -m 0700 /var/log/munge /var/lib/munge
    setpriv --reuid=munge --regid=munge --init-groups /usr/sbin/munged --foreground >"$WORK/munged.out" 2>&1 &
    MUNGED_PID=$!
    for ((i = 0; i < 40; i++)); do
        munge -n 2>/dev/null | unmunge >/dev/null 2>&1 && break
        kill -0 "$MUNGED_PID" 2>/dev/null || { cat "$WORK/munged.out" >&2; fail "munged exited"; }
        sleep 0.25
    done
    munge -n | unmunge >/dev/null || fail "munge credentials do not round-trip"
    log "munged runs (pid $MUNGED_PID)"
fi

# MARK: slurm.conf and daemons
STEP="start slurmctld and slurmd"
HOST=$(hostname -s)
CPUS=$(nproc)
mkdir -p "$WORK/etc" "$WORK/ctld" "$WORK/spool" "$WORK/jobs"
export SLURM_CONF=$WORK/etc/slurm.conf
cat >"$SLURM_CONF" <<EOF
# Temporary one-node cluster for deploy/slurm/test-slurm.sh; everything on loopback.
ClusterName=clustersweep-test
SlurmctldHost=$HOST(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$SLURMCTLD_PORT
SlurmdPort=$SLURMD_PORT
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$WORK/ctld
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/slurmctld.log
SlurmdLogFile=$WORK/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
InactiveLimit=0
KillWait=10
MinJobAge=60
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS State=UNKNOWN
PartitionName=test Nodes=$HOST Default=YES MaxTime=30 State=UP
EOF
slurmctld -D -i -f "$SLURM_CONF" >"$WORK/slurmctld.out" 2>&1 &
SLURMCTLD_PID=$!
slurmd -D -f "$SLURM_CONF" -N "$HOST" >"$WORK/slurmd.out" 2>&1 &
SLURMD_PID=$!
state=""
for ((i = 0; i < 120; i++)); do
    kill -0 "$SLURMCTLD_PID" 2>/dev/null || { tail -n 20 "$WORK/slurmctld.log" "$WORK/slurmctld.out" >&2; fail "slurmctld exited (log above)"; }
    kill -0 "$SLURMD_PID" 2>/dev/null || { tail -n 20 "$WORK/slurmd.log" "$WORK/slurmd.out" >&2; fail "slurmd exited (log above)"; }
    state=$(sinfo --noheader --Node --format=%T 2>/dev/null | head -n 1 || true)
    [[ $state == idle ]] && break
    sleep 0.5
done
[[ $state == idle ]] || fail "node $HOST is '${state:-unreachable}' after 60 s, not idle (logs in $WORK)"
log "cluster up: node $HOST idle with $CPUS CPUs in $(seconds_since "$CLUSTER_T0") s (munged + slurmctld + slurmd)"

STEP="prove the cluster runs a batch job"
t=$EPOCHREALTIME
run_batch_job 60 --chdir="$WORK/jobs" --output="$WORK/jobs/hostname-%j.out" --time=1 --wrap hostname \
    || fail "sbatch --wrap hostname did not succeed"
grep -qx "$(hostname)" "$WORK"/jobs/hostname-*.out || fail "the hostname job printed '$(cat "$WORK"/jobs/hostname-*.out)'"
log "sbatch --wrap hostname ran on $HOST in $(seconds_since "$t") s"

# MARK: the sweep
STEP="clustersweep binary"
if [[ ! -x $BIN ]]; then
    log "building $BIN (swift build --product clustersweep)"
    (cd "$REPO" && swift build --product clustersweep) || fail "swift build failed"
fi
BIN=$(realpath -e -- "$BIN")
lacking=()
# A subcommand's help shows `USAGE: clustersweep NAME` (an unknown name before --help just
# prints the top-level help and exits 0).
for command in coordinator worker keygen submit watch report workers; do
    "$BIN" "$command" --help 2>/dev/null | grep -q "USAGE: clustersweep $command" || lacking+=("$command")
done
if ((${#lacking[@]})); then
    fail "$BIN has no '${lacking[*]}' subcommand(s) yet, so the sweep cannot run; the Slurm cluster itself worked (above)"
fi

STEP="sbatch clustersweep.sbatch $(basename -- "$SWEEP_FILE")"
unset CLUSTERSWEEP_COORDINATOR CLUSTERSWEEP_CURVE_SERVER_KEY CLUSTERSWEEP_CURVE_SECRET_KEY CLUSTERSWEEP_AUTHORIZED_KEYS
export CLUSTERSWEEP_BIN=$BIN
export CLUSTERSWEEP_RUN_DIR=$WORK/run
export CLUSTERSWEEP_COORDINATOR_HOST=127.0.0.1
export CLUSTERSWEEP_IDLE_EXIT=5
export CLUSTERSWEEP_GRACE_PERIOD=10
REPORT_DIR=$WORK/report
t=$EPOCHREALTIME
sweep_status=0
run_batch_job 600 --nodes=1 --time=10 --chdir="$WORK/jobs" --output="$WORK/jobs/sweep-%j.out" \
    "$REPO/deploy/slurm/clustersweep.sbatch" "$SWEEP_FILE" "$REPORT_DIR" || sweep_status=$?
if [[ $sweep_status != 0 ]]; then
    for f in "$WORK"/jobs/sweep-*.out "$WORK/run/coordinator.log" "$WORK/run/workers.log"; do
        [[ -f $f ]] && { printf -- '--- %s (last 30 lines)\n' "$f" >&2; tail -n 30 "$f" >&2; }
    done
    fail "the sweep job did not complete (outputs above)"
fi
log "sweep job finished in $(seconds_since "$t") s"

STEP="check report.json"
check_report "$REPORT_DIR"

# MARK: the job-array variant
# A coordinator outside Slurm (as on a login or service node), CURVE on; the sweep is submitted
# first, then two array tasks each run one worker that exits when idle.
STEP="sbatch --array=0-1 clustersweep-array.sbatch"
ARRAY_DIR=$WORK/array
KEYS=$ARRAY_DIR/keys
mkdir -p -m 0700 "$ARRAY_DIR" "$KEYS"
for role in coordinator worker client; do "$BIN" keygen --out "$KEYS/$role" >/dev/null || fail "keygen $role failed"; done
printf 'worker %s array tasks\nclient %s test-slurm.sh\n' "$(<"$KEYS/worker/public.key")" "$(<"$KEYS/client/public.key")" >"$KEYS/authorized_keys"
ARRAY_PORT=$((20000 + RANDOM % 20000))
ENDPOINT=tcp://127.0.0.1:$ARRAY_PORT
"$BIN" coordinator --bind "$ENDPOINT" --state "$ARRAY_DIR/state.sqlite" --log-format json \
    --curve-secret-key "$KEYS/coordinator/secret.key" --authorized-keys "$KEYS/authorized_keys" >"$ARRAY_DIR/coordinator.log" 2>&1 &
COORDINATOR_PID=$!
as_client() { CLUSTERSWEEP_CURVE_SERVER_KEY=$KEYS/coordinator/public.key CLUSTERSWEEP_CURVE_SECRET_KEY=$KEYS/client/secret.key "$@"; }
for ((i = 0; i < 40; i++)); do
    kill -0 "$COORDINATOR_PID" 2>/dev/null || { tail -n 20 "$ARRAY_DIR/coordinator.log" >&2; fail "the coordinator exited (log above)"; }
    as_client "$BIN" workers --coordinator "$ENDPOINT" --timeout 2 >/dev/null 2>&1 && break
    sleep 0.25
done
SWEEP_ID=$(as_client "$BIN" submit "$SWEEP_FILE" --coordinator "$ENDPOINT" | tail -n 1) || fail "submit failed"
t=$EPOCHREALTIME
array_status=0
CLUSTERSWEEP_COORDINATOR=$ENDPOINT CLUSTERSWEEP_CURVE_SERVER_KEY=$KEYS/coordinator/public.key CLUSTERSWEEP_CURVE_SECRET_KEY=$KEYS/worker/secret.key \
    run_batch_job 300 --array=0-1 --cpus-per-task=1 --time=10 --chdir="$WORK/jobs" --output="$WORK/jobs/array-%A_%a.out" \
    "$REPO/deploy/slurm/clustersweep-array.sbatch" || array_status=$?
if [[ $array_status != 0 ]]; then
    for f in "$WORK"/jobs/array-*.out "$ARRAY_DIR/coordinator.log"; do
        [[ -f $f ]] && { printf -- '--- %s (last 30 lines)\n' "$f" >&2; tail -n 30 "$f" >&2; }
    done
    fail "the array job did not complete (outputs above)"
fi
log "array job (2 worker tasks) finished in $(seconds_since "$t") s"
STEP="check the array sweep's report"
as_client timeout 30 "$BIN" watch "$SWEEP_ID" --coordinator "$ENDPOINT" >/dev/null || fail "watch: sweep $SWEEP_ID has failed or open jobs"
as_client "$BIN" report "$SWEEP_ID" --out "$ARRAY_DIR/report" --coordinator "$ENDPOINT" >/dev/null || fail "report failed"
check_report "$ARRAY_DIR/report"
grep -q '"message":"worker connected"' "$ARRAY_DIR/coordinator.log" || fail "no worker connected to the array coordinator"
tasks=$(grep -c '"message":"worker connected"' "$ARRAY_DIR/coordinator.log")
[[ $tasks == 2 ]] || fail "expected 2 array tasks to connect, the coordinator saw $tasks"
SUCCESS=1
log "PASSED: Slurm sweep of $(basename -- "$SWEEP_FILE") completed in one allocation and with array tasks, reports checked"
