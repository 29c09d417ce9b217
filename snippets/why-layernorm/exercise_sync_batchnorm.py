"""Exercise: what SyncBatchNorm computes, simulated on one machine.

A batch of 16 sequences is split over 4 "processes" of 4. Plain BatchNorm on each process
uses that process's statistics, so its outputs differ from BatchNorm on the whole batch.
SyncBatchNorm's recipe gives exactly the whole-batch result. In the forward pass every process
shares its per-channel mean and spread and its count, 2C + 1 numbers, and each combines them
into the global statistics (PyTorch sends 1 / sqrt(var + eps) where this sends the variance).
In the backward pass the processes add up two per-channel sums, 2C numbers, from which each
computes its own input gradient. The simulation runs without torch.distributed; the checks
compare it with autograd through one nn.BatchNorm1d over all 16 sequences.
"""

import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # set by the tests: cpu or cuda
torch.manual_seed(0)
DT, EPS = torch.float64, 1e-5
B, C, T, WORLD = 16, 8, 5, 4  # channels first, as nn.BatchNorm1d reads them
x = (2.0 * torch.randn(B, C, T, dtype=DT) + 1.0).to(device).requires_grad_()
g = torch.randn(B, C, T, dtype=DT).to(device)  # upstream gradient dL/dy

# Reference: one BatchNorm over the whole batch (no affine), and autograd's input gradient.
whole = nn.BatchNorm1d(C, eps=EPS, affine=False).to(device, DT).train()
y_whole = whole(x)
(grad_whole,) = torch.autograd.grad(y_whole, x, g)

shards, grads = x.detach().chunk(WORLD), g.chunk(WORLD)  # what each process holds
plain = nn.BatchNorm1d(C, eps=EPS, affine=False).to(device, DT).train()
y_plain = torch.cat([plain(s) for s in shards])  # each process on its own
plain_gap = (y_plain - y_whole).abs().max().item()
print(f"plain BatchNorm per process vs whole batch: max |diff| = {plain_gap:.2f}")

# Forward: each process sends its per-channel mean and variance and its count; all combine them.
sent = [torch.cat([s.mean(dim=(0, 2)), s.var(dim=(0, 2), unbiased=False), s.new_tensor([s[:, 0].numel()])])
        for s in shards]
mu_p, var_p, n_p = torch.stack(sent).split([C, C, 1], dim=1)  # (WORLD, C), (WORLD, C), (WORLD, 1)
m = n_p.sum()  # B * T values per channel
mean = (n_p * mu_p).sum(dim=0) / m
var = (n_p * (var_p + (mu_p - mean) ** 2)).sum(dim=0) / m  # within plus between processes
mean, invstd = mean[:, None], (var + EPS).rsqrt()[:, None]
y_sync = torch.cat([(s - mean) * invstd for s in shards])
forward_gap = (y_sync - y_whole).abs().max().item()
print(f"numbers each process sends, forward:  {sent[0].numel()} (C = {C})")
print(f"synchronized forward vs whole batch:        max |diff| = {forward_gap:.1e}")

# Backward: each process sends sum(g) and sum(g * (x - mean)) per channel; they are added up.
local = [torch.cat([gs.sum(dim=(0, 2)), (gs * (s - mean)).sum(dim=(0, 2))]) for s, gs in zip(shards, grads)]
sum_g, sum_g_xmu = (sum(local) / m).split(C)  # the all-reduce, divided by the count
sum_g, sum_g_xmu = sum_g[:, None], sum_g_xmu[:, None]
grad_sync = torch.cat([invstd * (gs - sum_g - (s - mean) * invstd**2 * sum_g_xmu) for s, gs in zip(shards, grads)])
backward_gap = (grad_sync - grad_whole).abs().max().item()
print(f"numbers each process sends, backward: {local[0].numel()}")
print(f"synchronized input gradient vs autograd:    max |diff| = {backward_gap:.1e}")

assert plain_gap > 0.1, "per-process statistics are not the batch's"
assert sent[0].numel() == 2 * C + 1 and local[0].numel() == 2 * C
assert forward_gap < 1e-10, "2C + 1 numbers per process recover the whole-batch forward pass"
assert backward_gap < 1e-10, "two summed per-channel sums recover the whole-batch gradient"
