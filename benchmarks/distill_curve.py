"""Learning curves of distilled evaluators against the humans, per method and training-set size (run by hand).

    python benchmarks/distill_curve.py [--dataset halueval_general] [--test 600] [--sizes 16,64,256,1000,all]
        [--methods tfidf,minilm,setfit,cross-encoder] [--max-steps 100] [--epochs 1] [--as-judge 0]
    python benchmarks/distill_curve.py --dataset summeval --test 400 --group input     # a Likert evaluator
    python benchmarks/distill_curve.py --dataset llmbar --test 150                      # a pairwise one

A fixed, stratified, seeded test split; each evaluator is trained on stratified subsamples of the rest and
scored on the test split with the kind's catalog metrics and their bootstrap intervals (binary: accuracy,
balanced accuracy, kappa; Likert: Spearman and Kendall against the experts' mean rating, with the items of
one document resampled together via --group; pairwise: each order's accuracy and the positional agreement),
with its training time and its batched prediction rate (judgments a second) on this machine. `--as-judge N`
also runs the last evaluator of each method as the judge `distilled/<name>` through `judgebench run` on N
items and reports the run's judgments a second.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402

from judgebench.config import named_dataset, named_dataset_entry, run_config  # noqa: E402
from judgebench.data.load import load_dataset  # noqa: E402
from judgebench.data.schema import Item  # noqa: E402
from judgebench.distill import labels  # noqa: E402
from judgebench.distill.methods import TrainSettings  # noqa: E402
from judgebench.distill.model import Trainer, predictions, save  # noqa: E402
from judgebench.distill.target import Target  # noqa: E402
from judgebench.run.job import execute  # noqa: E402
from judgebench.score.table import JudgeVerdicts, ScoreOptions, score_judge  # noqa: E402

SHOWN = {"binary": ("accuracy", "balanced_accuracy", "kappa"), "likert": ("spearman", "kendall", "mae"),
         "pairwise": ("accuracy_first_order", "accuracy_second_order", "positional_agreement")}


def scored(kind, test, predicted, group: str | None) -> dict:
    items = [Item(e.item_id, dict(e.fields), (e.human,)) for e in test]
    orders = list(predicted.values())
    verdicts = JudgeVerdicts("distilled", orders[0], orders[1] if len(orders) > 1 else None)
    return score_judge(kind, items, verdicts, ScoreOptions(resamples=1000, seed=0, cluster_field=group)).metrics


def split(examples, test_size: int, seed: int, target: Target):
    from sklearn.model_selection import train_test_split

    strata = np.rint(target.encode([e.label for e in examples])).astype(int)
    pool, test = train_test_split(np.arange(len(examples)), test_size=test_size, stratify=strata, random_state=seed)
    return pool, test, strata


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", default="halueval_general")
    parser.add_argument("--data-root")
    parser.add_argument("--test", type=int, default=600)
    parser.add_argument("--sizes", default="16,64,256,1000,all")
    parser.add_argument("--methods", default="tfidf,minilm,setfit,cross-encoder")
    parser.add_argument("--max-steps", type=int, default=100, help="cap on each fine-tuning's optimiser steps")
    parser.add_argument("--epochs", type=int, default=1, help="fine-tuned methods: passes over the examples")
    parser.add_argument("--group", help="resample the test items of one group together (e.g. input: a document)")
    parser.add_argument("--as-judge", type=int, default=0, help="items the last evaluator judges through a run")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    from sklearn.model_selection import train_test_split

    dataset = load_dataset(named_dataset(args.dataset, data_root=args.data_root))
    kind, target = dataset.kind, Target(dataset.kind)
    examples = labels.from_dataset(dataset, "human")
    pool, test_index, strata = split(examples, args.test, args.seed, target)
    test = [examples[i] for i in test_index]
    shown = SHOWN.get(kind.name, kind.headline_metrics)
    print(f"{dataset.spec.name} ({kind.name}): {len(examples)} labeled items; test split {len(test)}, training pool "
          f"{len(pool)}; fine-tuning {args.epochs} epoch(s), capped at {args.max_steps} steps\n")
    print("| method | labels | train s | judgments/s | " + " | ".join(shown) + " |")
    print("|---" * (len(shown) + 4) + "|")
    for method in args.methods.split(","):
        model = None
        for size in args.sizes.split(","):
            n = len(pool) if size == "all" else min(int(size), len(pool))
            chosen = pool if n >= len(pool) else train_test_split(pool, train_size=n, stratify=strata[pool],
                                                                  random_state=args.seed)[0]
            trainer = Trainer(method, target, TrainSettings(seed=args.seed, epochs=args.epochs, max_steps=args.max_steps), [], False)
            started = time.perf_counter()
            model = trainer.fit([examples[i] for i in chosen])
            trained = time.perf_counter() - started
            started = time.perf_counter()
            predicted = predictions(model, target, test)
            rate = len(test) * len(predicted) / (time.perf_counter() - started)
            metrics = scored(kind, test, predicted, args.group)
            cells = [f"{m.value:.3f} [{m.low:.3f}, {m.high:.3f}]" if m.value is not None else "-"
                     for m in (metrics.get(name) for name in shown) if m is not None]
            print(f"| {method} | {len(chosen)} | {trained:.1f} | {rate:.0f} | " + " | ".join(cells) + " |", flush=True)
        if args.as_judge and model is not None:
            as_judge(model, method, dataset, args.as_judge)


def as_judge(model, method: str, dataset, items: int) -> None:
    """The evaluator as the judge distilled/<name> in a real run: the run's judgments a second."""
    from judgebench.distill.model import DistillReport

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["JUDGEBENCH_DISTILLED_DIR"] = tmp
        name = f"curve-{method}"
        save(model, DistillReport(name, dataset.spec.name, method, dataset.kind.to_dict(), "human", None, 0, 0, 0,
                                  None, 0, 0), None)
        config = run_config({"dataset": dict(named_dataset_entry(dataset.spec.name), limit=items),
                             "progress": False,
                             "judges": [{"name": name, "model": f"distilled/{name}", "concurrency": 256}],
                             "results_dir": f"{tmp}/results", "run_id": "as-judge"})
        summary = execute(config)
        pace = summary["judges"][name]["judgments_per_s"]
        print(f"\n{method} as the judge distilled/{name} in `judgebench run` on {config.dataset.limit} items of "
              f"{dataset.spec.name}: {pace:.0f} judgments/s\n")


if __name__ == "__main__":
    main()
