"""The one-liner S as a user runs it, against NumPy's 10,000 steps, in alternation.

    python one_liner.py TOY PYTHON [--rounds 3] [--runs 5]

Each round runs the NumPy transcription's 10,000 steps of S once (numpy_step.py with
PYTHON), then the whole process `TOY -e 'model n=20 m=5 importance=0.7^i sparsity=0.9;
train 10000'` --runs times. On a shared machine either side can run up to half again
slower for a few seconds at a time; alternating puts both under the same spells, and the
best of each side (what the code costs when nothing else intrudes) gives a ratio that
moves far less from run to run than one measurement of each. The medians go alongside.
Prints one JSON line.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

ONE_LINER = "model n=20 m=5 importance=0.7^i sparsity=0.9; train 10000"


def toy_seconds(toy):
    """Wall seconds of one whole toy process running the one-liner (output discarded)."""
    start = time.perf_counter()
    subprocess.run([toy, "-e", ONE_LINER], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def numpy_seconds(python):
    """NumPy's seconds for S's 10,000 timed steps (after its untimed warm-up)."""
    step = os.path.join(os.path.dirname(os.path.abspath(__file__)), "numpy_step.py")
    out = subprocess.run([python, step, "--config", "S", "--steps", "10000"], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])["seconds"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("toy")
    parser.add_argument("python")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5, help="toy processes per round")
    args = parser.parse_args()
    if args.rounds < 1 or args.runs < 1:
        parser.error("--rounds and --runs must be at least 1")
    numpy, toy = [], []
    for round in range(args.rounds):
        numpy.append(numpy_seconds(args.python))
        toy.extend(toy_seconds(args.toy) for _ in range(args.runs))
        print(f"  round {round + 1}: NumPy {numpy[-1]:.2f} s, toy {min(toy[-args.runs:]):.3f}–"
              f"{max(toy[-args.runs:]):.3f} s", file=sys.stderr)
    print(json.dumps({
        "numpy_seconds": numpy, "toy_seconds": toy,
        "numpy_best": min(numpy), "numpy_median": statistics.median(numpy),
        "toy_best": min(toy), "toy_median": statistics.median(toy),
    }))


if __name__ == "__main__":
    main()
