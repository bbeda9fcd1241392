"""`judgebench escalate`: which verdicts can be kept with a guaranteed agreement, and which a person must see."""

from __future__ import annotations

import argparse


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="judgebench escalate", description=(
        "Selective judging with a guarantee (Jung et al., Trust or Escalate, ICLR 2025): calibrate a confidence "
        "threshold per judge on labeled items so that the kept verdicts agree with people at least 1 - alpha of "
        "the time with probability 1 - delta; a cascade passes each judge's abstentions to the next, then to a "
        "person. No model is called."))
    parser.add_argument("run", help="a results/<run_id> folder (a run or imported verdicts)")
    parser.add_argument("--judges", help="the cascade, cheap first: JUDGE,JUDGE (default: every judge alone)")
    parser.add_argument("--alpha", type=float, default=0.1, help="allowed disagreement of the kept verdicts")
    parser.add_argument("--delta", type=float, default=0.1, help="allowed chance that the guarantee fails")
    parser.add_argument("--calibration", type=float, default=0.5, help="share of the labeled items to calibrate on")
    parser.add_argument("--seed", type=int, default=0, help="the calibration / held-out split")
    parser.add_argument("--where", action="append", default=[], metavar="FIELD=VALUE", help="keep matching items")
    args = parser.parse_args(argv)

    import json
    from pathlib import Path

    from judgebench.errors import UserError
    from judgebench.score.sources import matching, parse_pairs, read_run
    from judgebench.trust.confidence import confidences
    from judgebench.trust.escalation import escalate, format_report

    run = read_run(args.run)
    items = matching(run.items, parse_pairs(args.where, "--where"))
    known = sorted({j.judge_id for j in run.judgments})
    cascade = args.judges.split(",") if args.judges else None
    unknown = [j for j in cascade or [] if j not in known]
    if unknown:
        raise UserError(f"--judges: {', '.join(unknown)} did not judge in {args.run} (it has {', '.join(known)})")
    truth = {i.item_id: t for i in items if (t := run.kind.consensus(i.human)) is not None}
    if len(truth) < 20:
        raise UserError(f"only {len(truth)} items have a human label; calibrating a threshold needs labeled items "
                        "(at least 20, better hundreds)")
    summary_path = Path(args.run) / "summary.json"
    summary = json.loads(summary_path.read_text()) if summary_path.exists() else {"judges": {}}
    costs = {name: s.get("cost_per_1k_usd") for name, s in summary.get("judges", {}).items()}
    for chain in ([cascade] if cascade else [[j] for j in known]):
        report = escalate([confidences(j, run.judgments) for j in chain], truth, costs, alpha=args.alpha,
                          delta=args.delta, calibration=args.calibration, seed=args.seed)
        print(format_report(report))
    return 0
