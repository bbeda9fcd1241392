"""`judgebench arena export|import`: Judge Arena votes as JSONL, so several people's votes can be merged."""

from __future__ import annotations

import argparse


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="judgebench arena", description=__doc__.split(": ", 1)[1])
    sub = parser.add_subparsers(dest="command", required=True)
    export = sub.add_parser("export", help="write every vote to a JSONL file")
    export.add_argument("-o", "--output", required=True)
    imported = sub.add_parser("import", help="add the votes of JSONL files (votes already here are skipped)")
    imported.add_argument("files", nargs="+")
    for p in sub.choices.values():
        p.add_argument("--home", default=None, help="library folder holding arena.sqlite")
    args = parser.parse_args(argv)

    from judgebench.arena.ballots import BallotBox, read_votes
    from judgebench.home import default_home

    box = BallotBox(args.home or default_home())
    if args.command == "export":
        print(f"wrote {box.export(args.output)} votes to {args.output}")
    else:
        for path in args.files:
            added, skipped = box.import_votes(read_votes(path))
            print(f"{path}: {added} votes added, {skipped} already here")
    return 0
