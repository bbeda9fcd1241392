"""`judgebench label ...`: LLM Judge++ in the terminal: the judge labels a batch, you review it, your
corrections become few-shot examples, then the refined judge labels the whole dataset."""

from __future__ import annotations

import argparse
import time
from typing import Callable

from judgebench.cli.common import home_option, when
from judgebench.kinds import KINDS


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="judgebench label", description=__doc__.split(": ", 1)[1])
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("start", help="create a labeling and label its first review batch")
    start.add_argument("--dataset", required=True, help="id, name or name@version in the library")
    criteria = start.add_mutually_exclusive_group(required=True)
    criteria.add_argument("--criteria", "--metric", dest="criteria",
                          help="built-in criteria (faithfulness, correctness, relevance, ...); --metric is the old name")
    criteria.add_argument("--template", help="your own prompt with {column} placeholders")
    start.add_argument("--system", default="", help="system message for --template")
    start.add_argument("--map", action="append", default=[], metavar="PLACEHOLDER=COLUMN",
                       help="which column fills a placeholder, e.g. --map output=answer (remembered for the dataset)")
    start.add_argument("--kind", choices=[k for k in KINDS.names() if KINDS.get(k).reviewable],
                       help="the labels --template asks for (required with --template)")
    start.add_argument("--judge", action="append", help="conf/judge name (repeat: the first labels, the others "
                                                        "help choose items to review); default local_smollm2")
    start.add_argument("--judge-dir", action="append", default=[], help="extra folder of judge YAML files")
    start.add_argument("--select", choices=["active", "random", "escalate"], default="active",
                       help="escalate: random reviews calibrate a confidence threshold with a guarantee, then the "
                            "person sees exactly the labels below it")
    start.add_argument("--alpha", type=float, help="escalate: the kept labels disagree with people at most this often")
    start.add_argument("--delta", type=float, default=0.1, help="escalate: allowed chance that the guarantee fails")
    start.add_argument("--pool", type=int, default=128, help="candidates the judge labels to choose from")
    start.add_argument("--few-shot", type=int, default=4, help="reviewed examples shown per item")
    start.add_argument("--batch-size", type=int, default=16)
    start.add_argument("--seed", type=int, default=0)
    for name, help_text in (("review", "review the open batch in the terminal"), ("next", "label the next batch")):
        sub.add_parser(name, help=help_text).add_argument("labeling")
    sub.choices["next"].add_argument("--batch-size", type=int, default=16)
    submit = sub.add_parser("submit", help="label the whole dataset with the refined judge (background job)")
    submit.add_argument("labeling")
    submit.add_argument("--wait", action="store_true", help="run here and wait instead of in the background")
    sub.add_parser("status", help="jobs and their progress").add_argument("job", nargs="?")
    sub.add_parser("cancel", help="stop a job (what it labeled is kept)").add_argument("job")
    resume = sub.add_parser("resume", help="continue a job that stopped")
    resume.add_argument("job")
    resume.add_argument("--wait", action="store_true")
    download = sub.add_parser("download", help="the labeled dataset of the latest completed job")
    download.add_argument("target", help="dataset (id, name, name@version) or job id")
    download.add_argument("-o", "--output", required=True, help="file to write (.jsonl, .csv or .parquet)")
    download.add_argument("--format", choices=["jsonl", "csv", "parquet"])
    download.add_argument("--prompt-columns", action="store_true",
                          help="name mapped columns after the placeholders they fill (answer -> output)")
    sub.add_parser("list", help="labelings with their rounds and reviews")
    sub.add_parser("delete", help="a labeling with its reviews and jobs (the dataset stays)").add_argument("labeling")
    for p in sub.choices.values():
        home_option(p)
    return parser


def _print_batch(labeling, batch) -> None:
    for entry in batch:
        first = str(next(iter(labeling.item(entry.item_id).fields.values()), ""))[:50].replace("\n", " ")
        prob = f"{entry.judge_prob:.2f}" if entry.judge_prob is not None else "-"
        print(f"  {entry.position + 1:>2}. {labeling.kind.describe(entry.judge_label):<8} p={prob:<5} "
              f"uncertainty={entry.uncertainty or 0:.2f}  {first}")


def _bar(label: str):
    """A count, a bar and the time left on stderr while the judge works."""
    from judgebench.run.progress import Meter, reporting_to

    return reporting_to(Meter(label, terminal=True))


def _start(library, args) -> None:
    from judgebench.data.column_map import parse_column_map
    from judgebench.label.workflow import criteria, judges_from, start_labeling

    prompt = criteria(args.criteria, template=args.template, system=args.system, kind=args.kind)
    with _bar("labeling candidates"):
        labeling, batch = start_labeling(library, args.dataset, prompt, judges_from(args.judge, args.judge_dir),
                                         few_shot_k=args.few_shot, selection=args.select, pool_size=args.pool,
                                         seed=args.seed, batch_size=args.batch_size,
                                         column_map=parse_column_map(args.map), guarantee=_guarantee(args))
    print(f"labeling {labeling.id}: round 1, {len(batch)} items to review ({args.select} selection)")
    _print_batch(labeling, batch)
    print(f"next: judgebench label review {labeling.id}")


def _guarantee(args) -> tuple[float, float] | None:
    from judgebench.errors import UserError

    if args.select != "escalate":
        if args.alpha is not None:
            raise UserError("--alpha goes with --select escalate")
        return None
    if args.alpha is None:
        raise UserError("--select escalate needs --alpha (e.g. 0.1: kept labels agree with people 90% of the time)")
    return args.alpha, args.delta


def _review(library, args) -> None:
    from judgebench.label.tui import review
    from judgebench.label.workflow import Labeling

    labeling = Labeling(library, args.labeling)
    outcome = review(labeling)
    if outcome is None:
        print("quit without submitting; nothing was saved")
    else:
        from judgebench.label.agreement import describe_agreement

        print(f"saved {outcome['submitted']} reviews ({outcome['changed']} changed); they are few-shot examples "
              f"from now on.\n{describe_agreement(library.reviews(labeling.id))}\n"
              f"next: judgebench label next {labeling.id}   (another round)   or   "
              f"judgebench label submit {labeling.id}")


def _next(library, args) -> None:
    from judgebench.label.workflow import Labeling

    labeling = Labeling(library, args.labeling)
    with _bar("labeling candidates"):
        batch = labeling.next_batch(args.batch_size)
    print(f"labeling {labeling.id}: round {batch[0].round}, {len(batch)} items to review")
    _print_batch(labeling, batch)


def _submit(library, args) -> None:
    from judgebench.label.jobs import run_job, spawn_job, submit_job

    job_id = submit_job(library, args.labeling)
    if args.wait:
        with _bar("labeling the dataset"):
            info = run_job(library, job_id)
        print(f"{job_id}: {info.status} ({info.done}/{info.total})")
    else:
        spawn_job(library, job_id)
        print(f"job {job_id} started in the background; `judgebench label status {job_id}`")


def _status(library, args) -> None:
    from judgebench.label.agreement import describe_agreement

    if not args.job:
        from judgebench.label.estimate import review_estimate

        from judgebench.label.escalate import label_guarantee

        for labeling in library.labelings():
            print(f"labeling {labeling.labeling_id}: {describe_agreement(library.reviews(labeling.labeling_id))}\n"
                  f"    {review_estimate(library, labeling.labeling_id).describe(labeling.kind.estimand)}")
            guarantee = label_guarantee(library, labeling.labeling_id)
            if guarantee is not None:
                print(f"    {guarantee.describe()}")
    jobs = [library.job(args.job)] if args.job else library.jobs()
    if not jobs:
        print("no jobs yet")
    names = {d.dataset_id: f"{d.name}@{d.version}" for d in library.datasets()}
    for job in jobs:
        rate = ""
        if job.status == "running" and job.started and job.done:
            rate = f", {job.done / max(1e-9, time.time() - job.started):.1f} items/s"
        print(f"{job.job_id}  {job.status:<10} {job.progress_text}{rate}  dataset {names.get(job.dataset_id)}  "
              f"labeling {job.labeling_id}  prompt v{job.prompt_version}  started {when(job.started)}"
              + (f"  error: {job.error}" if job.error else ""))
        if job.status == "completed":
            print(f"    {_estimate_line(library, job)}")


def _estimate_line(library, job) -> str:
    from judgebench.label.estimate import job_estimate

    return job_estimate(library, job.job_id).describe(library.labeling(job.labeling_id).kind.estimand)


def _cancel(library, args) -> None:
    from judgebench.label.jobs import cancel_job

    info = cancel_job(library, args.job)
    print(f"{info.job_id}: {info.status}")


def _resume(library, args) -> None:
    from judgebench.label.jobs import reopen_job, run_job, spawn_job, wait_for_job
    from judgebench.label.records import FINAL_STATES

    reopen_job(library, args.job)
    if not args.wait:
        spawn_job(library, args.job)
        print(f"job {args.job} resumed in the background")
        return
    with _bar("labeling the dataset"):
        info = run_job(library, args.job)
    if info.status not in FINAL_STATES:
        print(f"{info.job_id} is running in {info.owner}; waiting for it", flush=True)
        info = wait_for_job(library, args.job)
    print(f"{info.job_id}: {info.status} ({info.done}/{info.total})")


def _download(library, args) -> None:
    from judgebench.label.export import labeled_frame, latest_job, write_frame

    job_id = args.target if args.target.startswith("job-") else \
        latest_job(library, library.dataset(args.target).dataset_id).job_id
    path = write_frame(labeled_frame(library, job_id, args.prompt_columns), args.output, args.format)
    print(f"wrote {path} (job {job_id})\n{_estimate_line(library, library.job(job_id))}")


def _list(library, args) -> None:
    for labeling in library.labelings():
        info = library.dataset(labeling.dataset_id)
        stored = library.prompt_version(labeling.labeling_id)
        print(f"{labeling.labeling_id}  {info.name}@{info.version}  {labeling.kind.name}  "
              f"prompt {stored.name} v{stored.version}  {len(library.reviews(labeling.labeling_id))} reviewed  "
              f"judge {labeling.judges[0]['name']}")


def _delete(library, args) -> None:
    library.remove_labeling(args.labeling)
    print(f"deleted labeling {args.labeling} with its reviews and jobs")


SUBCOMMANDS: dict[str, Callable] = {"start": _start, "review": _review, "next": _next, "submit": _submit,
                                    "status": _status, "cancel": _cancel, "resume": _resume,
                                    "download": _download, "list": _list, "delete": _delete}


def main(argv: list[str]) -> int:
    args = parser().parse_args(argv)
    from judgebench.label.library import Library

    SUBCOMMANDS[args.command](Library(args.home), args)
    return 0
