"""Exercise: gamma and beta can undo the standardization.

Set gamma to the standard deviation and beta to the mean that BatchNorm divided and
subtracted, and it returns its input. In training mode that holds for the batch whose
statistics were copied; in eval mode, copying the running statistics makes it hold for every
input.
"""

import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # set by the tests: cpu or cuda
torch.manual_seed(0)
B, C, DT = 16, 4, torch.float64
x = 2.0 * torch.randn(B, C, dtype=DT, device=device) + 5.0
bn = nn.BatchNorm1d(C).to(device, DT).train()

with torch.no_grad():
    mean, var = x.mean(dim=0), x.var(dim=0, unbiased=False)  # the statistics BN uses in training
    bn.weight.copy_(torch.sqrt(var + bn.eps))  # gamma = the standard deviation it divided by
    bn.bias.copy_(mean)  # beta = the mean it subtracted
    gap_same = (bn(x) - x).abs().max().item()
    x_new = 2.0 * torch.randn(B, C, dtype=DT, device=device) + 5.0
    gap_new = (bn(x_new) - x_new).abs().max().item()  # another batch, other statistics

    bn.eval()
    bn.weight.copy_(torch.sqrt(bn.running_var + bn.eps))  # now copy the running statistics
    bn.bias.copy_(bn.running_mean)
    gap_eval = (bn(x_new) - x_new).abs().max().item()

print(f"training mode, the batch gamma and beta were set from: max |y - x| = {gap_same:.1e}")
print(f"training mode, a new batch:                            max |y - x| = {gap_new:.2f}")
print(f"eval mode, gamma and beta from the running statistics: max |y - x| = {gap_eval:.1e}")
assert gap_same < 1e-12 and gap_eval < 1e-12
assert gap_new > 0.1  # the identity needs the statistics that gamma and beta copied
