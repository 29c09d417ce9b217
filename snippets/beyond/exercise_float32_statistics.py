"""Exercise: why LLaMA's RMSNorm computes its statistic in float32 and casts the result back.

Computed in the input's half-precision dtype, the mean square fails in two ways. float16 tops
out at 65504, so one feature above about 256 squares to infinity and the whole token comes out
as zeros. bfloat16 has float32's range but 8 significant bits, so a running sum of squares held
in bfloat16 stops growing once each new square is below half a step of the sum. In float32 both
are exact enough; casting back gives the next layer the dtype it expects, at half the bytes.
"""

import os

import torch

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # set by the tests: cpu or cuda
torch.manual_seed(0)
C, eps = 4096, 1e-5


def rmsnorm_in_input_dtype(x: torch.Tensor) -> torch.Tensor:
    return x * torch.rsqrt(x.pow(2).mean(dim=-1, keepdim=True) + eps)  # every step in x.dtype


def rmsnorm_float32_inside(x: torch.Tensor) -> torch.Tensor:  # LlamaRMSNorm without the weight
    h = x.to(torch.float32)
    return (h * torch.rsqrt(h.pow(2).mean(dim=-1, keepdim=True) + eps)).to(x.dtype)


# float16: a single large feature overflows the square
token = torch.randn(1, C).to(device)  # drawn on the CPU: the same numbers on every device
token[0, 7] = 300.0  # 300^2 = 90000 > 65504, the largest float16
x16 = token.to(torch.float16)
exact = token.double() * torch.rsqrt(token.double().pow(2).mean(dim=-1, keepdim=True) + eps)
naive, inside = rmsnorm_in_input_dtype(x16), rmsnorm_float32_inside(x16)
inside_error = ((inside.double() - exact).abs().max() / exact.abs().max()).item()
print(f"float16, one feature = 300 (largest float16 {torch.finfo(torch.float16).max:.0f}):")
print(f"  all in float16   : max |output| = {naive.abs().max().item():.1f}")
print(f"  float32 inside   : max error {inside_error:.1e} of the largest output")
assert torch.equal(naive, torch.zeros_like(naive)), "the square overflows: rsqrt(inf) = 0 erases the token"
assert inside_error < 1e-3

# bfloat16: no overflow, but a running sum of squares in bfloat16 stalls
x = torch.randn(C).to(device)
squares = x.to(torch.bfloat16).pow(2)
running = torch.zeros((), dtype=torch.bfloat16, device=device)
for square in squares:  # one addition at a time, the sum rounded to bfloat16 after each
    running = running + square
true_mean = squares.double().mean().item()
in_bf16, in_fp32 = running.item() / C, squares.float().sum().item() / C
print(f"bfloat16, mean square of {C} features (largest bfloat16 {torch.finfo(torch.bfloat16).max:.1e}):")
print(f"  exact {true_mean:.4f}; summed in bfloat16 {in_bf16:.4f}; summed in float32 {in_fp32:.4f}")
assert in_bf16 < 0.75 * true_mean, "a bfloat16 accumulator stops growing long before the end"
assert abs(in_fp32 / true_mean - 1) < 1e-4

# the cast back: the output has the input's dtype, two bytes an element instead of four
y = rmsnorm_float32_inside(x.to(torch.bfloat16))
print(f"output dtype {y.dtype}, {y.element_size()} bytes per element (float32: 4)")
assert y.dtype == torch.bfloat16 and y.element_size() == 2
