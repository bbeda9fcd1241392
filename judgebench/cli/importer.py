"""`judgebench import`: verdicts that real judges gave elsewhere -> run folders that score, estimate and the
leaderboard read like any run."""

from __future__ import annotations

import argparse
import os
import sys


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="judgebench import", description=(
        "Import recorded verdicts as run folders (results/<name>/, the schema of `judgebench run`). Name sets "
        "of conf/recorded/, or --catalog for every set whose files exist, or describe a file with the options."))
    parser.add_argument("sets", nargs="*", help="names in conf/recorded/")
    parser.add_argument("--catalog", action="store_true", help="every set of conf/recorded/ whose files exist")
    parser.add_argument("--results", default="results", help="where the run folders go (default: results)")
    parser.add_argument("--data-root", help="where the datasets live (default: as conf/config.yaml)")
    file = parser.add_argument_group("one file of verdicts, described here")
    file.add_argument("--name", help="the run folder's name")
    file.add_argument("--dataset", help="the dataset config the verdicts judge")
    file.add_argument("--verdicts", help="the file: JSONL, CSV, Parquet or JSON")
    file.add_argument("--column", help="the verdict field")
    file.add_argument("--second-column", help="the verdict on the swapped order (pairwise)")
    file.add_argument("--second-raw", action="store_true", help="--second-column is as the judge said it: flip it")
    file.add_argument("--confidence-column", help="the judge's probability of its verdict (0-1): what "
                                                  "`judgebench escalate` thresholds")
    how = file.add_mutually_exclusive_group()
    how.add_argument("--id-column", action="append", help="the item id field (repeat to join several with ':')")
    how.add_argument("--row-order", action="store_true", help="each judge's k-th row is the dataset's k-th item")
    how.add_argument("--position-column", help="a field holding the item's 0-based position in the dataset")
    who = file.add_mutually_exclusive_group()
    who.add_argument("--judge", help="the one judge of the file")
    who.add_argument("--judge-column", action="append", help="one judge per distinct value (repeat: joined by /)")
    file.add_argument("--where", action="append", default=[], metavar="FIELD=VALUE", help="keep matching rows")
    file.add_argument("--map", action="append", default=[], metavar="RAW=LABEL", help="translate verdict values")
    file.add_argument("--fail", action="append", default=[], metavar="RAW",
                      help="a raw value that is a failed verdict (null: a missing one); stored with its raw text")
    return parser


def _described(args: argparse.Namespace) -> dict:
    from judgebench.score.sources import parse_pairs

    return {"name": args.name, "dataset": args.dataset, "file": args.verdicts, "column": args.column,
            "second_column": args.second_column, "second_raw": args.second_raw,
            "confidence_column": args.confidence_column,
            "id_column": (args.id_column[0] if len(args.id_column) == 1 else args.id_column) if args.id_column
            else None, "row_order": args.row_order, "position_column": args.position_column,
            "judge": args.judge, "judge_columns": args.judge_column or [],
            "where": parse_pairs(args.where, "--where"), "map": parse_pairs(args.map, "--map"),
            "fail": [None if v == "null" else v for v in args.fail]}


def missing_files(spec, data_root: str | None) -> list[str]:
    """The files a set needs that are not there: its verdicts and its dataset's."""
    from judgebench.config import named_dataset
    from judgebench.data.readers import expand_paths
    from judgebench.data.schema import DataError

    missing = [] if os.path.exists(spec.file) else [spec.file]
    dataset = named_dataset(spec.dataset, data_root=data_root, overrides=spec.dataset_overrides or None)
    for pattern in dataset.path:
        try:
            expand_paths((pattern,))
        except DataError:
            missing.append(pattern)
    return missing


def main(argv: list[str]) -> int:
    command = parser()
    args = command.parse_args(argv)
    from judgebench.config import named_dataset
    from judgebench.config.recorded import recorded_names, recorded_sets
    from judgebench.data.load import load_dataset
    from judgebench.recorded.importer import import_set

    if args.verdicts:
        if not (args.name and args.dataset and args.column):
            command.error("--verdicts needs --name, --dataset and --column")
        sets = recorded_sets(_described(args), data_root=args.data_root)
    elif args.catalog or args.sets:
        names = recorded_names() if args.catalog else args.sets
        sets = [s for name in names for s in recorded_sets(name, data_root=args.data_root)]
    else:
        command.error("name sets of conf/recorded/, or give --catalog, or describe a file with --verdicts")
    imported = 0
    for spec in sets:
        missing = missing_files(spec, args.data_root)
        if missing and (args.catalog or len(sets) > 1):
            print(f"skipped {spec.name}: {', '.join(missing)} not found", file=sys.stderr)
            continue
        dataset = load_dataset(named_dataset(spec.dataset, data_root=args.data_root,
                                             overrides=spec.dataset_overrides or None))
        folder = import_set(spec, dataset, args.results)
        print(f"imported {spec.name}: {folder}")
        imported += 1
    if not imported:
        print("nothing imported", file=sys.stderr)
    return 0
