"""`judgebench data add|list|show|remove`: the dataset library for labeling your own data."""

from __future__ import annotations

import argparse

from judgebench.cli.common import home_option, when


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="judgebench data", description="The dataset library (SQLite).")
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="upload a JSONL / CSV / Parquet file (a new version if the name exists)")
    add.add_argument("file")
    add.add_argument("--name", help="dataset name (default: the file name)")
    add.add_argument("--id-column", help="column holding item ids (default: a hash of the row)")
    add.add_argument("--format", choices=["jsonl", "json", "csv", "parquet"], help="default: from the suffix")
    add.add_argument("--map", action="append", default=[], metavar="PLACEHOLDER=COLUMN",
                     help="which column fills a prompt placeholder, e.g. --map output=answer (default: suggested "
                          "from the column names)")
    column_map = sub.add_parser("map", help="show or change which column fills each prompt placeholder")
    column_map.add_argument("dataset", help="id, name (latest version) or name@version")
    column_map.add_argument("pairs", nargs="*", metavar="PLACEHOLDER=COLUMN",
                            help="e.g. output=answer; `output=` removes the entry")
    sub.add_parser("list", help="datasets and versions")
    show = sub.add_parser("show", help="a dataset's columns and first rows")
    show.add_argument("dataset", help="id, name (latest version) or name@version")
    show.add_argument("--rows", type=int, default=5)
    remove = sub.add_parser("remove", help="delete a dataset version with its labelings and jobs")
    remove.add_argument("dataset")
    for p in sub.choices.values():
        home_option(p)
    args = parser.parse_args(argv)
    return _data(args)


def _data(args) -> int:
    from pathlib import Path

    from judgebench.data.column_map import parse_column_map
    from judgebench.label.ingest import read_upload
    from judgebench.label.library import Library

    library = Library(args.home)
    if args.command == "add":
        column_map = parse_column_map(args.map)
        items, columns = read_upload(args.file, args.format, args.id_column)
        info = library.add_dataset(args.name or Path(args.file).stem, items, columns, str(Path(args.file).resolve()),
                                   column_map)
        print(f"added {info.name} v{info.version} ({info.dataset_id}): {info.n_items} rows, "
              f"columns {', '.join(info.columns)}")
        print(describe_column_map(info))
        print(f"next: judgebench label start --dataset {info.name} --criteria faithfulness")
    elif args.command == "map":
        info = library.dataset(args.dataset)
        if args.pairs:
            library.set_column_map(info.dataset_id, parse_column_map(args.pairs))
            info = library.dataset(info.dataset_id)
        print(describe_column_map(info))
    elif args.command == "list":
        datasets = library.datasets()
        if not datasets:
            print(f"no datasets in {library.path}; add one with `judgebench data add FILE --name NAME`")
        for d in datasets:
            print(f"{d.dataset_id}  {d.name}@{d.version:<4} {d.n_items:>7} rows  {when(d.created)}  "
                  f"{', '.join(d.columns)}")
    elif args.command == "show":
        info = library.dataset(args.dataset)
        print(f"{info.name} v{info.version} ({info.dataset_id}), {info.n_items} rows, from {info.source}")
        print(f"columns: {', '.join(info.columns)}")
        print(describe_column_map(info))
        for item in library.items(info.dataset_id)[:args.rows]:
            print(f"- {item.item_id}: " + " | ".join(f"{k}={str(v)[:60]!r}" for k, v in item.fields.items()))
        for labeling in library.labelings(info.dataset_id):
            print(f"labeling {labeling.labeling_id}: {len(library.reviews(labeling.labeling_id))} reviewed")
        for job in library.jobs(info.dataset_id):
            print(f"job {job.job_id}: {job.status} {job.done}/{job.total}")
    else:
        info = library.dataset(args.dataset)
        library.remove_dataset(info.dataset_id)
        print(f"removed {info.name} v{info.version} ({info.dataset_id})")
    return 0


def describe_column_map(info) -> str:
    if not info.column_map:
        return (f"no column map: prompts use the column names as they are; "
                f"change with `judgebench data map {info.name}@{info.version} input=COLUMN`")
    pairs = ", ".join(f"{{{p}}} <- {c}" for p, c in info.column_map.items())
    return f"prompt placeholders filled from: {pairs} (change with `judgebench data map {info.name}@{info.version} " \
           "PLACEHOLDER=COLUMN`)"
