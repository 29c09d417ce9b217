"""A BatchNorm for (B, T, C) activations that counts only real tokens, given a padding mask.

Plain BatchNorm pools padded positions into its per-channel statistics, so the output for a
real token depends on how much padding the batch happens to carry. The masked version takes
its mean and variance over the real tokens only, and keeps running statistics the way
nn.BatchNorm1d does. The asserts check that it equals nn.BatchNorm1d when nothing is padded,
and that extra padding leaves its outputs for real tokens unchanged while plain BN's move.
"""

# --8<-- [start:module]
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # cpu or cuda
torch.manual_seed(0)


class MaskedBatchNorm(nn.Module):
    """BatchNorm over the channel axis of a (B, T, C) tensor, ignoring padded tokens.

    mask has shape (B, T) and is True for real tokens. Statistics are taken over the
    m = mask.sum() real tokens; padded positions come out as zeros.
    """

    def __init__(self, num_channels: int, eps: float = 1e-5, momentum: float = 0.1):
        super().__init__()
        self.eps, self.momentum = eps, momentum
        self.weight = nn.Parameter(torch.ones(num_channels))  # gamma
        self.bias = nn.Parameter(torch.zeros(num_channels))  # beta
        self.register_buffer("running_mean", torch.zeros(num_channels))
        self.register_buffer("running_var", torch.ones(num_channels))

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        keep = mask.unsqueeze(-1).to(x.dtype)  # (B, T, 1): 1 for a real token, 0 for padding
        if self.training:
            m = keep.sum()  # number of real tokens
            mean = (x * keep).sum(dim=(0, 1)) / m  # one mean per channel
            var = (((x - mean) ** 2) * keep).sum(dim=(0, 1)) / m  # biased: used to normalize
            with torch.no_grad():  # running statistics store the unbiased variance, like PyTorch
                a = self.momentum
                self.running_mean.mul_(1 - a).add_(a * mean)
                self.running_var.mul_(1 - a).add_(a * var * m / (m - 1))
        else:
            mean, var = self.running_mean, self.running_var
        x_hat = (x - mean) / torch.sqrt(var + self.eps)
        return (self.weight * x_hat + self.bias) * keep
# --8<-- [end:module]


# --8<-- [start:no-padding]
B, T, C = 4, 6, 8
x = 2.0 * torch.randn(B, T, C, device=device) + 1.0
all_real = torch.ones(B, T, dtype=torch.bool, device=device)

masked_bn = MaskedBatchNorm(C).to(device)
plain_bn = nn.BatchNorm1d(C).to(device)
with torch.no_grad():  # the same random affine parameters in both layers
    plain_bn.weight.copy_(1.0 + 0.1 * torch.randn(C, device=device))
    plain_bn.bias.copy_(0.1 * torch.randn(C, device=device))
    masked_bn.weight.copy_(plain_bn.weight)
    masked_bn.bias.copy_(plain_bn.bias)


def bn_tokens(bn: nn.BatchNorm1d, h: torch.Tensor) -> torch.Tensor:
    """nn.BatchNorm1d on a (B, T, C) tensor: channels must sit on dim 1."""
    return bn(h.transpose(1, 2)).transpose(1, 2)


tol = 1e-5
same_train = torch.allclose(masked_bn(x, all_real), bn_tokens(plain_bn, x), atol=tol)
same_running = torch.allclose(masked_bn.running_mean, plain_bn.running_mean, atol=tol) and torch.allclose(
    masked_bn.running_var, plain_bn.running_var, atol=tol
)
masked_bn.eval()
plain_bn.eval()
same_eval = torch.allclose(masked_bn(x, all_real), bn_tokens(plain_bn, x), atol=tol)
print(f"no padding, training outputs equal nn.BatchNorm1d : {same_train}")
print(f"no padding, running statistics equal              : {same_running}")
print(f"no padding, eval outputs equal nn.BatchNorm1d     : {same_eval}")
assert same_train and same_running and same_eval
# --8<-- [end:no-padding]


# --8<-- [start:padding]
lengths = torch.tensor([6, 4, 3, 5], device=device)  # real tokens per sequence
real = torch.arange(T, device=device) < lengths.unsqueeze(1)  # (B, T) mask
x_short = x * real.unsqueeze(-1)  # padded to T = 6 with zeros


def pad_more(h: torch.Tensor, mask: torch.Tensor, extra: int):
    """Append `extra` padded positions (zeros, mask False) to every sequence."""
    zeros = torch.zeros(h.shape[0], extra, h.shape[2], device=h.device)
    no = torch.zeros(mask.shape[0], extra, dtype=torch.bool, device=mask.device)
    return torch.cat([h, zeros], dim=1), torch.cat([mask, no], dim=1)


x_long, real_long = pad_more(x_short, real, extra=10)  # the same sequences, padded to T = 16

masked_bn.train()
plain_bn.train()
masked_short = masked_bn(x_short, real)
masked_long = masked_bn(x_long, real_long)[:, :T]
plain_short = bn_tokens(plain_bn, x_short)
plain_long = bn_tokens(plain_bn, x_long)[:, :T]

masked_shift = ((masked_short - masked_long) * real.unsqueeze(-1)).abs().max().item()
plain_shift = ((plain_short - plain_long) * real.unsqueeze(-1)).abs().max().item()
print(f"real tokens, padded to T = 6 vs T = 16: masked BN changes by at most {masked_shift:.4f}")
print(f"real tokens, padded to T = 6 vs T = 16: plain BN changes by up to   {plain_shift:.4f}")
assert masked_shift < 1e-5, "masked BN must ignore padding"
assert plain_shift > 0.1, "plain BN pools padding into its statistics"
# --8<-- [end:padding]
