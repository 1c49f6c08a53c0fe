"""The timing harness the reference steps share: untimed warm-up, one timed run, one JSON line.

notebook_step.py, numpy_step.py and sae_step.py differ in what a step is; how they are
warmed up, timed and reported is the same, so run.sh reads every line alike.
"""

import json
import time


def add_step_arguments(parser, steps):
    """--steps (default `steps`) and --warmup, as every reference step takes them."""
    parser.add_argument("--steps", type=int, default=steps)
    parser.add_argument("--warmup", type=int, default=None, help="untimed steps first (default: max(2, steps/20))")


def check_steps(parser, args):
    if args.steps < 1:
        parser.error("--steps must be at least 1")


def warmup_steps(args):
    """--warmup, or a twentieth of the timed steps (at least 2) so that caches and threads are warm."""
    return args.warmup if args.warmup is not None else max(2, args.steps // 20)


def timed(run):
    """run()'s result and the seconds it took by the monotonic clock."""
    start = time.perf_counter()
    result = run()
    return result, time.perf_counter() - start


def report(head, steps, seconds, tail):
    """One JSON line: `head`'s fields, the step timing, then `tail`'s (the loss, versions)."""
    timing = {
        "steps": steps,
        "seconds": seconds,
        "ms_per_step": 1000 * seconds / steps,
        "projected_10k_seconds": 10_000 * seconds / steps,
    }
    print(json.dumps({**head, **timing, **tail}))
