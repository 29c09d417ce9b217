"""Power Normalization (PowerNorm), and BatchNorm inside the feed-forward network.

PowerNorm: Sheng Shen, Zhewei Yao, Amir Gholami, Michael W. Mahoney, Kurt Keutzer,
"PowerNorm: Rethinking Batch Normalization in Transformers", ICML 2020, arXiv 2003.07845
(its Power Normalization algorithm). Checked against the authors' code: repository
sIncerass/powernorm, file
fairseq/modules/norms/mask_powernorm.py (and fairseq/modules/norm_select.py,
fairseq/modules/transformer_layer.py for how their Transformer builds it), commit
1159641fa66eade1cd1d99cca79cc9f925e9a336. The code below is written from the equations, not
copied; where the authors' code does something the algorithm does not say, a comment says so.

BN in the FFN: Zhuliang Yao, Yue Cao, Yutong Lin, Ze Liu, Zheng Zhang, Han Hu, "Leveraging
Batch Normalization for Vision Transformers", ICCV Workshops 2021.

`python snippets/experiments/powernorm.py` checks both against the equations, by hand, in a
few seconds on the CPU (SNIPPET_DEVICE=cuda for the GPU).
"""

from __future__ import annotations

import copy
import os

import torch
from torch import nn

from lab import TokenNorm


def _real_mean(t: torch.Tensor, keep: torch.Tensor) -> torch.Tensor:
    """Per-channel mean of a (B, T, C) tensor over the real tokens; keep is (B, T, 1), 1 or 0."""
    return (t * keep).sum(dim=(0, 1)) / keep.sum().clamp(min=1)


# --8<-- [start:powernorm]
class _PowerFunction(torch.autograd.Function):
    """y = gamma * x / scale + beta, with the paper's approximate backward pass.

    scale is sqrt(psi_{t-1}^2 + eps), fixed during the step. The exact gradient through this
    forward would be gamma * dL/dy / scale; PowerNorm subtracts nu_{t-1} * x_hat first, nu
    being a running average that stands in for the gradient through the statistics."""

    @staticmethod
    def forward(ctx, x, keep, weight, bias, scale, nu, alpha_bkw):
        x_hat = x / scale
        ctx.save_for_backward(x_hat, keep, weight, scale)
        ctx.nu, ctx.alpha_bkw = nu, alpha_bkw  # nu: the module's buffer, updated in backward
        return weight * x_hat + bias

    @staticmethod
    def backward(ctx, grad_y):
        x_hat, keep, weight, scale = ctx.saved_tensors
        nu, a = ctx.nu, ctx.alpha_bkw
        g = weight * grad_y  # dL/dx_hat
        # Intermediate gradient with nu_{t-1}. Choice: the correction is applied to real tokens
        # only, since padded ones are not in the statistics it stands for (the authors' code
        # applies it at every position); padded tokens keep the direct term g / scale.
        g_tilde = g - keep * nu * x_hat
        gamma_t = _real_mean(x_hat * x_hat, keep)  # Gamma_t = mean of x_hat^2
        lambda_t = _real_mean(g * x_hat, keep)  # Lambda_t = mean of x_hat * dL/dx_hat
        nu.mul_(1 - (1 - a) * gamma_t).add_((1 - a) * lambda_t)  # nu_t, after g_tilde used nu_{t-1}
        grad_x = g_tilde / scale
        grad_w = (grad_y * x_hat).sum(dim=(0, 1)) if ctx.needs_input_grad[2] else None
        grad_b = grad_y.sum(dim=(0, 1)) if ctx.needs_input_grad[3] else None
        return grad_x, None, grad_w, grad_b, None, None, None


class PowerNorm(TokenNorm):
    """Power Normalization (Shen et al., 2020), per channel, statistics over the
    real tokens of the batch.

    Training step t (alpha_fwd, alpha_bkw: momenta; psi below is sqrt(psi^2 + eps)):
        psi_B^2 = mean over real tokens of x^2            (no mean subtraction)
        x_hat   = x / psi_{t-1}                            (the RUNNING value, not psi_B)
        y       = gamma * x_hat + beta
        psi_t^2 = alpha_fwd * psi_{t-1}^2 + (1 - alpha_fwd) * psi_B^2
    Backward:
        g       = gamma * dL/dy
        g~      = g - nu_{t-1} * x_hat
        dL/dx   = g~ / psi_{t-1}
        nu_t    = nu_{t-1} * (1 - (1 - alpha_bkw) * Gamma_t) + (1 - alpha_bkw) * Lambda_t,
                  Gamma_t = mean(x_hat^2), Lambda_t = mean(x_hat * g) over real tokens
    Eval: y = gamma * x / psi + beta with the running psi.

    Defaults as in the authors' MaskPowerNorm: alpha_fwd = alpha_bkw = 0.9, eps = 1e-5,
    psi^2 starts at 1 and nu at 0. Their nu is kept as ema_gz = nu / (1 - alpha_bkw), the
    same recursion written differently; here nu is stored as the paper writes it.

    What the authors' code does beyond the paper's algorithm, here as options:
    - warmup_iters (theirs: 10000 in the class, the learning-rate warm-up length, 8000 for
      IWSLT14, in their Transformer; here 0, i.e. the algorithm): for the first warmup_iters
      steps the forward divides by the batch's psi_B, and for steps before the last one psi^2
      is first replaced by the plain average of the psi_B^2 seen so far, then updated as above.
    - group_num (theirs: always on, 1 group in the class, one per attention head in their
      Transformer; here None = off, i.e. the algorithm): "GroupScaling" first divides each
      token by the root mean square of its own features within each of group_num groups of
      channels (+ eps), a per-token RMS scaling with no gain, differentiated by autograd.
    Also theirs, not followed: their backward divides by the batch's psi_B even after warm-up,
    where the forward used psi_{t-1} (here: psi_{t-1}, as the algorithm); their Gamma_t and
    Lambda_t average over all B*T positions, padded ones included (here: real tokens only).
    """

    uses_batch = True

    def __init__(self, c: int, alpha_fwd: float = 0.9, alpha_bkw: float = 0.9, eps: float = 1e-5,
                 warmup_iters: int = 0, group_num: int | None = None):
        super().__init__()
        assert group_num is None or c % group_num == 0, "group_num must divide the channels"
        self.alpha_fwd, self.alpha_bkw, self.eps = alpha_fwd, alpha_bkw, eps
        self.warmup_iters, self.group_num = warmup_iters, group_num
        self.weight = nn.Parameter(torch.ones(c))
        self.bias = nn.Parameter(torch.zeros(c))
        self.register_buffer("running_psi2", torch.ones(c))  # psi^2
        self.register_buffer("nu", torch.zeros(c))
        self.register_buffer("iters", torch.zeros((), dtype=torch.long))

    def group_scaling(self, x):
        if self.group_num is None:
            return x
        b, t, c = x.shape
        groups = x.reshape(b, t, self.group_num, c // self.group_num)
        rms = torch.sqrt(groups.pow(2).mean(dim=-1, keepdim=True) + self.eps)
        return (groups / rms).reshape(b, t, c)

    def forward(self, x, mask):
        x = self.group_scaling(x)
        if not self.training:
            return self.weight * x / torch.sqrt(self.running_psi2 + self.eps) + self.bias
        keep = mask.unsqueeze(-1).to(x.dtype)
        with torch.no_grad():
            self.iters += 1
            k = int(self.iters)
            psi2_batch = _real_mean(x * x, keep)
            psi2_used = psi2_batch if k <= self.warmup_iters else self.running_psi2
            scale = torch.sqrt(psi2_used + self.eps)  # a new tensor: the update below leaves it alone
            if k < self.warmup_iters:
                self.running_psi2.mul_((k - 1) / k).add_(psi2_batch / k)
            self.running_psi2.lerp_(psi2_batch, 1 - self.alpha_fwd)
        return _PowerFunction.apply(x, keep, self.weight, self.bias, scale, self.nu, self.alpha_bkw)
# --8<-- [end:powernorm]


# --8<-- [start:bn-ffn]
class BNFeedForward(nn.Module):
    """The feed-forward block with a BatchNorm between its two linear layers (Yao et al.,
    ICCV Workshops 2021): Linear -> BN -> GELU -> Linear, BN over tokens, statistics over the
    real tokens only, running statistics as PyTorch keeps them.

    Placement: the paper's abstract adds "a BN layer in-between the two linear layers in the
    FFN block" and does not say on which side of the activation. Before it is the usual
    Linear-BN-activation order and what unofficial re-implementations of the paper do (the
    authors published no code); bn_before_activation=False puts it after the GELU. (The paper's
    full "pure BN" Transformer also replaces both LayerNorms of the block with BN; this module
    is only the FFN.)
    """

    uses_batch = True

    def __init__(self, d: int, hidden: int, eps: float = 1e-5, momentum: float = 0.1,
                 bn_before_activation: bool = True):
        super().__init__()
        self.fc1, self.act, self.fc2 = nn.Linear(d, hidden), nn.GELU(), nn.Linear(hidden, d)
        self.eps, self.momentum, self.bn_before_activation = eps, momentum, bn_before_activation
        self.bn_weight = nn.Parameter(torch.ones(hidden))
        self.bn_bias = nn.Parameter(torch.zeros(hidden))
        self.register_buffer("running_mean", torch.zeros(hidden))
        self.register_buffer("running_var", torch.ones(hidden))

    def bn(self, h, mask):
        if self.training:
            keep = mask.unsqueeze(-1).to(h.dtype)
            mean = _real_mean(h, keep)
            var = _real_mean((h - mean) ** 2, keep)
            with torch.no_grad():
                n = keep.sum()
                self.running_mean.lerp_(mean, self.momentum)
                self.running_var.lerp_(var * n / (n - 1).clamp(min=1), self.momentum)
        else:
            mean, var = self.running_mean, self.running_var
        return self.bn_weight * (h - mean) * torch.rsqrt(var + self.eps) + self.bn_bias

    def forward(self, x, mask):
        h = self.fc1(x)
        h = self.act(self.bn(h, mask)) if self.bn_before_activation else self.bn(self.act(h), mask)
        return self.fc2(h)
# --8<-- [end:bn-ffn]


if __name__ == "__main__":
    device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(0)
    B, T, C, HIDDEN, DT = 4, 6, 8, 16, torch.float64  # float64: the checks compare to ~1e-12
    mask = (torch.arange(T) < torch.tensor([6, 4, 3, 5])[:, None]).to(device)
    keep = mask.unsqueeze(-1)

    def rand(*shape):
        return torch.randn(*shape, generator=gen, dtype=DT).to(device)

    def batch():  # channels with a nonzero mean and different spreads: PN subtracts no mean
        return (1.0 + rand(C) + (0.5 + rand(C).abs()) * rand(B, T, C)).requires_grad_()

    def junk_padding(x):  # the same real tokens, large random values at the padded positions
        return torch.where(keep, x.detach(), 1e3 * rand(B, T, C)).requires_grad_()

    def worst(a, b):
        return (a - b).abs().max().item()

    pn = PowerNorm(C).to(device, DT).train()
    with torch.no_grad():
        pn.weight.copy_(1 + 0.1 * rand(C))
        pn.bias.copy_(0.1 * rand(C))
    for _ in range(3):  # move psi^2 and nu away from their starting values 1 and 0
        pn(batch(), mask).backward(rand(B, T, C))
    a_f, a_b, eps = pn.alpha_fwd, pn.alpha_bkw, pn.eps
    w, b = pn.weight.detach().clone(), pn.bias.detach().clone()
    psi2_prev, nu_prev = pn.running_psi2.clone(), pn.nu.clone()
    pn.zero_grad()
    print(f"PowerNorm, B={B} T={T} C={C}, {int(mask.sum())} real tokens of {B * T}; after 3 steps")

    # (a) forward: y = gamma * x / psi_{t-1} + beta, with the running psi of the previous step
    x = batch()
    y = pn(x, mask)
    psi_prev = torch.sqrt(psi2_prev + eps)
    x_hat = x.detach() / psi_prev
    err = worst(y, w * x_hat + b)
    assert err < 1e-12
    print(f"(a) y = gamma*x/psi_(t-1) + beta: max |diff| {err:.1e}")

    # (b) psi_t^2 = alpha * psi_{t-1}^2 + (1 - alpha) * mean over real tokens of x^2
    psi2_batch = (x.detach() ** 2)[mask].mean(dim=0)
    err = worst(pn.running_psi2, a_f * psi2_prev + (1 - a_f) * psi2_batch)
    assert err < 1e-12
    print(f"(b) psi^2 update: max |diff| {err:.1e}; channel 0: psi^2 {psi2_prev[0]:.4f} -> "
          f"{pn.running_psi2[0]:.4f} (batch {psi2_batch[0]:.4f})")

    # (c) backward: dL/dx = (gamma*dL/dy - nu_{t-1} * x_hat) / psi_{t-1}, then the nu update
    grad_y = rand(B, T, C)
    y.backward(grad_y)
    g = w * grad_y
    expected = (g - keep * nu_prev * x_hat) / psi_prev
    Gamma, Lambda = (x_hat ** 2)[mask].mean(dim=0), (g * x_hat)[mask].mean(dim=0)
    errs = [worst(x.grad, expected),
            worst(pn.nu, nu_prev * (1 - (1 - a_b) * Gamma) + (1 - a_b) * Lambda),
            worst(pn.weight.grad, (grad_y * x_hat).sum(dim=(0, 1))),
            worst(pn.bias.grad, grad_y.sum(dim=(0, 1)))]
    assert max(errs) < 1e-12
    exact_x = x.detach().clone().requires_grad_()
    (w * exact_x / psi_prev + b).backward(grad_y)  # autograd, psi_{t-1} a constant as in the forward
    gap = (x.grad - exact_x.grad)[mask].norm() / exact_x.grad[mask].norm()
    print(f"(c) approximate backward: max |diff| {max(errs):.1e} (dL/dx, nu, dgamma, dbeta); "
          f"channel 0: nu {nu_prev[0]:+.4f} -> {pn.nu[0]:+.4f}")
    print(f"    it differs from autograd's exact gradient of the same forward by {gap:.3f} (relative)")

    # (d) padding: junk at padded positions changes nothing for real tokens or the statistics,
    # also with the authors' GroupScaling and warm-up switched on
    for options in ({}, {"group_num": 2, "warmup_iters": 2}):
        clean = PowerNorm(C, **options).to(device, DT).train()
        dirty = copy.deepcopy(clean)
        for step in range(3):  # steps 1-2 in warm-up where it is on, step 3 after
            x_clean, grad_y = batch(), rand(B, T, C)
            x_dirty = junk_padding(x_clean)
            y_clean, y_dirty = clean(x_clean, mask), dirty(x_dirty, mask)
            y_clean.backward(grad_y)
            y_dirty.backward(torch.where(keep, grad_y, rand(B, T, C)))
            errs = [worst(y_clean[mask], y_dirty[mask]), worst(clean.running_psi2, dirty.running_psi2),
                    worst(clean.nu, dirty.nu), worst(x_clean.grad[mask], x_dirty.grad[mask])]
            assert max(errs) < 1e-9, (options, step, errs)
        clean.eval()
        y_eval = clean(x_clean, mask)
        z = clean.group_scaling(x_clean.detach())
        assert worst(y_eval, clean.weight * z / torch.sqrt(clean.running_psi2 + clean.eps) + clean.bias) < 1e-12
    print("(d) junk in padded positions: real tokens' outputs and gradients, psi^2 and nu unchanged "
          "(plain; GroupScaling 2 groups + 2 warm-up steps); eval uses the running psi")

    # (e) BN inside the FFN keeps the shape, and its statistics ignore padding
    ffn = BNFeedForward(C, HIDDEN).to(device, DT).train()
    ffn_dirty = copy.deepcopy(ffn)
    x = batch()
    out, out_dirty = ffn(x, mask), ffn_dirty(junk_padding(x), mask)
    h_real = ffn.fc1(x.detach())[mask]
    errs = [worst(out[mask], out_dirty[mask]), worst(ffn.running_mean, ffn_dirty.running_mean),
            worst(ffn.running_var, ffn_dirty.running_var),
            worst(ffn.running_mean, ffn.momentum * h_real.mean(dim=0))]
    assert out.shape == x.shape and max(errs) < 1e-9
    print(f"(e) BNFeedForward {tuple(x.shape)} -> {tuple(out.shape)}; junk in padded positions: "
          f"real outputs and BN running statistics unchanged (max |diff| {max(errs[:3]):.1e})")
