#!/usr/bin/env bash
# A real Slurm test of `giantstep slurm`: installs Debian's slurm-wlm and munge, starts munged, slurmctld
# and slurmd on this machine with a generated one-node config (private socket, ports and state, so it
# leaves any system Slurm alone), submits the job array of a small sweep, waits, merges the shards and
# checks the merge equals a local run of the same sweep, run by run; then `reproduce fig1-right --quick
# --slurm` (a job array of shards and a dependent analysis job), whose summary.json and figures must equal
# a local run's. Needs root; idempotent; stops its
# daemons on exit. Usage: bash test/slurm/run.sh (after `npm run build`).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
STATE=/tmp/giantstep-slurm-test        # fixed, so a re-run can stop what an interrupted run left
CTLD_PORT=16817 SLURMD_PORT=16818      # not Slurm's defaults (6817/6818): a system Slurm keeps its ports
GIANTSTEP=(node "$ROOT/dist/cli/main.js")
TIMEOUT_S=${GIANTSTEP_SLURM_TIMEOUT_S:-180}
log() { echo "slurm-test: $*"; }

stop_daemons() {
  for name in slurmd slurmctld munged; do
    local pidfile="$STATE/$name.pid"
    if [[ -f $pidfile ]]; then
      local pid; pid=$(cat "$pidfile")
      if kill "$pid" 2>/dev/null; then
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
      fi
      rm -f "$pidfile"
    fi
  done
}
show_logs() {
  for f in "$STATE"/*.log "$STATE"/shards/*.out; do [[ -f $f ]] && { echo "--- $f"; tail -n 30 "$f"; }; done
}
on_exit() {
  local rc=$?
  if [[ $rc -ne 0 ]]; then log "FAILED (exit $rc); logs:"; show_logs || true; echo "slurm: 0 passed, 1 failed"; fi
  stop_daemons
  exit $rc
}

[[ $(id -u) -eq 0 ]] || { log "needs root (it installs packages and starts daemons)"; exit 1; }
[[ -f $ROOT/dist/cli/main.js ]] || { log "build first: npm run build"; exit 1; }

if ! command -v sbatch >/dev/null || ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
  log "installing slurm-wlm and munge"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
fi

stop_daemons
rm -rf "$STATE"
mkdir -p "$STATE/spool" "$STATE/state" "$STATE/shards"
chmod 755 "$STATE"   # munged needs its socket's folder searchable by all
trap on_exit EXIT

log "starting munged"
mungekey --create --keyfile="$STATE/munge.key"
munged --key-file="$STATE/munge.key" --socket="$STATE/munge.socket" --pid-file="$STATE/munged.pid" \
  --log-file="$STATE/munged.log" --seed-file="$STATE/munged.seed"

HOST=$(hostname -s)
CPUS=$(nproc)
MEM_MB=$(awk '/MemTotal/ {print int($2 / 1024 * 0.9)}' /proc/meminfo)
export SLURM_CONF="$STATE/slurm.conf"
cat >"$SLURM_CONF" <<CONF
ClusterName=giantstep-test
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$STATE/munge.socket
StateSaveLocation=$STATE/state
SlurmdSpoolDir=$STATE/spool
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$STATE/slurmctld.log
SlurmdLogFile=$STATE/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF

log "starting slurmctld and slurmd ($CPUS CPUs, $MEM_MB MB)"
slurmctld -i
slurmd -N localhost
deadline=$((SECONDS + 60))
until sinfo -h -N -o '%t' 2>/dev/null | grep -qE '^(idle|mix|alloc)'; do
  (( SECONDS < deadline )) || { log "the node never became idle: $(sinfo -N 2>&1)"; exit 1; }
  sleep 0.5
done

# A small sweep: 4 kappa x 2 step counts x 2 seeds = 16 runs in 8 engine runs, over 3 array tasks.
cat >"$STATE/spec.json" <<'SPEC'
{"base": {"d": 40, "p": 30, "nTest": 2000, "target": "T-B"},
 "grid": {"kappa": {"linspace": [1.3, 1.9, 4]}, "steps": [1, 2]},
 "seeds": 2}
SPEC
"${GIANTSTEP[@]}" slurm "$STATE/spec.json" --array 3 --partition debug --time 10 \
  --results "$STATE/shards" --out "$STATE/job.sbatch"
job=$(sbatch --parsable "$STATE/job.sbatch")
log "submitted job array $job"
deadline=$((SECONDS + TIMEOUT_S))
while [[ -n $(squeue -h -j "$job" -o '%i' 2>/dev/null) ]]; do
  (( SECONDS < deadline )) || { log "job $job still queued or running after ${TIMEOUT_S}s"; squeue; exit 1; }
  sleep 1
done
states=$(scontrol show job "$job" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | sort | uniq -c)
log "tasks: $(echo $states)"
if grep -v 'JobState=COMPLETED' <<<"$states" | grep -q JobState; then log "a task did not complete"; exit 1; fi

"${GIANTSTEP[@]}" merge "$STATE"/shards/shard-*.jsonl --out "$STATE/merged.jsonl"
"${GIANTSTEP[@]}" sweep "$STATE/spec.json" --out "$STATE/local.jsonl" --quiet
node "$ROOT/test/slurm/compare.js" "$STATE/merged.jsonl" "$STATE/local.jsonl"
log "sweep: the merged shards equal the local sweep"

# A whole reproduction: `reproduce --slurm` writes a job array of shards and an analysis job that runs
# after every task succeeded; its figures and summary must equal a local run's.
FIGURE=fig1-right
"${GIANTSTEP[@]}" reproduce "$FIGURE" --quick --slurm --array 3 --partition debug --time 10 --out "$STATE/repro-slurm"
submitted=$(bash "$STATE/repro-slurm/slurm/submit.sh")
log "$submitted"
analysis=$(grep -o 'analysis [0-9]*' <<<"$submitted" | grep -o '[0-9]*')
deadline=$((SECONDS + TIMEOUT_S))
while [[ -n $(squeue -h -o '%i' 2>/dev/null) ]]; do
  (( SECONDS < deadline )) || { log "reproduction jobs still queued or running after ${TIMEOUT_S}s"; squeue; exit 1; }
  sleep 1
done
state=$(scontrol show job "$analysis" 2>/dev/null | grep -o 'JobState=[A-Z_]*' || echo 'JobState=unknown')
[[ $state == JobState=COMPLETED ]] || { log "the analysis job $analysis ended in $state"; exit 1; }
"${GIANTSTEP[@]}" reproduce "$FIGURE" --quick --out "$STATE/repro-local" --quiet >/dev/null
node "$ROOT/test/slurm/compare-reproduction.js" "$STATE/repro-slurm" "$STATE/repro-local"
log "passed"
echo "slurm: 2 passed, 0 failed"
