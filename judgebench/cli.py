"""The `judgebench` command.

    judgebench run [HYDRA OVERRIDES...] [--dry-run]   label a dataset with judges (Hydra-configured)
    judgebench list                                   datasets, judges and prompts that ship
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
    if command == "list":
        return _list()
    print(f"judgebench: unknown command {command!r}\n\n{USAGE}", file=sys.stderr)
    return EXIT_BAD_INPUT


if __name__ == "__main__":
    sys.exit(main())
