#!/usr/bin/env python3
"""PyTorch transcription of an ARENA-style sparse autoencoder training loop on a toy model.

Timed peer for the SAE configurations of `toy bench` (issue 27). One instance of the
autoencoder per instance of the toy model, all trained together as ARENA's ToySAE does.
Every step:

* draws a fresh batch of the toy model's data: values torch.rand(B, I, n) behind a mask
  torch.rand(B, I, n) <= p, and its hidden states h = einsum('bif,ifh->bih', x, W) without
  gradient (the ReLU-output model's hidden layer);
* runs the autoencoder: h_cent = h - b_dec; acts = relu(einsum(h_cent, W_enc) + b_enc);
  W_dec_normalized = W_dec / W_dec.norm(dim=-1, keepdim=True) (inside the forward pass);
  h_hat = einsum(acts, W_dec_normalized) + b_dec;
* loss = ((h_hat - h)^2).mean(-1) + l1 * acts.abs().sum(-1), mean over the batch, summed
  over instances; backward; torch.optim.Adam(lr=1e-3) with PyTorch's defaults;
* records each latent's activity, (acts > 1e-8).float().mean(0), as ARENA's loop does for
  resampling (toy keeps the same counters).

Shapes: W [I, n, m] (xavier_normal_, as the notebook); W_enc [I, m, d] uniform on
+-1/sqrt(m), W_dec [I, d, m] its transpose, b_enc [I, d] and b_dec [I, m] zeros (toy's
initialisation). The toy model is not trained: its weights change no cost here.

Configurations mirror `AutoencoderBenchConfiguration.all` in
Sources/toy/BenchCommand+Autoencoder.swift.

Usage: python sae_step.py --config SA --steps 2000 --threads 1
Prints one JSON line.
"""

import argparse

import torch
import torch.nn.functional as F
from torch import nn

import timing

BATCH = 1024

# name -> (n, m, instances, density, d, l1)
CONFIGS = {
    "SA": (5, 2, 8, 0.05, 5, 0.2),
    "SB": (100, 20, 8, 0.05, 100, 0.03),
}


class ToyModel(nn.Module):
    """The notebook's model, reduced to what an autoencoder reads: its data and hidden layer."""

    def __init__(self, n, m, instances, density):
        super().__init__()
        self.W = nn.Parameter(torch.empty((instances, n, m)))
        nn.init.xavier_normal_(self.W)
        self.feature_probability = torch.full((instances, 1), density)
        self.n = n
        self.instances = instances

    def generate_batch(self, n_batch):
        feat = torch.rand((n_batch, self.instances, self.n))
        return torch.where(
            torch.rand((n_batch, self.instances, self.n)) <= self.feature_probability, feat, torch.zeros(())
        )

    @torch.no_grad()
    def hidden(self, batch):
        return torch.einsum("bif,ifh->bih", batch, self.W)


class ToySAE(nn.Module):
    """ARENA's ToySAE (standard architecture): one autoencoder per toy-model instance."""

    def __init__(self, instances, d_in, d_sae, l1):
        super().__init__()
        bound = 1 / d_in**0.5
        self.W_enc = nn.Parameter(torch.empty((instances, d_in, d_sae)).uniform_(-bound, bound))
        self.W_dec = nn.Parameter(self.W_enc.detach().transpose(-1, -2).clone())
        self.b_enc = nn.Parameter(torch.zeros((instances, d_sae)))
        self.b_dec = nn.Parameter(torch.zeros((instances, d_in)))
        self.l1 = l1

    def forward(self, h):
        h_cent = h - self.b_dec
        acts = F.relu(torch.einsum("bih,ihd->bid", h_cent, self.W_enc) + self.b_enc)
        w_dec_normalized = self.W_dec / self.W_dec.norm(dim=-1, keepdim=True)
        h_hat = torch.einsum("bid,idh->bih", acts, w_dec_normalized) + self.b_dec
        reconstruction = (h_hat - h).pow(2).mean(-1)
        sparsity = acts.abs().sum(-1)
        loss = (reconstruction + self.l1 * sparsity).mean(0).sum()
        return loss, acts


def make(name):
    n, m, instances, density, d, l1 = CONFIGS[name]
    return ToyModel(n, m, instances, density), ToySAE(instances, m, d, l1)


def train(model, sae, steps, lr=1e-3, n_batch=BATCH):
    """ARENA's optimize() without resampling or logging; returns the last loss."""
    optimizer = torch.optim.Adam(list(sae.parameters()), lr=lr)
    frac_active = []
    loss = None
    for _ in range(steps):
        for group in optimizer.param_groups:
            group["lr"] = lr  # constant_lr
        h = model.hidden(model.generate_batch(n_batch))
        loss, acts = sae(h)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        frac_active.append((acts.detach() > 1e-8).float().mean(0))
        if len(frac_active) > 500:  # ARENA's resampling window
            frac_active.pop(0)
    return loss


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True, choices=sorted(CONFIGS))
    timing.add_step_arguments(parser, steps=2000)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    timing.check_steps(parser, args)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)

    warmup = timing.warmup_steps(args)
    if warmup > 0:
        # A separate model and autoencoder, so the timed run starts fresh.
        train(*make(args.config), warmup)

    model, sae = make(args.config)
    loss, seconds = timing.timed(lambda: train(model, sae, args.steps))

    n, m, instances, _, d, _ = CONFIGS[args.config]
    head = {"config": args.config, "kind": "sae", "n": n, "m": m, "d": d, "instances": instances, "threads": args.threads}
    timing.report(head, args.steps, seconds, {"final_loss": float(loss.item()), "torch": torch.__version__})


if __name__ == "__main__":
    main()
