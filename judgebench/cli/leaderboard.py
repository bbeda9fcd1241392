"""`judgebench leaderboard`: the published leaderboard of runs and of people's votes."""

from __future__ import annotations

import argparse


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="judgebench leaderboard", description=(
        "Build the published leaderboard (index.html, leaderboard.md, data.json, plots/) from runs, "
        "and the Judge Arena from people's votes."))
    parser.add_argument("runs", nargs="*", help="results/<run_id> folders (default: every run in --results)")
    parser.add_argument("--results", default="results")
    parser.add_argument("--out", default="leaderboard")
    parser.add_argument("--votes", action="append", default=None,
                        help="Judge Arena votes: a JSONL export, an arena.sqlite or a library folder (repeat to "
                             "merge; default: the library's arena.sqlite if it holds votes)")
    parser.add_argument("--min-votes", type=int, default=20, help="fewer votes than this: preliminary")
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--labeling", action="append", default=[],
                        help="an LLM Judge++ labeling with reviews, as a dataset of its own (repeat)")
    parser.add_argument("--home", default=None, help="the library folder (its labelings and arena votes)")
    parser.add_argument("--unsupervised", action="store_true",
                        help="per dataset, each judge's accuracy estimated without the human labels (Dawid-Skene, "
                             "three or more judges; the juries extra; minutes per dataset)")
    args = parser.parse_args(argv)

    from judgebench.arena.ballots import default_votes, merge_votes
    from judgebench.errors import UserError
    from judgebench.report.publish import find_runs, publish

    runs = args.runs or ([] if args.labeling else find_runs(args.results))
    votes = merge_votes(args.votes) if args.votes else default_votes(args.home)
    labelings = []
    if args.labeling:
        from judgebench.label.library import Library
        from judgebench.report.label_board import labeling_run

        library = Library(args.home)
        labelings = [labeling_run(library, labeling_id) for labeling_id in args.labeling]
    if not runs and not votes and not labelings:
        raise UserError(f"no runs in {args.results}/ and no votes; run `judgebench run` first")
    data = publish(runs, args.out, resamples=args.resamples, rounds=args.rounds, seed=args.seed, votes=votes,
                   min_votes=args.min_votes, labelings=labelings, unsupervised=args.unsupervised)
    voted = f", {len(votes)} arena votes" if votes else ""
    print(f"leaderboard of {len(runs)} run(s), {len(data['datasets'])} dataset(s), {data['battles']} battles"
          f"{voted}: {args.out}/index.html")
    return 0
