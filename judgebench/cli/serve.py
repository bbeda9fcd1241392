"""`judgebench serve`: the web pages on 127.0.0.1; any other address needs a token."""

from __future__ import annotations

import argparse
import ipaddress
import os
import secrets

from judgebench.errors import UserError
from judgebench.web.guard import LOOPBACK_NAMES

DEFAULT_ARENA_JUDGES = ("local_smollm2", "local_gemma3")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def allowed_hosts(bind: str, extra: list[str]) -> list[str] | None:
    """The Host names to answer to. On a wildcard address (only allowed with a token) any name is
    accepted unless names are given: the machine's names are not known here."""
    if bind in ("0.0.0.0", "::") and not extra:
        return None
    return [*LOOPBACK_NAMES, *([] if bind in ("0.0.0.0", "::") else [bind]), *extra]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="judgebench serve", description=(
        "The web page: upload datasets, review the judge's labels, run and download full labeling jobs."))
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--token", default=os.environ.get("JUDGEBENCH_TOKEN"),
                        help="required unless the host is a loopback address; `auto` makes one "
                             "(default: $JUDGEBENCH_TOKEN)")
    parser.add_argument("--home", default=None, help="library folder (as for `judgebench data`)")
    parser.add_argument("--judge-dir", action="append", default=[], help="extra folder of judge YAML files")
    parser.add_argument("--max-upload-mb", type=float, default=50.0)
    parser.add_argument("--allowed-host", action="append", default=[],
                        help="another name this server answers to (repeat); it always answers to 127.0.0.1, "
                             "localhost, ::1 and --host")
    parser.add_argument("--arena-judge", action="append", default=None,
                        help="a judge in the Judge Arena (repeat; default: local_smollm2 and local_gemma3)")
    parser.add_argument("--arena-seed", type=int, help="draw the Judge Arena's items and pairs from this seed "
                                                        "(the same matches in the same order; default: unseeded)")
    args = parser.parse_args(argv)
    token = secrets.token_urlsafe(24) if args.token == "auto" else args.token
    if not is_loopback(args.host) and not token:
        raise UserError(f"serving on {args.host} makes the page reachable from other machines; give a token "
                        "(--token SECRET, --token auto, or $JUDGEBENCH_TOKEN)")

    import uvicorn

    from judgebench.label.library import Library
    from judgebench.web.app import create_app

    library = Library(args.home)
    app = create_app(library, token=token, judge_dirs=args.judge_dir, max_upload_mb=args.max_upload_mb,
                     arena_judges=args.arena_judge or DEFAULT_ARENA_JUDGES, arena_seed=args.arena_seed,
                     allowed_hosts=allowed_hosts(args.host, args.allowed_host))
    shown = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    suffix = f"/?token={token}" if token else "/"
    print(f"judgebench: library {library.path}\njudgebench: open http://{shown}:{args.port}{suffix}  "
          f"(Judge Arena: /arena)", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
