"""Does the LLM Judge++ loop help? Held-out agreement after 0, 16, 32, 64 reviewed labels (run by hand).

    python benchmarks/refinement_curve.py --judge local_smollm2          # the embedded judge, offline
    python benchmarks/refinement_curve.py --judge scripted               # the scripted test server

A real binary dataset from ../shared/data (default halueval_general) is split, stratified and
seeded, into a review pool and a test set. The human labels play the reviewer: every round the
labeling picks 16 pool items (active or random selection, the product's own code), the script
answers with the human majority label, and those reviews become the judge's few-shot examples
(the k nearest reviewed items, balanced across labels). At each checkpoint the judge labels the
test items, which no reviewer ever saw, and accuracy and Cohen's kappa are reported with 95 %
bootstrap intervals (an item the judge fails on counts as wrong), plus the paired bootstrap
interval of kappa's change from 0 reviews.

The scripted server answers from fixed rules and ignores examples: its curve must stay flat. A
change there would mean the measurement leaks labels.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")

from judgebench.config import named_dataset, prompt_spec  # noqa: E402
from judgebench.data.load import load_dataset  # noqa: E402
from judgebench.label.library import Library  # noqa: E402
from judgebench.label.workflow import Labeling, judges_from, start_labeling  # noqa: E402
from judgebench.metrics.agreement import cohen_kappa_score  # noqa: E402
from judgebench.kinds import BINARY  # noqa: E402
from judgebench.metrics.catalog import confusion_intervals  # noqa: E402
from judgebench.metrics.coverage import apply_policy  # noqa: E402
from judgebench.metrics.paired import paired_bootstrap_difference  # noqa: E402

# The scripted judge: "No" when the response hedges or refuses, else "Yes", with a fixed probability.
SCRIPTED_RULES = [{"match": r"(?is)Response:.*\b(sorry|cannot|as an ai|not able|unable)\b", "reply": "Verdict: No"}]


def split(items, test_size: int, pool_size: int, seed: int):
    from sklearn.model_selection import train_test_split

    labels = [BINARY.consensus(i.human) for i in items]
    usable = [(i, y) for i, y in zip(items, labels) if y is not None]
    rest, test = train_test_split(usable, test_size=test_size, stratify=[y for _, y in usable], random_state=seed)
    pool, _ = train_test_split(rest, train_size=pool_size, stratify=[y for _, y in rest], random_state=seed)
    return [i for i, _ in pool], [i for i, _ in test], {i.item_id: y for i, y in usable}


def evaluate(labeling: Labeling, test, truth) -> dict:
    _, prompt = labeling.prompt()
    started = time.perf_counter()
    verdicts = labeling.verdicts(labeling.judge(test, prompt, labeling.reviewed()))
    human = [truth[i.item_id] for i in test]
    judged = [verdicts[i.item_id].label if i.item_id in verdicts else None for i in test]
    aligned = apply_policy(BINARY, human, judged)
    scores = confusion_intervals(BINARY, aligned.human.astype(int), aligned.judge.astype(int), resamples=1000)
    return {"predicted": [int(v) for v in aligned.judge], "coverage": aligned.coverage,
            "accuracy": scores["accuracy"], "kappa": scores["kappa"],
            "share_yes": float(sum(int(v) for v in aligned.judge) / len(test)), "seconds": time.perf_counter() - started}


def review_until(labeling: Labeling, target: int, pool_ids: set[str], truth) -> list[int]:
    """Rounds of 16 until `target` labels are reviewed; per round, how many judge labels the reviewer flipped."""
    flips = []
    while len(labeling.reviewed()) < target:
        batch = labeling.next_batch(min(16, target - len(labeling.reviewed())), among=pool_ids)
        flips.append(sum(e.judge_label != truth[e.item_id] for e in batch))
        labeling.submit_reviews({e.item_id: truth[e.item_id] for e in batch})
    return flips


def fmt(interval) -> str:
    return f"{interval.estimate:.3f} [{interval.low:.3f}, {interval.high:.3f}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", default="halueval_general")
    parser.add_argument("--data-root")
    parser.add_argument("--judge", default="local_smollm2", help="a conf/judge name, or `scripted` (test server)")
    parser.add_argument("--prompt", help="default: the dataset's default prompt")
    parser.add_argument("--test", type=int, default=300, help="held-out items")
    parser.add_argument("--pool", type=int, default=600, help="items the reviewer may be shown")
    parser.add_argument("--candidates", type=int, default=96, help="pool items the judge labels per active round")
    parser.add_argument("--checkpoints", default="0,16,32,64")
    parser.add_argument("--few-shot", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", help="write all figures here")
    args = parser.parse_args()
    checkpoints = [int(c) for c in args.checkpoints.split(",")]

    spec = named_dataset(args.dataset, data_root=args.data_root)
    dataset = load_dataset(spec)
    prompt = prompt_spec(args.prompt or spec.default_prompt)
    pool, test, truth = split(list(dataset.items), args.test, args.pool, args.seed)
    server = None
    if args.judge == "scripted":
        from judgebench.testing.openai_server import ScriptedServer

        server = ScriptedServer().start()
        server.configure(rules=SCRIPTED_RULES, default="Verdict: Yes", verdict_prob=0.8)
        judge = {"name": "scripted", "model": "openai/scripted", "api_base": server.url, "logprobs": True,
                 "concurrency": 16}
    else:
        judge = args.judge
    results: dict = {"dataset": args.dataset, "judge": args.judge, "prompt": prompt.name, "test": len(test),
                     "pool": len(pool), "test_share_yes": sum(truth[i.item_id] for i in test) / len(test),
                     "curves": {}}
    print(f"{args.dataset}: {len(test)} test items ({results['test_share_yes']:.0%} labeled 1), review pool "
          f"{len(pool)}; judge {args.judge}; prompt {prompt.name}; k = {args.few_shot}")
    with tempfile.TemporaryDirectory() as home:
        library = Library(Path(home))
        info = library.add_dataset(args.dataset, pool + test, spec.column_names, "benchmark")
        pool_ids = {i.item_id for i in pool}
        baseline = None
        for selection in ("active", "random"):
            labeling, _ = start_labeling(library, info.dataset_id, prompt, judges_from([judge]),
                                         few_shot_k=args.few_shot, selection=selection, pool_size=args.candidates,
                                         seed=args.seed, batch_size=0)
            curve = []
            for checkpoint in checkpoints:
                started = time.perf_counter()
                flips = review_until(labeling, checkpoint, pool_ids, truth)
                review_s = time.perf_counter() - started
                if checkpoint == 0 and baseline is not None:
                    point = baseline                     # no examples: the same calls for both selections
                else:
                    point = evaluate(labeling, test, truth)
                if checkpoint == 0:
                    baseline = point
                human = [truth[i.item_id] for i in test]
                change = paired_bootstrap_difference(cohen_kappa_score, human, point["predicted"],
                                                     baseline["predicted"], resamples=1000)
                row = {"reviewed": checkpoint, "flips_per_round": flips, "review_s": review_s, **point,
                       "kappa_change": change}
                curve.append(row)
                print(f"{selection:<7} {checkpoint:>3} reviewed  accuracy {fmt(point['accuracy'])}  "
                      f"kappa {fmt(point['kappa'])}  change {fmt(change)}  says-yes {point['share_yes']:.0%}  "
                      f"coverage {point['coverage']:.0%}  flips {flips}  "
                      f"({review_s:.0f} s review, {point['seconds']:.0f} s test)", flush=True)
            results["curves"][selection] = curve
    if server is not None:
        server.stop()
    if args.json:
        def plain(value):
            if hasattr(value, "estimate"):
                return {"estimate": value.estimate, "low": value.low, "high": value.high}
            return value
        for curve in results["curves"].values():
            for row in curve:
                row.pop("predicted")
                for key in list(row):
                    row[key] = plain(row[key])
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
