"""How the normalization layers relate, asserted in float32.

GroupNorm with one group is LayerNorm over (C, L); GroupNorm with one channel per group is
InstanceNorm; RMSNorm is LayerNorm on zero-mean input; nn.RMSNorm's default eps is float32's
machine epsilon, not a checkpoint's rms_norm_eps (1e-6 for LLaMA-1, 1e-5 for Llama 2 and 3). Last, which layers let other samples or other tokens change
the output of one token.
"""

# --8<-- [start:setup]
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # set by the tests: cpu or cuda
torch.manual_seed(0)

B, C, L = 3, 8, 5  # channels-first input (B, C, L) for GroupNorm and InstanceNorm
x_cl = 2.0 * torch.randn(B, C, L, device=device) + 1.0


def max_diff(a: torch.Tensor, b: torch.Tensor) -> float:
    return (a - b).abs().max().item()
# --8<-- [end:setup]


# --8<-- [start:one_group]
gn_1 = nn.GroupNorm(1, C).to(device)  # a single group: statistics over all C x L values of a sample
ln_cl = nn.LayerNorm((C, L)).to(device)  # normalized_shape (C, L): statistics over the same values
with torch.no_grad():
    gn_1.weight.normal_(1.0, 0.3)  # GroupNorm's affine: one gamma and one beta per channel, shape (C,)
    gn_1.bias.normal_(0.0, 0.3)
    ln_cl.weight.copy_(gn_1.weight[:, None].expand(C, L))  # LayerNorm's: one per element, shape (C, L)
    ln_cl.bias.copy_(gn_1.bias[:, None].expand(C, L))

d = max_diff(gn_1(x_cl), ln_cl(x_cl))
print(f"GroupNorm(1, C) vs LayerNorm((C, L)):  max |diff| = {d:.6f}")
print(f"  affine shapes: GroupNorm {tuple(gn_1.weight.shape)}, LayerNorm {tuple(ln_cl.weight.shape)}")
assert d < 1e-5
# --8<-- [end:one_group]


# --8<-- [start:one_channel_per_group]
gn_c = nn.GroupNorm(C, C).to(device)  # C groups of one channel: statistics over the L positions
inn = nn.InstanceNorm1d(C, affine=True).to(device)  # affine=False is InstanceNorm's default
with torch.no_grad():
    gn_c.weight.normal_(1.0, 0.3)
    gn_c.bias.normal_(0.0, 0.3)
    inn.weight.copy_(gn_c.weight)
    inn.bias.copy_(gn_c.bias)

d = max_diff(gn_c(x_cl), inn(x_cl))
print(f"GroupNorm(C, C) vs InstanceNorm1d(C):  max |diff| = {d:.6f}")
assert d < 1e-5
# --8<-- [end:one_channel_per_group]


# --8<-- [start:rms_vs_ln]
T = 7
x_tc = 2.0 * torch.randn(B, T, C, device=device) + 1.0  # (B, T, C) for LayerNorm and RMSNorm
centered = x_tc - x_tc.mean(dim=-1, keepdim=True)  # every token now has mean 0 over its features

ln = nn.LayerNorm(C, eps=1e-5).to(device)
rms = nn.RMSNorm(C, eps=1e-5).to(device)  # the same eps as LayerNorm, given explicitly

d_centered = max_diff(rms(centered), ln(centered))
d_raw = max_diff(rms(x_tc), ln(x_tc))
print(f"RMSNorm vs LayerNorm, zero-mean tokens: max |diff| = {d_centered:.6f}")
print(f"RMSNorm vs LayerNorm, raw tokens:       max |diff| = {d_raw:.2f}")
assert d_centered < 1e-5  # the mean square of a zero-mean token is its variance
assert d_raw > 0.1  # otherwise the mean matters
# --8<-- [end:rms_vs_ln]


# --8<-- [start:rms_default_eps]
rms_default = nn.RMSNorm(C).to(device)
fp32_eps = torch.finfo(torch.float32).eps
print(f"nn.RMSNorm(C).eps = {rms_default.eps};  torch.finfo(torch.float32).eps = {fp32_eps:.4e}")

small = 1e-3 * x_tc  # features of size ~1e-3: the mean square is ~1e-6, where eps starts to count
d_fp32 = max_diff(rms_default(small), nn.RMSNorm(C, eps=fp32_eps).to(device)(small))
d_llama = max_diff(rms_default(small), nn.RMSNorm(C, eps=1e-6).to(device)(small))
d_llama2 = max_diff(rms_default(small), nn.RMSNorm(C, eps=1e-5).to(device)(small))
print(f"default vs eps = finfo(float32).eps: max |diff| = {d_fp32:.6f}")
print(f"default vs eps = 1e-6 (LLaMA-1):     max |diff| = {d_llama:.2f}")
print(f"default vs eps = 1e-5 (Llama 2, 3):  max |diff| = {d_llama2:.2f}")
assert rms_default.eps is None
assert d_fp32 < 1e-5 and d_llama > 0.05 and d_llama2 > 0.05
# --8<-- [end:rms_default_eps]


# --8<-- [start:who_sees_what]
# Does the output at token (b=0, t=2) change when we change other samples, or other tokens
# of the same sample? Every layer reads (B, T, C); BatchNorm, GroupNorm and InstanceNorm
# work on the channels-first view (B, C, T).
def channels_first(layer):
    return lambda x: layer(x.transpose(1, 2)).transpose(1, 2)


layers = {
    "BatchNorm (train)": channels_first(nn.BatchNorm1d(C).to(device).train()),
    "LayerNorm": nn.LayerNorm(C).to(device),
    "RMSNorm": nn.RMSNorm(C).to(device),
    "InstanceNorm": channels_first(nn.InstanceNorm1d(C).to(device)),
    "GroupNorm (G=2)": channels_first(nn.GroupNorm(2, C).to(device)),
}

other_samples = x_tc.clone()
other_samples[1:] = torch.randn_like(other_samples[1:])  # samples 1.. are replaced
other_tokens = x_tc.clone()
other_tokens[0, [0, 1, 3, 4, 5, 6]] = torch.randn(6, C, device=device)  # sample 0, all tokens but t=2

print(f"{'output at token (0, 2) changes when':36} other samples  other tokens")
seen = {}
for name, layer in layers.items():
    y = layer(x_tc)[0, 2]
    by_samples = max_diff(layer(other_samples)[0, 2], y) > 1e-5
    by_tokens = max_diff(layer(other_tokens)[0, 2], y) > 1e-5
    seen[name] = (by_samples, by_tokens)
    print(f"  {name:34} {str(by_samples):14} {by_tokens}")

assert seen == {
    "BatchNorm (train)": (True, True),
    "LayerNorm": (False, False),
    "RMSNorm": (False, False),
    "InstanceNorm": (False, True),
    "GroupNorm (G=2)": (False, True),
}

# LayerNorm also works on a batch of one sample holding one token, gives the same answer in
# eval mode as in train mode, and keeps no buffers (no running statistics).
ln = layers["LayerNorm"]
alone = ln(x_tc[0:1, 2:3])[0, 0]  # shape (1, 1, C): one sample, one token
d_alone = max_diff(alone, ln(x_tc)[0, 2])
d_eval = max_diff(ln.eval()(x_tc), ln.train()(x_tc))
print(f"LayerNorm, token alone vs in its batch: max |diff| = {d_alone:.6f}")
print(f"LayerNorm, eval vs train:               max |diff| = {d_eval:.6f};  buffers: {list(ln.buffers())}")
assert d_alone < 1e-5 and d_eval == 0.0 and not list(ln.buffers())
# --8<-- [end:who_sees_what]
