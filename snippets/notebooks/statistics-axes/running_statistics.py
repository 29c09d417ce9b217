"""BatchNorm's statistics by hand: batch statistics in training, running statistics in eval.

Shown cell by cell on the notebook page "notebooks/statistics-axes"; the file also runs whole.
"""

# --8<-- [start:setup]
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # cpu or cuda
torch.manual_seed(0)

B, T, C = 8, 5, 4
x = 2.0 * torch.randn(B, T, C, device=device) + 0.5
bn = nn.BatchNorm1d(C, momentum=0.1).to(device)  # running stats start at mean 0, var 1
# --8<-- [end:setup]

# --8<-- [start:batch-stats]
bn.train()
y = bn(x.transpose(1, 2)).transpose(1, 2)

mu = x.mean(dim=(0, 1))  # one mean per channel, over all B*T positions
var_biased = x.var(dim=(0, 1), unbiased=False)  # what training mode divides by
manual = (x - mu) / torch.sqrt(var_biased + bn.eps)  # gamma = 1, beta = 0 at initialization
print("training output equals the hand-computed one:", torch.allclose(y, manual, atol=1e-5))
assert torch.allclose(y, manual, atol=1e-5)
# --8<-- [end:batch-stats]

# --8<-- [start:running-stats]
alpha = bn.momentum  # PyTorch: the weight of the NEW batch value
var_unbiased = x.var(dim=(0, 1), unbiased=True)  # what running_var stores
expected_mean = (1 - alpha) * torch.zeros(C, device=device) + alpha * mu
expected_var = (1 - alpha) * torch.ones(C, device=device) + alpha * var_unbiased
print("running_mean:", [round(v, 4) for v in bn.running_mean.tolist()])
print("running_var :", [round(v, 4) for v in bn.running_var.tolist()])
assert torch.allclose(bn.running_mean, expected_mean, atol=1e-5)
assert torch.allclose(bn.running_var, expected_var, atol=1e-5)
# --8<-- [end:running-stats]

# --8<-- [start:eval]
bn.eval()
one = x[:1]  # a single sample: eval mode needs no batch
y_eval = bn(one.transpose(1, 2)).transpose(1, 2)
manual_eval = (one - bn.running_mean) / torch.sqrt(bn.running_var + bn.eps)
print("eval output uses running statistics:", torch.allclose(y_eval, manual_eval, atol=1e-5))
assert torch.allclose(y_eval, manual_eval, atol=1e-5)
# After one step the running statistics are still far from this batch's: the outputs differ.
gap = (y_eval - y[:1]).abs().max().item()
print(f"largest train/eval difference for sample 0: {gap:.3f}")
assert gap > 0.1
# --8<-- [end:eval]
