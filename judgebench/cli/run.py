"""`judgebench run`: label a dataset with judges (Hydra-configured); resumable."""

from __future__ import annotations

import sys

from judgebench.cli.common import EXIT_BAD_INPUT


def summary_table(summary: dict) -> str:
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
    for name, jury in summary.get("juries", {}).items():
        asked, saved = jury["member_calls"], jury["not_needed"]
        share = f" ({saved / (asked + saved):.0%} of them)" if asked + saved else ""
        rows.append(f"{name}: {jury['description']}; {asked} member calls used, {saved} not needed{share}"
                    + (f", {jury['excluded']} member votes left out for their own family" if jury["excluded"] else ""))
    return "\n".join(rows)


def agreement_table(run_dir) -> str:
    """What the run says about its judges: the kind's headline metrics against the humans."""
    from judgebench.score.report import format_headline, score_all
    from judgebench.score.sources import read_run
    from judgebench.score.table import ScoreOptions

    run = read_run(run_dir)
    if not any(item.human for item in run.items):
        return "no human labels in this dataset: nothing to measure the judges against"
    card = score_all(run.kind, run.items, run.verdicts, ScoreOptions())
    return format_headline(card, run.kind.headline_metrics)


def main(argv: list[str]) -> int:
    if "--dry-run" not in argv and any(a.lstrip("+").startswith("judges=") for a in argv):
        # Judges chosen on the command line are usually remote: litellm starts loading in the workers'
        # fork server now, while Hydra composes the config and the items load (run/workers.py).
        from judgebench.run.workers import prestart

        prestart()
    import hydra
    from hydra.core.hydra_config import HydraConfig

    from judgebench.config import register_hydra, run_config
    from judgebench.errors import UserError
    from judgebench.run.job import execute

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
            if not config.dry_run:
                # The scoring at the end imports scipy and scikit-learn (half a second); now costs nothing,
                # as this process would only wait for the workers to load litellm.
                import judgebench.score.report  # noqa: F401
            summary = execute(config)
        except UserError as exc:          # raised inside Hydra's app, which would print a traceback
            print(f"judgebench: {exc}", file=sys.stderr)
            outcome["code"] = EXIT_BAD_INPUT
            return
        except KeyboardInterrupt:
            outcome["code"] = 130
            return
        if "judges" in summary:
            print(summary_table(summary))
            print(agreement_table(config.output_dir))
            print(f"results: {config.output_dir}\nnext: judgebench score {config.output_dir}   (every metric, "
                  "paired tests)   or   judgebench leaderboard")
            if not summary["complete"]:
                outcome["code"] = 1

    sys.argv = ["judgebench run", *overrides]
    app()
    return outcome["code"]
