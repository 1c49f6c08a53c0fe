#!/usr/bin/env python3
"""PyTorch transcription of the official toy_models.ipynb training step.

Timed peer for `toy bench` (issue 7). It follows the notebook exactly:

* W has shape [I, n, m] and is initialised with nn.init.xavier_normal_ on the
  whole 3-D tensor (std = sqrt(2 / (m (n + I)))); b is zeros [I, n].
* Every step draws a fresh batch: values torch.rand(B, I, n), mask
  torch.rand(B, I, n) <= p (per-instance feature probability, note `<=`),
  x = values * mask.
* ReLU output model: h = einsum('bif,ifh->bih', x, W);
  out = relu(einsum('bih,ifh->bif', h, W) + b).
  Hidden-ReLU model (config P): h is passed through ReLU before the second
  product.
* Loss: (importance * (|x| - out)^2).mean(dim=(0, 2)).sum() -- mean over batch
  and features, summed over instances.
* torch.optim.AdamW(lr=1e-3) with PyTorch defaults (betas (0.9, 0.999),
  eps 1e-8, weight_decay 0.01 on every parameter), constant schedule.
* Config M (memorisation, Henighan et al. 2023) instead draws one fixed set of T
  examples once, as generate_batch(T) (a dense [T, I, n] tensor), and every step
  trains on all of it (full batch) with the same loss and optimiser.

Configurations mirror `BenchConfiguration.all` in Sources/toy/BenchCommand.swift.

Usage: python notebook_step.py --config A --steps 200 --threads 1
Prints one JSON line.
"""

import argparse
import json

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

import timing

BATCH = 1024
SEVEN_SPARSITIES = [1.0, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001]


def notebook_densities(instances):
    # The notebook: feature_probability = 20 ** -torch.linspace(0, 1, n_instances)
    return (20 ** -torch.linspace(0, 1, instances)).tolist()


# name -> (kind, n, m, densities, importance base)
CONFIGS = {
    "A": ("relu", 5, 2, notebook_densities(10), 0.9),
    "B": ("relu", 20, 5, SEVEN_SPARSITIES, 0.9),
    "C": ("relu", 100, 20, notebook_densities(20), 0.9),
    "D": ("relu", 200, 20, notebook_densities(20), 0.9),
    "E": ("relu", 400, 30, notebook_densities(20), 0.9),
    "P": ("hidden_relu", 10, 5, [p for p in SEVEN_SPARSITIES for _ in range(100)], 0.75),
    # The one-liner `model n=20 m=5 importance=0.7^i sparsity=0.9; train 10000`.
    "S": ("relu", 20, 5, [0.1], 0.7),
    # Memorisation: a fixed set of TRAINING_SETS["M"] examples, full batch.
    "M": ("relu", 10_000, 2, [0.001], 1.0),
}

# name -> T of the fixed training set every step trains on in full (fresh data otherwise)
TRAINING_SETS = {"M": 1000}


class Model(nn.Module):
    """The notebook's Model, with an optional ReLU on the hidden layer."""

    def __init__(self, n, m, feature_probability, importance, hidden_relu=False):
        super().__init__()
        instances = feature_probability.shape[0]
        self.W = nn.Parameter(torch.empty((instances, n, m)))
        nn.init.xavier_normal_(self.W)
        self.b_final = nn.Parameter(torch.zeros((instances, n)))
        self.feature_probability = feature_probability  # [I, 1] as in the notebook
        self.importance = importance  # [1, n] as in the notebook
        self.hidden_relu = hidden_relu
        self.n = n
        self.instances = instances

    def forward(self, features):
        # features: [..., instance, n_features]; W: [instance, n_features, n_hidden]
        hidden = torch.einsum("...if,ifh->...ih", features, self.W)
        if self.hidden_relu:
            hidden = F.relu(hidden)
        out = torch.einsum("...ih,ifh->...if", hidden, self.W)
        out = out + self.b_final
        return F.relu(out)

    def generate_batch(self, n_batch):
        feat = torch.rand((n_batch, self.instances, self.n), device=self.W.device)
        batch = torch.where(
            torch.rand((n_batch, self.instances, self.n), device=self.W.device) <= self.feature_probability,
            feat,
            torch.zeros((), device=self.W.device),
        )
        return batch


def make_model(name):
    kind, n, m, densities, base = CONFIGS[name]
    feature_probability = torch.tensor(densities, dtype=torch.float32)[:, None]
    importance = (base ** torch.arange(n, dtype=torch.float32))[None, :]
    return Model(n, m, feature_probability, importance, hidden_relu=(kind == "hidden_relu"))


def loss_fn(model, batch, out):
    error = model.importance * (batch.abs() - out) ** 2
    return error.mean(dim=(0, 2)).sum()  # einops.reduce(error, 'b i f -> i', 'mean').sum()


def train(model, steps, lr=1e-3, n_batch=BATCH, training_set=None):
    """The notebook's optimize() with the constant schedule; returns the last loss.
    With `training_set` (a [T, I, n] tensor), every step trains on all of it."""
    opt = torch.optim.AdamW(list(model.parameters()), lr=lr)
    loss = None
    for step in range(steps):
        step_lr = lr * 1.0  # constant_lr
        for group in opt.param_groups:
            group["lr"] = step_lr
        opt.zero_grad(set_to_none=True)
        batch = training_set if training_set is not None else model.generate_batch(n_batch)
        out = model(batch)
        loss = loss_fn(model, batch, out)
        loss.backward()
        opt.step()
    return loss


def draw_training_set(model, name):
    """The configuration's fixed training set, drawn once (None for fresh data)."""
    size = TRAINING_SETS.get(name)
    return model.generate_batch(size) if size is not None else None


EVALUATION_SEED = 2022


@torch.no_grad()
def evaluation_losses(model, samples):
    """Each instance's loss on a fixed batch: the same inputs whatever the training seed."""
    generator = torch.Generator().manual_seed(EVALUATION_SEED)
    losses = torch.zeros(model.instances, dtype=torch.float64)
    done = 0
    while done < samples:
        count = min(8192, samples - done)
        shape = (count, model.instances, model.n)
        values = torch.rand(shape, generator=generator)
        active = torch.rand(shape, generator=generator) <= model.feature_probability
        batch = torch.where(active, values, torch.zeros(()))
        error = model.importance * (batch.abs() - model(batch)) ** 2
        losses += error.sum(dim=(0, 2)).double()
        done += count
    return (losses / (samples * model.n)).tolist()


def evaluate(args):
    """Trains one model from --seed for --steps and prints its evaluation loss (loss parity)."""
    model = make_model(args.config)
    train(model, args.steps, training_set=draw_training_set(model, args.config))
    losses = evaluation_losses(model, args.evaluate)
    print(
        json.dumps(
            {
                "config": args.config,
                "seed": args.seed,
                "steps": args.steps,
                "samples": args.evaluate,
                "evaluation_loss": sum(losses),
                "evaluation_losses": losses,
            }
        )
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True, choices=sorted(CONFIGS))
    timing.add_step_arguments(parser, steps=200)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument(
        "--evaluate",
        type=int,
        default=None,
        metavar="SAMPLES",
        help="instead of timing: train once from --seed and print the loss on a fixed evaluation batch",
    )
    args = parser.parse_args()
    timing.check_steps(parser, args)

    torch.set_num_threads(args.threads)
    if args.seed is not None:
        torch.manual_seed(args.seed)
        np.random.seed(args.seed)

    if args.evaluate is not None:
        evaluate(args)
        return

    model = make_model(args.config)
    warmup = timing.warmup_steps(args)
    if warmup > 0:
        # A separate model and optimiser, so the timed run starts from the notebook's init.
        warm = make_model(args.config)
        train(warm, warmup, training_set=draw_training_set(warm, args.config))

    training_set = draw_training_set(model, args.config)
    loss, seconds = timing.timed(lambda: train(model, args.steps, training_set=training_set))

    kind, n, m, densities, _ = CONFIGS[args.config]
    head = {"config": args.config, "kind": kind, "n": n, "m": m, "instances": len(densities), "threads": args.threads}
    timing.report(head, args.steps, seconds, {"final_loss": float(loss.item()), "torch": torch.__version__})


if __name__ == "__main__":
    main()
