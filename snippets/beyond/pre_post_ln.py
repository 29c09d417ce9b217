"""Post-LN and Pre-LN residual blocks, and what each does to the residual stream.

Post-LN normalizes after the residual addition, so every block's output is a standardized
token. Pre-LN normalizes only the sublayer's input and adds the result to an un-normalized
residual stream, which keeps growing with depth (hence the final LayerNorm of Pre-LN
models). The last section compares gradient norms at initialization in a deep stack.
"""

# --8<-- [start:blocks]
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))  # cpu or cuda
torch.manual_seed(0)


def feed_forward(dim: int) -> nn.Module:
    return nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))


class PostLNBlock(nn.Module):
    """x -> LN(x + Attn(x)) -> LN(h + FFN(h)): the original Transformer, BERT."""

    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.ffn = feed_forward(dim)
        self.ln1, self.ln2 = nn.LayerNorm(dim), nn.LayerNorm(dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.ln1(x + self.attn(x, x, x, need_weights=False)[0])
        return self.ln2(h + self.ffn(h))


class PreLNBlock(nn.Module):
    """x -> x + Attn(LN(x)) -> h + FFN(LN(h)): GPT-2, LLaMA (with RMSNorm)."""

    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.ffn = feed_forward(dim)
        self.ln1, self.ln2 = nn.LayerNorm(dim), nn.LayerNorm(dim)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a = self.ln1(x)
        h = x + self.attn(a, a, a, need_weights=False)[0]
        return h + self.ffn(self.ln2(h))
# --8<-- [end:blocks]


# --8<-- [start:stream]
B, T, C, H, L = 4, 16, 64, 4, 12  # batch, tokens, width, heads, layers


def xavier_init(stack: nn.Module) -> nn.Module:
    """Xavier-normal weights and zero biases in every Linear (the setting Xiong et al. analyse)."""
    for module in stack.modules():
        if isinstance(module, nn.Linear):
            nn.init.xavier_normal_(module.weight)
            nn.init.zeros_(module.bias)
    return stack


post = xavier_init(nn.Sequential(*[PostLNBlock(C, H) for _ in range(L)])).to(device)
pre = xavier_init(nn.Sequential(*[PreLNBlock(C, H) for _ in range(L)])).to(device)
x = torch.randn(B, T, C, device=device)


def token_std(h: torch.Tensor) -> torch.Tensor:
    """Standard deviation of each token over its C features: shape (B, T)."""
    return h.std(dim=-1, unbiased=False)


pre_stds = []
with torch.no_grad():
    h_post, h_pre = x, x
    print("layer | Post-LN token std | Pre-LN token std (mean over tokens)")
    for i in range(L):
        h_post, h_pre = post[i](h_post), pre[i](h_pre)
        pre_stds.append(token_std(h_pre).mean().item())
        if i in (0, L // 2 - 1, L - 1):
            print(f"{i + 1:5d} | {token_std(h_post).mean().item():17.3f} | {pre_stds[-1]:.3f}")

post_mean = h_post.mean(dim=-1).abs().max().item()
post_off = (token_std(h_post) - 1).abs().max().item()
pre_off = (token_std(h_pre) - 1).abs().max().item()
print(f"Post-LN output: max |token mean| = {post_mean:.4f}, max |token std - 1| = {post_off:.4f}")
print(f"Pre-LN output :                            max |token std - 1| = {pre_off:.4f}")
assert post_mean < 1e-4 and post_off < 1e-3, "Post-LN ends every block with a LayerNorm"
assert pre_off > 0.5 and pre_stds[-1] > pre_stds[0], "Pre-LN's residual stream is not normalized"
# --8<-- [end:stream]


# --8<-- [start:gradients]
def last_ffn_grad(block: type[nn.Module], depth: int) -> float:
    """Gradient norm of the top block's FFN output weight at initialization."""
    stack = xavier_init(nn.Sequential(*[block(C, H) for _ in range(depth)])).to(device)
    final_norm = nn.LayerNorm(C).to(device) if block is PreLNBlock else nn.Identity()  # Pre-LN adds one
    out = final_norm(stack(x))
    nn.functional.mse_loss(out, target).backward()  # regress onto a fixed random target
    return stack[-1].ffn[2].weight.grad.norm().item()


target = torch.randn(B, T, C, device=device)
depths = (3, 6, 12, 24)
post_grads = [last_ffn_grad(PostLNBlock, d) for d in depths]
pre_grads = [last_ffn_grad(PreLNBlock, d) for d in depths]
print("gradient norm of the top block's FFN output weight, at initialization")
print("layers | Post-LN | Pre-LN")
for d, g_post, g_pre in zip(depths, post_grads, pre_grads):
    print(f"{d:6d} | {g_post:7.3f} | {g_pre:6.3f}")

assert max(post_grads) / min(post_grads) < 1.5, "Post-LN's top-layer gradient does not shrink with depth"
assert all(a > b for a, b in zip(pre_grads, pre_grads[1:])), "Pre-LN's shrinks as layers are added"
assert post_grads[-1] > 2 * pre_grads[-1]
# --8<-- [end:gradients]
