"""Why small-batch NLP training picks LayerNorm.

1. BatchNorm's per-channel mean, estimated from a batch of 2 sentences, swings from batch
   to batch far more than the B*T token count suggests: tokens of one sentence are
   correlated, so they carry less information than independent values would.
2. LayerNorm gives a sentence the same output whether it is processed alone or padded
   into a batch with a longer one.
"""

# --8<-- [start:setup]
import os

import torch
from torch import nn

device = torch.device(os.environ.get("SNIPPET_DEVICE", "cpu"))
torch.manual_seed(0)

T, C = 64, 32


def sentences(n_batches: int, batch_size: int) -> torch.Tensor:
    """Activations with a per-sentence component shared by all of its tokens.

    Each value has variance 1: half from its sentence, half from its own token.
    """
    per_sentence = torch.randn(n_batches, batch_size, 1, C, device=device)
    per_token = torch.randn(n_batches, batch_size, T, C, device=device)
    return (per_sentence + per_token) / 2**0.5
# --8<-- [end:setup]

# --8<-- [start:noise]
print("batch size | std of BN's batch mean | naive 1/sqrt(B*T)")
measured = {}
for batch_size in [2, 32]:
    x = sentences(n_batches=500, batch_size=batch_size)
    batch_means = x.mean(dim=(1, 2))  # what BN would use: (n_batches, C)
    measured[batch_size] = batch_means.std().item()
    naive = 1 / (batch_size * T) ** 0.5
    print(f"{batch_size:10d} | {measured[batch_size]:22.4f} | {naive:17.4f}")
    assert measured[batch_size] > 3 * naive, "correlated tokens: fewer effective samples"
assert measured[2] > 3 * measured[32], "a batch of 2 is much noisier than a batch of 32"
# --8<-- [end:noise]

# --8<-- [start:layernorm]
ln = nn.LayerNorm(C).to(device)
short = torch.randn(1, 5, C, device=device)  # a 5-token sentence
long = torch.randn(1, 9, C, device=device)  # a 9-token sentence in the same batch
padded = torch.cat([torch.cat([short, short.new_zeros(1, 4, C)], dim=1), long])  # (2, 9, C)

alone = ln(short)[0]
batched = ln(padded)[0, :5]  # the short sentence's real tokens
difference = (alone - batched).abs().max().item()
print(f"LayerNorm, short sentence alone vs. padded in a batch of 2: {difference:.4f}")
assert difference < 1e-6
# --8<-- [end:layernorm]
