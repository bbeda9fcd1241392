"""`judgebench distill`: train a small evaluator from labels, usable as the judge distilled/<name>."""

from __future__ import annotations

import argparse
from pathlib import Path


def parser() -> argparse.ArgumentParser:
    from judgebench.cli.common import home_option
    from judgebench.distill.methods import METHODS

    parser = argparse.ArgumentParser(prog="judgebench distill", description=(
        "Train an evaluator from human labels, a judge's labels or an LLM Judge++ labeling; report its cross-fitted "
        "agreement with every metric of the task kind, and save it for use as the judge distilled/<name>."))
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--dataset", help="a shipped dataset config (binary, likert or pairwise)")
    source.add_argument("--labeling", help="an LLM Judge++ labeling id: its reviewed labels and its judge's labels")
    home_option(parser)
    parser.add_argument("--data-root", help="where the datasets live (default: as conf/config.yaml)")
    parser.add_argument("--method", default="tfidf", choices=METHODS.names(),
                        help="; ".join(f"{m}: {METHODS.get(m).description}" for m in METHODS.names()))
    parser.add_argument("--labels", default="human", choices=["human", "judge", "both"])
    parser.add_argument("--teacher-run", help="a results/<run_id> folder with the teacher judge's verdicts")
    parser.add_argument("--teacher", help="the teacher judge's name in that run")
    parser.add_argument("--name", help="the evaluator's name (default: <dataset>-<labels>-<method>)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--group", default="input",
                        help="keep items sharing this field in one fold (default: input; 'none' to disable)")
    parser.add_argument("--limit", type=int, help="train on a random subset of this many labels")
    parser.add_argument("--epochs", type=int, default=1, help="fine-tuned methods: passes over the examples")
    parser.add_argument("--max-steps", type=int, help="fine-tuned methods: at most this many steps per fit")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.add_argument("--out", help="where to save (default: ./distilled or $JUDGEBENCH_DISTILLED_DIR)")
    return parser


def _examples(args):
    """(kind, dataset name, examples, where the labels came from)."""
    from judgebench.distill import labels

    if args.labeling:
        kind, name, examples = labels.from_labeling(args.home, args.labeling)
        return kind, name, examples, "labeling"
    from judgebench.config import named_dataset
    from judgebench.data.load import load_dataset
    from judgebench.score.sources import from_run

    dataset = load_dataset(named_dataset(args.dataset, data_root=args.data_root))
    teacher = None
    if args.teacher_run:
        _, _, judges = from_run(args.teacher_run)
        chosen = [j for j in judges if args.teacher in (j.name, j.judge)]
        if not chosen:
            raise labels.DistillError(f"no judge {args.teacher!r} in {args.teacher_run} "
                                      f"(judges: {', '.join(j.name for j in judges)})")
        teacher = chosen[0].combined(chosen[0].first)
    return dataset.kind, dataset.spec.name, labels.from_dataset(dataset, args.labels, teacher), args.labels


def main(argv: list[str]) -> int:
    command = parser()
    args = command.parse_args(argv)
    from judgebench.distill.methods import TrainSettings
    from judgebench.distill.model import distill, save

    kind, dataset, examples, source = _examples(args)
    name = args.name or f"{dataset.split('@')[0]}-{source}-{args.method}"
    settings = TrainSettings(seed=args.seed, epochs=args.epochs, max_steps=args.max_steps)
    model, report = distill(examples, kind, name=name, dataset=dataset, method=args.method, label_source=source,
                            teacher=args.teacher, folds=args.folds, seed=args.seed, limit=args.limit,
                            group_field=None if args.group == "none" else args.group, settings=settings,
                            progress=not args.quiet)
    path = save(model, report, Path(args.out) if args.out else None)
    grouped = f", grouped by {report.grouped_by}" if report.grouped_by else ""
    print(f"{report.method} on {report.trained_on} labels ({report.human_labels} from people), "
          f"{report.train_seconds:.1f} s")
    for against, scores in (("humans", report.versus_humans), ("teacher", report.versus_teacher)):
        if scores:
            cells = ", ".join(f"{k} {v['estimate']:.3f} [{v['low']:.3f}, {v['high']:.3f}]"
                              for k, v in scores.items() if k != "items" and v["estimate"] is not None
                              and v["low"] is not None)
            print(f"cross-fitted ({report.folds} folds{grouped}) against the {against} on {scores['items']} items: "
                  f"{cells}")
    print(f"saved {path}; use it as a judge: judges='[{{name: {name}, model: distilled/{name}, concurrency: 256}}]'")
    return 0
