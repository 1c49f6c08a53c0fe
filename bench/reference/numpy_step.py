#!/usr/bin/env python3
"""NumPy transcription of the official toy_models.ipynb training step.

The baseline a student writes first, without autograd: the notebook's forward pass and
loss as in notebook_step.py, the gradient written out by hand, and AdamW as PyTorch
computes it. Float32 throughout, as the notebook.

* W has shape [I, n, m], drawn normal with xavier_normal_'s std on the whole 3-D tensor
  (sqrt(2 / (m (n + I)))); b is zeros [I, n].
* Every step draws a fresh batch: values rng.random((B, I, n)), mask
  rng.random((B, I, n)) <= p (per-instance feature probability, note `<=`).
* ReLU output model: h = einsum('bif,ifh->bih', x, W);
  out = relu(einsum('bih,ifh->bif', h, W) + b). Config P: ReLU on h as well.
* Loss: (importance * (|x| - out)^2).mean(axis=(0, 2)).sum().
* Backward: d = 2 importance (out - |x|) / (B n), zero where the output ReLU is off;
  db = sum_b d; dh = einsum('bif,ifh->bih', d, W) (zero where the hidden ReLU is off);
  dW = einsum('bif,bih->ifh', d, h) + einsum('bif,bih->ifh', x, dh).
* AdamW(lr=1e-3, betas (0.9, 0.999), eps 1e-8, weight_decay 0.01 on every parameter).

The products run as batched matrix products over the instances by default (`--products
matmul`, through BLAS): the same sums as the einsums, about 2.5 times faster on S and A than
NumPy's own einsum loops (`--products einsum`, the literal transcription). The faster
form is the baseline toy is compared with.

Configurations mirror CONFIGS in notebook_step.py (and `BenchConfiguration.all` in
Sources/toy/BenchCommand.swift).

Usage: python numpy_step.py --config S --steps 10000
Prints one JSON line.
"""

import argparse

import numpy as np

import timing

BATCH = 1024
SEVEN_SPARSITIES = [1.0, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001]


def notebook_densities(instances):
    # The notebook: feature_probability = 20 ** -torch.linspace(0, 1, n_instances)
    return list(20.0 ** -np.linspace(0, 1, instances))


# name -> (kind, n, m, densities, importance base)
CONFIGS = {
    "A": ("relu", 5, 2, notebook_densities(10), 0.9),
    "B": ("relu", 20, 5, SEVEN_SPARSITIES, 0.9),
    "C": ("relu", 100, 20, notebook_densities(20), 0.9),
    "D": ("relu", 200, 20, notebook_densities(20), 0.9),
    "E": ("relu", 400, 30, notebook_densities(20), 0.9),
    "P": ("hidden_relu", 10, 5, [p for p in SEVEN_SPARSITIES for _ in range(100)], 0.75),
    "S": ("relu", 20, 5, [0.1], 0.7),
}


class Model:
    def __init__(self, name, rng):
        kind, n, m, densities, base = CONFIGS[name]
        instances = len(densities)
        std = np.sqrt(2.0 / (m * (n + instances)))
        self.W = (rng.standard_normal((instances, n, m)) * std).astype(np.float32)
        self.b = np.zeros((instances, n), dtype=np.float32)
        self.p = np.array(densities, dtype=np.float32)[:, None]  # [I, 1]
        self.importance = (base ** np.arange(n)).astype(np.float32)[None, :]  # [1, n]
        self.hidden_relu = kind == "hidden_relu"
        self.n, self.instances = n, instances

    def generate_batch(self, rng, n_batch):
        shape = (n_batch, self.instances, self.n)
        feat = rng.random(shape, dtype=np.float32)
        return np.where(rng.random(shape, dtype=np.float32) <= self.p, feat, np.float32(0))

    def loss_and_gradients(self, x, products="matmul"):
        if products == "matmul":
            return self.loss_and_gradients_matmul(x)
        h = np.einsum("bif,ifh->bih", x, self.W)
        if self.hidden_relu:
            h = np.maximum(h, 0)
        pre = np.einsum("bih,ifh->bif", h, self.W) + self.b
        out = np.maximum(pre, 0)
        diff = out - np.abs(x)
        loss = (self.importance * diff**2).mean(axis=(0, 2)).sum()
        d = (2 / (x.shape[0] * self.n)) * self.importance * diff * (pre > 0)
        dh = np.einsum("bif,ifh->bih", d, self.W)
        if self.hidden_relu:
            dh = dh * (h > 0)
        dW = np.einsum("bif,bih->ifh", d, h) + np.einsum("bif,bih->ifh", x, dh)
        return loss, dW, d.sum(axis=0)

    def loss_and_gradients_matmul(self, x):
        """The same step with instance-major batched matrix products ([I, B, ·] @ [I, ·, ·])."""
        xi = x.transpose(1, 0, 2)  # [I, B, n]
        h = xi @ self.W  # [I, B, m]
        if self.hidden_relu:
            h = np.maximum(h, 0)
        pre = h @ self.W.transpose(0, 2, 1) + self.b[:, None, :]  # [I, B, n]
        out = np.maximum(pre, 0)
        diff = out - np.abs(xi)
        loss = (self.importance * diff**2).mean(axis=(1, 2)).sum()
        d = (2 / (x.shape[0] * self.n)) * self.importance * diff * (pre > 0)
        dh = d @ self.W
        if self.hidden_relu:
            dh = dh * (h > 0)
        dW = d.transpose(0, 2, 1) @ h + xi.transpose(0, 2, 1) @ dh
        return loss, dW, d.sum(axis=1)


class AdamW:
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01):
        self.params = params
        self.lr, (self.b1, self.b2), self.eps, self.wd = lr, betas, eps, weight_decay
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = 0

    def step(self, grads):
        self.t += 1
        c1, c2 = 1 - self.b1**self.t, 1 - self.b2**self.t
        for p, g, m, v in zip(self.params, grads, self.m, self.v):
            p *= 1 - self.lr * self.wd
            m *= self.b1
            m += (1 - self.b1) * g
            v *= self.b2
            v += (1 - self.b2) * g * g
            p -= (self.lr / c1) * m / (np.sqrt(v) / np.sqrt(c2) + self.eps)


def train(model, rng, steps, products="matmul"):
    """The notebook's optimize() with the constant schedule; returns the last loss."""
    opt = AdamW([model.W, model.b])
    loss = None
    for _ in range(steps):
        x = model.generate_batch(rng, BATCH)
        loss, dW, db = model.loss_and_gradients(x, products)
        opt.step([dW, db])
    return loss


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True, choices=sorted(CONFIGS))
    timing.add_step_arguments(parser, steps=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--products", choices=["matmul", "einsum"], default="matmul")
    args = parser.parse_args()
    timing.check_steps(parser, args)

    rng = np.random.default_rng(args.seed)
    warmup = timing.warmup_steps(args)
    if warmup > 0:
        train(Model(args.config, rng), rng, warmup, args.products)

    model = Model(args.config, rng)
    loss, seconds = timing.timed(lambda: train(model, rng, args.steps, args.products))

    kind, n, m, densities, _ = CONFIGS[args.config]
    head = {"config": args.config, "kind": kind, "n": n, "m": m, "instances": len(densities)}
    tail = {"final_loss": float(loss), "products": args.products, "numpy": np.__version__}
    timing.report(head, args.steps, seconds, tail)


if __name__ == "__main__":
    main()
