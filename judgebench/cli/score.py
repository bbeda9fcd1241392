"""`judgebench score`: agreement with the humans, with intervals, from a run or recorded verdicts."""

from __future__ import annotations

import argparse
import dataclasses
import sys


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="judgebench score", description=(
        "Score judges against the human labels: a run folder, or recorded verdicts brought along "
        "(a column of the dataset itself, or a JSONL / CSV / Parquet file). No model is called."))
    add_source_arguments(parser)
    parser.add_argument("--policy", default="count_as_wrong", choices=["count_as_wrong", "exclude"])
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--confidence", type=float, default=0.95)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cluster", help="resample whole groups sharing this item field")
    parser.add_argument("--alt-test", action="store_true", help="can the judge replace the annotators? the "
                        "alternative-annotator test (needs three or more named annotators)")
    parser.add_argument("--epsilon", type=float, default=0.2, help="the alt-test's cost-benefit margin (0.2 experts, "
                                                                  "0.15 skilled annotators, 0.1 crowd workers)")
    parser.add_argument("--unsupervised", action="store_true", help="each judge's accuracy estimated from the judges' "
                        "agreement alone (Dawid-Skene; three or more judges; the juries extra)")
    parser.add_argument("--json", help="also write the Scorecard here (strict JSON, documented in score/scorecard.py)")
    return parser


def add_source_arguments(parser: argparse.ArgumentParser) -> None:
    """Where the verdicts come from: a run folder, or recorded verdicts (`score` and `estimate`)."""
    parser.add_argument("run", nargs="?", help="a results/<run_id> folder")
    parser.add_argument("--dataset", help="a shipped dataset config, for recorded verdicts")
    parser.add_argument("--data-root", help="where the datasets live (default: as conf/config.yaml)")
    parser.add_argument("--where", action="append", default=[], metavar="FIELD=VALUE",
                        help="keep items whose field has this value (a run's items, or the dataset's)")
    parser.add_argument("--dataset-column", help="a field of the dataset that holds a judge's verdicts")
    parser.add_argument("--human-column", help="a field of the dataset that holds the humans' label, instead of "
                                               "the config's (its label mapping applies)")
    parser.add_argument("--verdicts", help="a file of recorded verdicts, one row per item")
    parser.add_argument("--id-column", default="id", help="the item id field in --verdicts")
    parser.add_argument("--column", help="the verdict field in --verdicts")
    parser.add_argument("--second-column", help="the verdict on the swapped order (pairwise)")
    parser.add_argument("--second-raw", action="store_true", help="--second-column is as the judge said it: flip it")
    parser.add_argument("--verdict-where", action="append", default=[], metavar="FIELD=VALUE",
                        help="keep matching rows of --verdicts")
    parser.add_argument("--map", action="append", default=[], metavar="RAW=LABEL", help="translate verdict values")
    parser.add_argument("--name", help="the judge's name in the report")


def read_source(command: argparse.ArgumentParser, args: argparse.Namespace):
    """The kind, the items and the judges' verdicts the arguments name."""
    from judgebench.score import sources

    if args.run:
        from judgebench.judges.families import family_overlaps

        run = sources.read_run(args.run)
        items = sources.matching(run.items, sources.parse_pairs(args.where, "--where"))
        for overlap in family_overlaps(run.families, items):
            print(f"warning: {overlap.warning()}", file=sys.stderr)
        return run.kind, items, run.verdicts
    if args.dataset and (args.dataset_column or (args.verdicts and args.column)):
        return recorded(args)
    command.error("give a run folder, or --dataset with --dataset-column or --verdicts and --column")


def recorded(args: argparse.Namespace):
    """The dataset's items and the verdicts recorded in one of its columns or in a file."""
    from judgebench.config import load_group_entry, named_dataset
    from judgebench.data.load import load_dataset
    from judgebench.data.schema import DataError
    from judgebench.score import sources

    mapping = sources.parse_pairs(args.map, "--map")
    extra = {args.dataset_column: args.dataset_column} if args.dataset_column else None
    overrides = {"where": sources.parse_pairs(args.where, "--where")} if args.where else {}
    if args.human_column:
        label = load_group_entry("dataset", args.dataset).get("label") or {}
        overrides["label"] = {"column": args.human_column, "mapping": label.get("mapping") or {}}
    spec = named_dataset(args.dataset, data_root=args.data_root, extra_columns=extra, overrides=overrides or None)
    dataset = load_dataset(spec)
    items = list(dataset.items)
    if args.dataset_column:
        judges = [sources.from_dataset_column(dataset, args.dataset_column, mapping)]
    else:
        judges = [sources.from_file(args.verdicts, dataset.kind, id_column=args.id_column, column=args.column,
                                    mapping=mapping, second_column=args.second_column,
                                    second_is_raw=args.second_raw, name=args.name,
                                    where=sources.parse_pairs(args.verdict_where, "--verdict-where"))]
        wanted = set(judges[0].first)
        items = [i for i in items if i.item_id in wanted]
        if not items:
            raise DataError("no verdict matches an item id of the dataset", path=args.verdicts)
    if args.name:
        judges = [dataclasses.replace(j, name=args.name) for j in judges]
    return dataset.kind, items, judges


def main(argv: list[str]) -> int:
    command = parser()
    args = command.parse_args(argv)
    from judgebench.score.report import format_scores, score_all
    from judgebench.score.scorecard import write_scorecard
    from judgebench.errors import UserError
    from judgebench.score.table import ScoreOptions

    kind, items, judges = read_source(command, args)
    result = score_all(kind, items, judges, ScoreOptions(args.policy, args.resamples, args.confidence, args.seed,
                                                         args.cluster))
    print(format_scores(result))
    if args.alt_test:
        from judgebench.score.alt import alt_tests, format_alt_tests
        from judgebench.trust.alt_test import AltTestError

        try:
            tests = alt_tests(kind, items, judges, epsilon=args.epsilon)
        except AltTestError as exc:
            raise UserError(f"--alt-test: {exc}") from None
        print(format_alt_tests(tests))
        result = dataclasses.replace(result, judges=tuple(dataclasses.replace(j, alt_test=tests[j.name])
                                                          for j in result.judges))
    if args.unsupervised:
        from judgebench.trust.unsupervised import dawid_skene, format_assessment

        verdicts = {j.name: j.combined(i.item_id for i in items) for j in judges}
        truth = {i.item_id: kind.consensus(i.human) for i in items if i.human}
        print(format_assessment(dawid_skene(verdicts, truth=truth, resamples=min(args.resamples, 200),
                                            level=args.confidence, seed=args.seed)))
    if args.json:
        write_scorecard(result, args.json)
    return 0
