"""Agreement with humans of a distilled evaluator by training-set size, next to the teacher (run by hand).

    python benchmarks/distill_curve.py [--dataset halueval_general] [--test 600] [--teacher local_gemma3]

A fixed, stratified, seeded test split; the evaluator is trained on 100, 300, 1000 and all
remaining human labels (stratified subsamples) and scored on the test split; the teacher
judge (an LLM judge through `judgebench run`) is scored on the same test items.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

import numpy as np  # noqa: E402

from judgebench.config import named_dataset, prompt_spec, run_config  # noqa: E402
from judgebench.data.load import load_dataset  # noqa: E402
from judgebench.distill.model import item_text, make_pipeline  # noqa: E402
from judgebench.kinds import BINARY  # noqa: E402
from judgebench.metrics.catalog import confusion_intervals  # noqa: E402
from judgebench.metrics.coverage import consensus  # noqa: E402
from judgebench.run.job import execute  # noqa: E402
from judgebench.score.sources import from_run  # noqa: E402


def scores(truth, predicted) -> str:
    got = confusion_intervals(BINARY, truth, predicted, resamples=1000)
    return "  ".join(f"{k} {got[k].estimate:.3f} [{got[k].low:.3f}, {got[k].high:.3f}]"
                     for k in ("accuracy", "balanced_accuracy", "kappa"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dataset", default="halueval_general")
    parser.add_argument("--data-root")
    parser.add_argument("--test", type=int, default=600)
    parser.add_argument("--teacher", default="local_gemma3")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--features", default="tfidf,minilm", help="comma separated: tfidf, minilm")
    args = parser.parse_args()
    from sklearn.model_selection import train_test_split

    spec = named_dataset(args.dataset, data_root=args.data_root)
    dataset = load_dataset(spec)
    prompt = prompt_spec(spec.default_prompt)
    items = [i for i in dataset.items if consensus(list(i.human), "binary") is not None]
    y = np.array([consensus(list(i.human), "binary") for i in items])
    pool, test = train_test_split(np.arange(len(items)), test_size=args.test, stratify=y, random_state=args.seed)
    test_texts = [item_text(prompt, items[n].fields) for n in test]
    print(f"{spec.name}: {len(items)} items, positive rate {y.mean():.3f}; test split {len(test)}, "
          f"train pool {len(pool)}; majority-class accuracy on test {max(y[test].mean(), 1 - y[test].mean()):.3f}")
    for features in args.features.split(","):
        for size in (100, 300, 1000, len(pool)):
            chosen = pool if size >= len(pool) else train_test_split(pool, train_size=size, stratify=y[pool],
                                                                     random_state=args.seed)[0]
            started = time.perf_counter()
            model = make_pipeline(args.seed, features).fit([item_text(prompt, items[n].fields) for n in chosen],
                                                           y[chosen])
            predicted = model.predict(test_texts)
            print(f"distilled {features:<6} {len(chosen):>5} human labels ({time.perf_counter() - started:5.1f} s): "
                  f"{scores(y[test], predicted)}")
    with tempfile.TemporaryDirectory() as tmp:
        # The test items as a dataset of their own, so the teacher judges exactly those.
        path = f"{tmp}/test.jsonl"
        with open(path, "w") as fh:
            for n in test:
                fh.write(json.dumps({"fields": items[n].fields, "labels": list(items[n].human)}) + "\n")
        columns = {name: f"fields.{name}" for name in items[0].fields}
        config = run_config({"dataset": {"name": f"{spec.name}_test", "kind": "binary", "path": path,
                                         "columns": columns, "label": {"column": "labels"},
                                         "default_prompt": spec.default_prompt},
                             "judges": [args.teacher], "results_dir": tmp, "progress": False, "run_id": "teacher"})
        started = time.perf_counter()
        execute(config)
        _, _, judged_items, judges = from_run(f"{tmp}/teacher")
        verdicts = judges[0].first
        truth = [consensus(list(i.human), "binary") for i in judged_items]
        filled = [v if v is not None else 1 - t for v, t in
                  zip((verdicts.get(i.item_id) for i in judged_items), truth)]
        print(f"teacher {args.teacher} on the test split ({time.perf_counter() - started:5.1f} s): "
              f"{scores(truth, filled)}")


if __name__ == "__main__":
    main()
