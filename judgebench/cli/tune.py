"""`judgebench tune`: tune a criteria prompt on train/dev splits, report once on test."""

from __future__ import annotations

import argparse
from pathlib import Path


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="judgebench tune", description=(
        "Tune a criteria prompt against the human labels: candidates (variants, model-rewritten rubrics, "
        "few-shot sets) are chosen on a dev split; the winner and the baseline are scored once on a test split."))
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--data-root")
    parser.add_argument("--judge", required=True, help="the judge whose prompt is tuned (a conf/judge name)")
    parser.add_argument("--judge-dir", action="append", default=[], help="more folders of judge configs")
    parser.add_argument("--prompt", help="the baseline prompt (default: the dataset's)")
    parser.add_argument("--variant", action="append", default=[], help="another prompt to compare (repeatable)")
    parser.add_argument("--proposer", help="a judge config whose model rewrites the rubric (none: no rewriting)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--few-shot", default="2,4", help="few-shot sizes to try, comma separated ('' for none)")
    parser.add_argument("--few-shot-sets", type=int, default=2, help="example sets drawn from train per size")
    parser.add_argument("--limit", type=int, help="use only the first N items of the dataset")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--results", default="results/tune", help="where the candidates' runs go")
    parser.add_argument("--out", default="tuned", help="the tuned prompt goes to OUT/prompt/NAME.yaml")
    parser.add_argument("--name", help="the tuned prompt's name (default: <prompt>_tuned)")
    args = parser.parse_args(argv)

    from judgebench.config import judge_spec, named_dataset_entry, prompt_spec, run_config
    from judgebench.data.load import load_dataset
    from judgebench.tune.search import run_evaluator, save_tuned, tune

    entry = named_dataset_entry(args.dataset, data_root=args.data_root,
                                overrides={"limit": args.limit} if args.limit else None)
    base = run_config({"dataset": entry, "judges": [args.judge], "judge_dirs": args.judge_dir,
                       "prompt": args.prompt, "results_dir": args.results, "progress": False})
    dataset = load_dataset(base.dataset)
    variants = [prompt_spec(v) for v in args.variant]
    proposer = judge_spec(args.proposer, tuple(args.judge_dir)) if args.proposer else None
    results = Path(args.results) / f"{base.dataset.name}-{base.judges[0].name}-{base.prompt.name}"
    result = tune(dataset, base.prompt, lambda train: run_evaluator(base, dataset, train, results),
                  variants=variants, proposer=proposer, rounds=args.rounds,
                  few_shot=[int(k) for k in args.few_shot.split(",") if k.strip()],
                  few_shot_sets=args.few_shot_sets, seed=args.seed)
    path = save_tuned(result, Path(args.out), args.name or f"{base.prompt.name}_tuned",
                      dataset=base.dataset.name, judge=base.judges[0].name, seed=args.seed)
    print(f"split: {result.split_sizes}")
    print("\n".join(result.log))
    print(f"saved {path} (lineage beside it); use it with hydra.searchpath=[file://{Path(args.out).resolve()}] "
          f"prompt={path.stem}")
    return 0
