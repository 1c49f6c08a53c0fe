#!/usr/bin/env python3
"""Loss parity: toy and the PyTorch transcription train the same configuration from
several seeds each; their mean losses on a large fixed evaluation batch must agree within
the seed-to-seed spread (issue 7). Called by run.sh --parity with the venv's python.

Usage: parity.py TOY_BINARY CONFIG STEPS SEEDS SAMPLES THREADS
"""

import json
import os
import statistics
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))


def run_json(command):
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def main():
    toy, config, steps, seeds, samples, threads = sys.argv[1:7]
    steps, seeds, samples = int(steps), int(seeds), int(samples)
    toy_losses, torch_losses = [], []
    for seed in range(seeds):
        t = run_json([toy, "bench", "--config", config, "--steps", str(steps), "--evaluate", str(samples),
                      "--seed", str(seed)])
        p = run_json([sys.executable, os.path.join(here, "notebook_step.py"), "--config", config, "--steps",
                      str(steps), "--threads", threads, "--seed", str(seed), "--evaluate", str(samples)])
        toy_losses.append(t["evaluation_loss"])
        torch_losses.append(p["evaluation_loss"])
        print(f"  {config} seed {seed}: toy {t['evaluation_loss']:.6f}  PyTorch {p['evaluation_loss']:.6f}",
              file=sys.stderr)
    mt, mp = statistics.mean(toy_losses), statistics.mean(torch_losses)
    st, sp = statistics.stdev(toy_losses), statistics.stdev(torch_losses)
    spread = max(st, sp)
    verdict = "agree" if abs(mt - mp) <= spread else "DIFFER"
    print(f"{config}\t{steps}\t{seeds}\t{mt:.6f} ± {st:.6f}\t{mp:.6f} ± {sp:.6f}\t{mt - mp:+.6f}\t{verdict}")
    return 0 if verdict == "agree" else 1


if __name__ == "__main__":
    sys.exit(main())
