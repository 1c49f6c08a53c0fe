#!/usr/bin/env bash
# Side-by-side benchmark: `toy bench` against a PyTorch transcription of the
# official notebook's training step (issue 7), a NumPy one (the baseline a student
# writes first; S, issue 26), an ARENA-style sparse autoencoder loop (SA, SB;
# issue 27) and full-batch training on one fixed set (M, memorisation; issue 29).
# Not run by CI.
#
#   bench/reference/run.sh [CONFIGS...]            (default: A B C D E P S M SA SB)
#   bench/reference/run.sh --parity [CONFIGS...]   loss parity (default: A B C)
#
# Environment:
#   TOY_BENCH_VENV       virtual environment (default: ~/.cache/toy-bench-venv, outside the repo)
#   TOY_BENCH_TORCH      torch requirement (default: torch==2.13.0+cpu)
#   TOY_BENCH_STEPS      steps for every configuration (overrides the defaults below)
#   TOY_BENCH_ROUNDS     toy bench --rounds: toy's best of this many (default 3)
#   TOY_BENCH_STEPS_<X>  steps for configuration X, e.g. TOY_BENCH_STEPS_C=100
#   TOY_BENCH_TORCH_STEPS_<X>  PyTorch's steps for an SAE configuration or M (default: SA 1000,
#                        SB 200, M 20; its cost per step is constant, so fewer steps project alike)
#   TOY_BENCH_MIN_FREE_MIB  free disk required before creating the venv (default: 3072)
#   TOY_PARITY_SEEDS     seeds per side for --parity (default: A 12, others 4; m=2 is bimodal)
#   TOY_PARITY_SAMPLES   evaluation batch for --parity (default: 100000)
#   TOY_PARITY_STEPS_<X> training steps for --parity (default: A, B 10000; C 1000)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
venv="${TOY_BENCH_VENV:-$HOME/.cache/toy-bench-venv}"
torch_req="${TOY_BENCH_TORCH:-torch==2.13.0+cpu}"
min_free_mib="${TOY_BENCH_MIN_FREE_MIB:-3072}"
rounds="${TOY_BENCH_ROUNDS:-3}"

parity=0
if [ "${1:-}" = "--parity" ]; then parity=1; shift; fi
configs=("$@")
if [ ${#configs[@]} -eq 0 ]; then
  if [ $parity -eq 1 ]; then configs=(A B C); else configs=(A B C D E P S M SA SB); fi
fi
for c in "${configs[@]}"; do
  case "$c" in
    A | B | C | D | E | P | S | M | SA | SB) ;;
    *) echo "run.sh: unknown configuration '$c' (known: A B C D E P S M SA SB)" >&2; exit 2 ;;
  esac
  if [ $parity -eq 1 ] && { [ "$c" = SA ] || [ "$c" = SB ] || [ "$c" = M ]; }; then
    echo "run.sh: --parity compares the notebook's models only, not '$c'" >&2
    exit 2
  fi
done

default_steps() {
  case "$1" in
    A | B) echo 2000 ;;
    C) echo 200 ;;
    D) echo 100 ;;
    E) echo 40 ;;
    P) echo 100 ;;
    S) echo 10000 ;;
    M) echo 200 ;;
    SA) echo 10000 ;;
    SB) echo 2000 ;;
  esac
}

steps_for() {
  local var="TOY_BENCH_STEPS_$1"
  if [ -n "${!var:-}" ]; then
    echo "${!var}"
  elif [ -n "${TOY_BENCH_STEPS:-}" ]; then
    echo "$TOY_BENCH_STEPS"
  else
    default_steps "$1"
  fi
}

case "$venv" in
  "$repo" | "$repo"/*) echo "run.sh: TOY_BENCH_VENV must be outside the repository ($repo)" >&2; exit 2 ;;
esac

# 1. Virtual environment with a CPU build of torch (the CUDA build is several GB).
parent="$(dirname "$venv")"
mkdir -p "$parent"
free_kib="$(df -Pk "$parent" | awk 'NR == 2 { print $4 }')"
echo "free disk at $parent: $((free_kib / 1024)) MiB" >&2
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import torch, numpy" 2>/dev/null; then
  if [ "$free_kib" -lt $((min_free_mib * 1024)) ]; then
    echo "run.sh: need ${min_free_mib} MiB free for the PyTorch environment" >&2
    echo "run.sh: not enough free disk for the PyTorch environment" >&2
    exit 1
  fi
  echo "creating $venv and installing $torch_req numpy ..." >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet "$torch_req" numpy >&2
fi
torch_version="$("$venv/bin/python" -c 'import torch; print(torch.__version__)')"

# 2. toy, release build.
echo "building toy (release) ..." >&2
(cd "$repo" && swift build -c release --product toy >&2)
toy="$(cd "$repo" && swift build -c release --show-bin-path)/toy"

# 3a. Loss parity: several seeds per side, mean evaluation loss within the seed-to-seed spread.
if [ $parity -eq 1 ]; then
  samples="${TOY_PARITY_SAMPLES:-100000}"
  status=0
  results=()
  for c in "${configs[@]}"; do
    var="TOY_PARITY_STEPS_$c"
    case "$c" in A | B) default=10000 ;; *) default=1000 ;; esac
    steps="${!var:-$default}"
    # The intro's sparse instances land in a pentagon or in two digons by the seed's luck:
    # its mean needs more seeds than the others' to settle.
    case "$c" in A) seeds="${TOY_PARITY_SEEDS:-12}" ;; *) seeds="${TOY_PARITY_SEEDS:-4}" ;; esac
    echo "config $c: $seeds seeds × $steps steps on each side ..." >&2
    if line="$("$venv/bin/python" "$here/parity.py" "$toy" "$c" "$steps" "$seeds" "$samples" 2)"; then :; else status=1; fi
    results+=("$line")
  done
  {
    printf 'config\tsteps\tseeds\ttoy loss (mean ± sd)\tPyTorch loss (mean ± sd)\ttoy − PyTorch\tverdict\n'
    printf '%s\n' "${results[@]}"
  } | column -t -s $'\t'
  echo "Loss: the notebook's loss (importance-weighted squared error, mean over samples and features,"
  echo "summed over instances) on $samples samples of a fixed evaluation batch per side; they agree"
  echo "when the means differ by at most the larger seed-to-seed standard deviation."
  exit $status
fi

# 3. Measure.
rows=()
for c in "${configs[@]}"; do
  n="$(steps_for "$c")"
  # The autoencoder configurations have their own transcription. toy's autoencoders get
  # cheaper as their latents grow sparse, so toy times the whole run from a fresh start;
  # PyTorch's steps all cost the same, so it times fewer.
  script="$here/notebook_step.py"
  torch_steps="$n"
  case "$c" in
    SA | SB)
      script="$here/sae_step.py"
      var="TOY_BENCH_TORCH_STEPS_$c"
      case "$c" in SA) torch_steps="${!var:-1000}" ;; *) torch_steps="${!var:-200}" ;; esac
      ;;
    M)
      # A PyTorch step on the dense [T, I, n] set takes seconds: time fewer.
      var="TOY_BENCH_TORCH_STEPS_M"
      torch_steps="${!var:-20}"
      ;;
  esac
  echo "config $c: $n steps: toy ..." >&2
  toy_line="$("$toy" bench --config "$c" --steps "$n" --rounds "$rounds" --json | tail -n 1)"
  echo "  $toy_line" >&2
  process="-"
  if [ "$c" = S ]; then
    # The one-liner S stands for, as a user runs it: the whole process, start-up included,
    # in alternation with NumPy's 10,000 steps.
    echo "config S: the one-liner as a whole process, in alternation with NumPy's 10,000 steps ..." >&2
    process="$("$venv/bin/python" "$here/one_liner.py" "$toy" "$venv/bin/python" | tail -n 1)"
    echo "  $process" >&2
  fi
  echo "config $c: $torch_steps steps: PyTorch 1 thread ..." >&2
  pt1="$("$venv/bin/python" "$script" --config "$c" --steps "$torch_steps" --threads 1 | tail -n 1)"
  echo "  $pt1" >&2
  echo "config $c: $torch_steps steps: PyTorch 2 threads ..." >&2
  pt2="$("$venv/bin/python" "$script" --config "$c" --steps "$torch_steps" --threads 2 | tail -n 1)"
  echo "  $pt2" >&2
  np1="-"
  if [ "$script" = "$here/notebook_step.py" ] && [ "$c" != M ]; then
    echo "config $c: $n steps: NumPy ..." >&2
    np1="$("$venv/bin/python" "$here/numpy_step.py" --config "$c" --steps "$n" | tail -n 1)"
    echo "  $np1" >&2
  fi
  rows+=("$c"$'\t'"$n"$'\t'"$toy_line"$'\t'"$pt1"$'\t'"$pt2"$'\t'"$np1"$'\t'"$process")
done

# 4. Table.
printf '%s\n' "${rows[@]}" | python3 -c '
import json, sys
head = ["config", "steps", "toy 10k", "toy 1 thr 10k", "PyTorch 1 thr 10k", "PyTorch 2 thr 10k",
        "PyTorch/toy", "NumPy 10k", "NumPy/toy", "toy of peak", "toy peak RSS"]
rows, processes = [], []
for line in sys.stdin.read().splitlines():
    name, steps, toy, pt1, pt2, np1, process = line.split("\t")
    toy, pt1, pt2 = json.loads(toy), json.loads(pt1), json.loads(pt2)
    t = toy["projected_10k_seconds"]
    t1 = toy.get("projected_10k_seconds_1_thread")
    p1, p2 = pt1["projected_10k_seconds"], pt2["projected_10k_seconds"]
    best = min(p1, p2)
    numpy = json.loads(np1)["projected_10k_seconds"] if np1 != "-" else None
    peak, rss = toy["fraction_of_peak"], toy["peak_rss_kib"]
    rows.append([
        name, steps, f"{t:.2f} s", f"{t1:.2f} s" if t1 is not None else "-",
        f"{p1:.1f} s", f"{p2:.1f} s", f"{best / t:.0f}×",
        f"{numpy:.1f} s" if numpy is not None else "-", f"{numpy / t:.0f}×" if numpy is not None else "-",
        f"{100 * peak:.0f}%", f"{rss / 1024:.1f} MiB",
    ])
    if process != "-":
        p = json.loads(process)
        tb, tm, nb, nm = p["toy_best"], p["toy_median"], p["numpy_best"], p["numpy_median"]
        runs, rounds = len(p["toy_seconds"]), len(p["numpy_seconds"])
        processes.append(
            f"{name}: the one-liner as a whole process, {runs} runs in alternation with {rounds} NumPy runs of "
            f"10,000 steps: best {tb:.3f} s against {nb:.2f} s ({nb / tb:.1f}×), median {tm:.3f} s against "
            f"{nm:.2f} s ({nm / tm:.1f}×); PyTorch (better setting) {best:.2f} s ({best / tb:.1f}× the best)")
widths = [max(len(r[i]) for r in [head] + rows) for i in range(len(head))]
fmt = lambda r: "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
print(fmt(head))
for r in rows:
    print(fmt(r))
for p in processes:
    print(p)
'
echo "Times are projections of the full 10,000-step run from the timed steps. toy uses all cores"
echo "(its 1-thread projection alongside); each is its best of $rounds rounds, the thread counts alternating"
echo "(a few seconds in all). The references run once, for seconds to minutes. PyTorch/toy = better"
echo "PyTorch setting / toy; NumPy/toy the same for the NumPy transcription of the notebook's models"
echo "(its products batched over instances through BLAS)."
echo "PyTorch ${torch_version}; $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ //')"
