"""Experiment 5: BatchNorm in training mode lets a causal language model see the future.

The model is a causal TinyTransformer trained to predict the next token of uniformly random
sequences. No honest model can beat the entropy ln(V): the next token is pure chance. With
LayerNorm the training loss stays at that floor. With BatchNorm in training mode, each
position's normalization uses statistics over the whole batch, later positions included;
with small batches the model learns to read the future from them and its training loss
falls below the floor, while in eval mode (running statistics, no leak) it does worse than
chance. We also measure the leak directly: change the tokens after position t and see
whether the outputs at positions up to t move.
"""

# --8<-- [start:experiment]
import math

import torch
import torch.nn.functional as F

from lab import TinyTransformer, main, seeded

V, T = 16, 8
RUNS = {"smoke": [("bn", 1), ("ln", 1)], "full": [("bn", 1), ("bn", 2), ("bn", 4), ("bn", 8), ("ln", 1)]}
STEPS = {"smoke": 20, "full": 800}
HELD_OUT = {"smoke": 32, "full": 512}


def next_token_loss(model, seq, train_mode: bool) -> float:
    model.train(train_mode)
    x, y = seq[:, :-1], seq[:, 1:]
    mask = torch.ones_like(x, dtype=torch.bool)
    return F.cross_entropy(model(x, mask, causal=True).flatten(0, 1), y.flatten()).item()


@torch.no_grad()
def leak(model, seq, train_mode: bool) -> float:
    """Largest change of the logits at positions <= t when only the tokens after t change."""
    model.train(train_mode)
    x = seq[:, :-1]
    mask = torch.ones_like(x, dtype=torch.bool)
    worst = 0.0
    for t in range(T - 1):
        changed = x.clone()
        changed[:, t + 1 :] = (x[:, t + 1 :] + 1 + torch.arange(T - t - 1, device=x.device)) % V
        before, after = model(x, mask, causal=True)[:, : t + 1], model(changed, mask, causal=True)[:, : t + 1]
        worst = max(worst, (before - after).abs().max().item())
    return worst


def run(mode: str, device) -> dict:
    rows = []
    for norm, batch in RUNS[mode]:
        g = seeded(2)
        model = TinyTransformer(V, V, T, norm).to(device)
        opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
        curve = []
        for step in range(STEPS[mode]):
            seq = torch.randint(0, V, (batch, T + 1), generator=g).to(device)
            model.train()
            x, y = seq[:, :-1], seq[:, 1:]
            loss = F.cross_entropy(model(x, torch.ones_like(x, dtype=torch.bool), causal=True).flatten(0, 1), y.flatten())
            opt.zero_grad()
            loss.backward()
            opt.step()
            curve.append(loss.item())
        n = HELD_OUT[mode]
        held_out = torch.randint(0, V, (n, T + 1), generator=g).to(device)
        with torch.no_grad():
            train_mode = sum(next_token_loss(model, held_out[i : i + batch], True) for i in range(0, n, batch)) / (n // batch)
            eval_mode = next_token_loss(model, held_out, False)
        window = max(1, STEPS[mode] // 20)  # the curve, averaged over windows of steps
        rows.append({"norm": norm, "batch": batch, "train_mode_loss": train_mode, "eval_mode_loss": eval_mode,
                     "leak_train_mode": leak(model, held_out[:batch], True), "leak_eval_mode": leak(model, held_out[:batch], False),
                     "curve_step": list(range(window, STEPS[mode] + 1, window)),
                     "curve": [round(sum(curve[i : i + window]) / window, 4) for i in range(0, STEPS[mode], window)]})
    return {"seed": 2, "mode": mode, "vocab": V, "T": T, "steps": STEPS[mode], "entropy": math.log(V), "rows": rows}
# --8<-- [end:experiment]


# --8<-- [start:check]
def check(data: dict, mode: str) -> None:
    floor = data["entropy"]
    for r in data["rows"]:
        if r["norm"] == "ln":
            assert r["leak_train_mode"] < 1e-5, "LN: the past never sees the future"
            assert r["train_mode_loss"] > floor - 0.02, "LN cannot beat chance"
        else:
            assert r["leak_train_mode"] > 1e-3, "BN in training mode: the future moves the past"
        assert r["leak_eval_mode"] < 1e-5, "in eval mode nothing leaks, BN included"
    if mode == "full":
        bn1 = next(r for r in data["rows"] if r["norm"] == "bn" and r["batch"] == 1)
        assert bn1["train_mode_loss"] < floor - 0.2, "with one sequence per batch BN learns to cheat"
        assert bn1["eval_mode_loss"] > floor + 0.2, "and the cheat fails once the leak is gone"
        by_batch = {r["batch"]: r for r in data["rows"] if r["norm"] == "bn"}
        assert bn1["train_mode_loss"] < by_batch[2]["train_mode_loss"] < floor, "batch 2: a smaller cheat"
        assert by_batch[8]["train_mode_loss"] > floor - 0.02, "batch 8: the cheat is worth nothing"
        assert by_batch[8]["leak_train_mode"] > 0.1, "though the future still moves the past"
# --8<-- [end:check]


def report(data: dict) -> str:
    lines = [f"chance level ln({data['vocab']}) = {data['entropy']:.3f}",
             "norm  batch   train-mode loss   eval-mode loss   leak (train)   leak (eval)"]
    for r in data["rows"]:
        lines.append(f"{r['norm']:<4}  {r['batch']:>5}   {r['train_mode_loss']:>15.3f}   {r['eval_mode_loss']:>14.3f}"
                     f"   {r['leak_train_mode']:>12.1e}   {r['leak_eval_mode']:>11.1e}")
    return "\n".join(lines)


if __name__ == "__main__":
    main("causal_leakage", run, check, report)
