"""`judgebench data ...` and `judgebench label ...`: the dataset library and the LLM Judge++ loop."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime
from typing import Callable

from judgebench.kinds import KINDS

EXIT_BAD_INPUT = 2


def _home_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--home", default=None, help="library folder (default: $JUDGEBENCH_HOME, ./.judgebench "
                                                     "if it exists, else the user data directory)")


def _when(ts: float | None) -> str:
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M:%S") if ts else "-"


def _guarded(body: Callable[[], int]) -> int:
    from judgebench.config import ConfigError
    from judgebench.data.schema import DataError
    from judgebench.judges.prompts import PromptError
    from judgebench.label.library import LibraryError

    try:
        return body()
    except (ConfigError, DataError, PromptError, LibraryError) as exc:
        print(f"judgebench: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT


# --- judgebench data -------------------------------------------------------------------------

def data_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="judgebench data", description="The dataset library (SQLite).")
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="upload a JSONL / CSV / Parquet file (a new version if the name exists)")
    add.add_argument("file")
    add.add_argument("--name", help="dataset name (default: the file name)")
    add.add_argument("--id-column", help="column holding item ids (default: a hash of the row)")
    add.add_argument("--format", choices=["jsonl", "json", "csv", "parquet"], help="default: from the suffix")
    sub.add_parser("list", help="datasets and versions")
    show = sub.add_parser("show", help="a dataset's columns and first rows")
    show.add_argument("dataset", help="id, name (latest version) or name@version")
    show.add_argument("--rows", type=int, default=5)
    remove = sub.add_parser("remove", help="delete a dataset version with its labelings and jobs")
    remove.add_argument("dataset")
    for p in sub.choices.values():
        _home_option(p)
    args = parser.parse_args(argv)
    return _guarded(lambda: _data(args))


def _data(args) -> int:
    from pathlib import Path

    from judgebench.label.ingest import read_upload
    from judgebench.label.library import Library

    library = Library(args.home)
    if args.command == "add":
        items, columns = read_upload(args.file, args.format, args.id_column)
        info = library.add_dataset(args.name or Path(args.file).stem, items, columns, str(Path(args.file).resolve()))
        print(f"added {info.name} v{info.version} ({info.dataset_id}): {info.n_items} rows, "
              f"columns {', '.join(info.columns)}")
        print(f"next: judgebench label start --dataset {info.name} --metric faithfulness")
    elif args.command == "list":
        datasets = library.datasets()
        if not datasets:
            print(f"no datasets in {library.path}; add one with `judgebench data add FILE --name NAME`")
        for d in datasets:
            print(f"{d.dataset_id}  {d.name}@{d.version:<4} {d.n_items:>7} rows  {_when(d.created)}  "
                  f"{', '.join(d.columns)}")
    elif args.command == "show":
        info = library.dataset(args.dataset)
        print(f"{info.name} v{info.version} ({info.dataset_id}), {info.n_items} rows, from {info.source}")
        print(f"columns: {', '.join(info.columns)}")
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


# --- judgebench label ------------------------------------------------------------------------

def label_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="judgebench label", description=(
        "LLM Judge++: the judge labels 16 items, you review them, your corrections become few-shot examples, "
        "then the refined judge labels the whole dataset."))
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("start", help="create a labeling and label its first review batch")
    start.add_argument("--dataset", required=True, help="id, name or name@version in the library")
    criteria = start.add_mutually_exclusive_group(required=True)
    criteria.add_argument("--metric", help="a built-in metric (faithfulness, correctness, relevance, ...)")
    criteria.add_argument("--template", help="your own prompt with {column} placeholders")
    start.add_argument("--system", default="", help="system message for --template")
    start.add_argument("--kind", choices=[k for k in KINDS.names() if KINDS.get(k).reviewable], default="binary", help="label kind for --template")
    start.add_argument("--judge", action="append", help="conf/judge name (repeat: the first labels, the others "
                                                        "help choose items to review); default local_smollm2")
    start.add_argument("--judge-dir", action="append", default=[], help="extra folder of judge YAML files")
    start.add_argument("--select", choices=["active", "random"], default="active")
    start.add_argument("--pool", type=int, default=128, help="candidates the judge labels to choose from")
    start.add_argument("--few-shot", type=int, default=4, help="reviewed examples shown per item")
    start.add_argument("--batch-size", type=int, default=16)
    start.add_argument("--seed", type=int, default=0)
    review = sub.add_parser("review", help="review the open batch in the terminal")
    review.add_argument("labeling")
    nxt = sub.add_parser("next", help="label the next review batch")
    nxt.add_argument("labeling")
    nxt.add_argument("--batch-size", type=int, default=16)
    submit = sub.add_parser("submit", help="label the whole dataset with the refined judge (background job)")
    submit.add_argument("labeling")
    submit.add_argument("--wait", action="store_true", help="run here and wait instead of in the background")
    status = sub.add_parser("status", help="jobs and their progress")
    status.add_argument("job", nargs="?")
    cancel = sub.add_parser("cancel", help="stop a job (what it labeled is kept)")
    cancel.add_argument("job")
    resume = sub.add_parser("resume", help="continue a job that stopped")
    resume.add_argument("job")
    resume.add_argument("--wait", action="store_true")
    download = sub.add_parser("download", help="the labeled dataset of the latest completed job")
    download.add_argument("target", help="dataset (id, name, name@version) or job id")
    download.add_argument("-o", "--output", required=True, help="file to write (.jsonl, .csv or .parquet)")
    download.add_argument("--format", choices=["jsonl", "csv", "parquet"])
    sub.add_parser("list", help="labelings with their rounds and reviews")
    for p in sub.choices.values():
        _home_option(p)
    args = parser.parse_args(argv)
    return _guarded(lambda: _label(args))


def _print_batch(labeling, batch) -> None:

    for entry in batch:
        first = str(next(iter(labeling.item(entry.item_id).fields.values()), ""))[:50].replace("\n", " ")
        prob = f"{entry.judge_prob:.2f}" if entry.judge_prob is not None else "-"
        print(f"  {entry.position + 1:>2}. {labeling.kind.describe(entry.judge_label):<8} p={prob:<5} "
              f"uncertainty={entry.uncertainty or 0:.2f}  {first}")


def _label(args) -> int:
    from judgebench.label.export import labeled_frame, latest_job, write_frame
    from judgebench.label.jobs import cancel_job, reopen_job, run_job, spawn_job, submit_job, wait_for_job
    from judgebench.label.library import FINAL_STATES, Library
    from judgebench.label.workflow import Labeling, criteria, judges_from, start_labeling

    library = Library(args.home)
    if args.command == "start":
        prompt = criteria(args.metric, template=args.template, system=args.system, kind=args.kind)
        labeling, batch = start_labeling(library, args.dataset, prompt, judges_from(args.judge, args.judge_dir),
                                         few_shot_k=args.few_shot, selection=args.select, pool_size=args.pool,
                                         seed=args.seed, batch_size=args.batch_size)
        print(f"labeling {labeling.id}: round 1, {len(batch)} items to review ({args.select} selection)")
        _print_batch(labeling, batch)
        print(f"next: judgebench label review {labeling.id}")
    elif args.command == "review":
        from judgebench.label.tui import review

        labeling = Labeling(library, args.labeling)
        outcome = review(labeling)
        if outcome is None:
            print("quit without submitting; nothing was saved")
        else:
            print(f"saved {outcome['submitted']} reviews ({outcome['changed']} changed); they are few-shot examples "
                  f"from now on.\nnext: judgebench label next {labeling.id}   (another round)   or   "
                  f"judgebench label submit {labeling.id}")
    elif args.command == "next":
        labeling = Labeling(library, args.labeling)
        batch = labeling.next_batch(args.batch_size)
        print(f"labeling {labeling.id}: round {batch[0].round}, {len(batch)} items to review")
        _print_batch(labeling, batch)
    elif args.command == "submit":
        job_id = submit_job(library, args.labeling)
        if args.wait:
            info = run_job(library, job_id)
            print(f"{job_id}: {info.status} ({info.done}/{info.total})")
        else:
            spawn_job(library, job_id)
            print(f"job {job_id} started in the background; `judgebench label status {job_id}`")
    elif args.command == "status":
        jobs = [library.job(args.job)] if args.job else library.jobs()
        if not jobs:
            print("no jobs yet")
        for job in jobs:
            rate = ""
            if job.status == "running" and job.started and job.done:
                rate = f", {job.done / max(1e-9, time.time() - job.started):.1f} items/s"
            print(f"{job.job_id}  {job.status:<10} {job.done}/{job.total}{rate}  dataset {job.dataset_id}  "
                  f"labeling {job.labeling_id}  prompt v{job.prompt_version}  started {_when(job.started)}"
                  + (f"  error: {job.error}" if job.error else ""))
    elif args.command == "cancel":
        info = cancel_job(library, args.job)
        print(f"{info.job_id}: {info.status}")
    elif args.command == "resume":
        reopen_job(library, args.job)
        if args.wait:
            info = run_job(library, args.job)
            if info.status not in FINAL_STATES:
                print(f"{info.job_id} is running in {info.owner}; waiting for it", flush=True)
                info = wait_for_job(library, args.job)
            print(f"{info.job_id}: {info.status} ({info.done}/{info.total})")
        else:
            spawn_job(library, args.job)
            print(f"job {args.job} resumed in the background")
    elif args.command == "download":
        job_id = args.target if args.target.startswith("job-") else \
            latest_job(library, library.dataset(args.target).dataset_id).job_id
        path = write_frame(labeled_frame(library, job_id), args.output, args.format)
        print(f"wrote {path} (job {job_id})")
    else:
        for labeling in library.labelings():
            info = library.dataset(labeling.dataset_id)
            stored = library.prompt_version(labeling.labeling_id)
            print(f"{labeling.labeling_id}  {info.name}@{info.version}  {labeling.kind.name}  "
                  f"prompt {stored.name} v{stored.version}  {len(library.reviews(labeling.labeling_id))} reviewed  "
                  f"judge {labeling.judges[0]['name']}")
    return 0
