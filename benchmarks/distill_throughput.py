"""How fast a MiniLM-sized distilled evaluator judges on this machine, and how fast it could (run by hand).

    python benchmarks/distill_throughput.py [--dataset halueval_general] [--items 1000] [--threads 2]

Prints, for the encoder inputs of the dataset's first items (distill/inputs.py's budget):
- the word pieces an item takes, and the floating-point operations one judgment needs in all-MiniLM-L6-v2
  (6 layers, hidden 384, feed-forward 1536: weights times tokens, plus attention's tokens-squared terms);
- this machine's measured fp32 matrix-multiply rate on the encoder's own shapes (the best of several tries);
- the ceiling those give (rate / operations per judgment), the rate a cross-encoder's batched prediction
  reaches, and its rate as the judge `distilled/<name>` in a real `judgebench run`;
- the input length at which the ceiling would reach a target rate (--target, default 200 judgments/s).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from judgebench.config import named_dataset  # noqa: E402
from judgebench.data.load import load_dataset  # noqa: E402
from judgebench.distill import labels  # noqa: E402
from judgebench.distill.finetuned import base_model_path  # noqa: E402
from judgebench.distill.inputs import encoder_pair  # noqa: E402
from judgebench.distill.methods import TrainSettings  # noqa: E402
from judgebench.distill.model import Trainer  # noqa: E402
from judgebench.distill.target import Target  # noqa: E402


def flops_per_judgment(tokens: np.ndarray, layers: int, hidden: int, feed_forward: int) -> np.ndarray:
    """Multiply-adds counted as two operations: Q, K, V and the output projection (4 h^2 per token), the
    feed-forward (2 h f per token), and attention's scores and weighted sum (2 t h per token)."""
    per_token = 2 * (4 * hidden * hidden + 2 * hidden * feed_forward)
    return layers * (tokens * per_token + 2 * 2 * tokens * tokens * hidden)


def matmul_rate(hidden: int, feed_forward: int, rows: int = 64 * 128, tries: int = 7) -> float:
    """The best fp32 rate (operations/s) of the encoder's largest product, a batch of tokens times the
    feed-forward weights, the shape that dominates a forward pass."""
    import torch

    a, b = torch.randn(rows, hidden), torch.randn(hidden, feed_forward)
    torch.mm(a, b)
    best = 0.0
    for _ in range(tries):
        started = time.perf_counter()
        for _ in range(10):
            torch.mm(a, b)
        best = max(best, 10 * 2 * rows * hidden * feed_forward / (time.perf_counter() - started))
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", default="halueval_general")
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--target", type=float, default=200.0)
    args = parser.parse_args()
    import torch
    from transformers import AutoConfig, AutoTokenizer

    torch.set_num_threads(args.threads)
    dataset = load_dataset(named_dataset(args.dataset))
    items = dataset.items[:args.items]
    pairs = [encoder_pair(item.fields, dataset.kind) for item in items]
    config = AutoConfig.from_pretrained(base_model_path())
    layers, hidden, feed_forward = config.num_hidden_layers, config.hidden_size, config.intermediate_size
    tokenizer = AutoTokenizer.from_pretrained(base_model_path())
    tokens = np.array([min(len(tokenizer(a, b)["input_ids"]), 256) for a, b in pairs], dtype=float)
    need = flops_per_judgment(tokens, layers, hidden, feed_forward)
    rate = matmul_rate(hidden, feed_forward)
    ceiling = rate / need.mean()
    print(f"{dataset.spec.name}: {len(pairs)} items; word pieces per item mean {tokens.mean():.0f}, median "
          f"{np.median(tokens):.0f}, 90th percentile {np.percentile(tokens, 90):.0f} (cut at 256)")
    print(f"all-MiniLM-L6-v2 ({layers} layers, hidden {hidden}, feed-forward {feed_forward}): "
          f"{need.mean() / 1e9:.2f} GFLOP per judgment on average")
    print(f"fp32 matrix multiply on {args.threads} threads: {rate / 1e9:.0f} GFLOP/s at best")
    print(f"ceiling: {ceiling:.0f} judgments/s if every operation ran at that rate")
    for t in range(8, 257):
        if rate / flops_per_judgment(np.array([t]), layers, hidden, feed_forward)[0] < args.target:
            print(f"the ceiling reaches {args.target:.0f} judgments/s only for inputs of at most {t - 1} word pieces")
            break

    dataset_examples = labels.from_dataset(dataset, "human")[:32]
    target = Target(dataset.kind)
    model = Trainer("cross-encoder", target, TrainSettings(max_steps=1), [], False).fit(dataset_examples)
    model.predict(pairs[:64])
    started = time.perf_counter()
    model.predict(pairs)
    batched = len(pairs) / (time.perf_counter() - started)
    print(f"cross-encoder batched prediction: {batched:.0f} judgments/s ({batched / ceiling:.0%} of the ceiling)")
    sys.path.insert(0, os.path.dirname(__file__))
    from distill_curve import as_judge

    as_judge(model, "cross-encoder", dataset, len(pairs))


if __name__ == "__main__":
    main()
