#!/usr/bin/env bash
# Split training on a real Slurm: a single-node cluster (Debian's slurm-wlm, with munge for
# its credentials) brought up in a temporary directory on ports of its own, to which
# docs/slurm/toy.sbatch is submitted as an array of 3 shares of an example and, after them
# (--dependency=afterok), as the job that assembles them. Its --format json output must be
# the single run's, byte for byte.
#
#   Tests/slurm/array.sh TOY
#
# Ends with "N passed, N failed". Where the cluster cannot come up (no slurm-wlm or munge,
# or slurmctld will not start), it prints one line, "skipped: …", and exits 77. It stops only
# the daemons and jobs it started, by their ids.
set -uo pipefail
toy=$(realpath "${1:?usage: Tests/slurm/array.sh TOY}")
cd "$(dirname "$0")/../.."
repository=$PWD
script=examples/07-correlated.toy

skip() {
  echo "skipped: $*"
  exit 77
}
for command in munged mungekey slurmctld slurmd sbatch squeue scancel sinfo; do
  command -v "$command" >/dev/null || PATH=$PATH:/usr/sbin command -v "$command" >/dev/null ||
    skip "the Slurm test needs slurm-wlm and munge (apt-get install slurm-wlm munge): no $command"
done
export PATH=$PATH:/usr/sbin

work=$(mktemp -d /tmp/toy-slurm.XXXXXX)
pids=()
jobs_submitted=()
cleanup() {
  for job in "${jobs_submitted[@]}"; do scancel "$job" 2>/dev/null; done
  # Newest first: slurmd, slurmctld, munged.
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    kill "${pids[i]}" 2>/dev/null && wait "${pids[i]}" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT

# munge: a key of our own; its socket in a directory everyone may enter, as munged demands.
mkdir -p "$work/munge" "$work/socket" "$work/state" "$work/spool" "$work/log" "$work/parts"
chmod 700 "$work/munge"
chmod 755 "$work" "$work/socket"
mungekey -c -k "$work/munge/munge.key" || skip "mungekey could not make a key"
munged -F --key-file="$work/munge/munge.key" --socket="$work/socket/munge.socket" \
  --pid-file="$work/socket/munged.pid" --log-file="$work/log/munged.log" --seed-file="$work/munge/seed" \
  >"$work/log/munged.out" 2>&1 &
pids+=($!)

# Ports of its own, so that two runs of this test (or a real cluster) do not meet.
port=$((20000 + RANDOM % 20000))
node=$(hostname -s)
export SLURM_CONF=$work/slurm.conf
cat >"$SLURM_CONF" <<CONF
ClusterName=toytest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=$(id -un)
SlurmdUser=$(id -un)
AuthType=auth/munge
AuthInfo=socket=$work/socket/munge.socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=toy Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF

for _ in $(seq 50); do [[ -S $work/socket/munge.socket ]] && break; sleep 0.1; done
[[ -S $work/socket/munge.socket ]] || skip "munged did not start: $(tail -1 "$work/log/munged.out")"
slurmctld -D -i -f "$SLURM_CONF" >"$work/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" -N "$node" >"$work/log/slurmd.out" 2>&1 &
pids+=($!)
up=0
for _ in $(seq 100); do
  if [[ $(sinfo -h -o %T 2>/dev/null) == idle ]]; then
    up=1
    break
  fi
  kill -0 "${pids[1]}" 2>/dev/null || break
  sleep 0.2
done
if [[ $up -eq 0 ]]; then
  reason=$(grep -h -m1 -iE 'fatal' "$work/log/slurmctld.log" "$work/log/slurmctld.out" 2>/dev/null | head -1)
  skip "slurmctld cannot start here${reason:+: $reason}"
fi

passed=0
failed=0
check() {
  if [[ $1 -eq 0 ]]; then
    passed=$((passed + 1))
    echo "ok: $2"
  else
    failed=$((failed + 1))
    echo "FAILED: $2"
  fi
}

export TOY=$toy
shares=$(sbatch --parsable --array=1-3 --chdir="$repository" --output="$work/log/share-%a.out" \
  docs/slurm/toy.sbatch "$script" "$work/parts" --quick)
check $? "sbatch submits the array of 3 shares"
jobs_submitted+=("$shares")
assembly=$(timeout 600 sbatch --parsable --wait --dependency=afterok:"$shares" --chdir="$repository" \
  --output="$work/assembled.json" --error="$work/log/assembly.err" \
  docs/slurm/toy.sbatch "$script" "$work/parts" --quick --format json)
check $? "the assembly job runs after the shares and succeeds"
jobs_submitted+=("${assembly%%;*}")
parts=$(find "$work/parts" -name '07-correlated.*.part-*-of-3.json' | wc -l)
[[ $parts -eq 3 ]]
check $? "each task of the array wrote its share's part ($parts of 3)"
"$toy" run "$script" --quick --format json >"$work/single.json" 2>"$work/log/single.err"
cmp -s "$work/single.json" "$work/assembled.json" && [[ -s $work/single.json ]]
check $? "the assembled --format json output is the single run's, byte for byte"
if [[ $failed -gt 0 ]]; then
  for log in "$work"/log/share-*.out "$work/log/assembly.err"; do
    [[ -s $log ]] && echo "--- $log" && tail -5 "$log"
  done
fi
echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
