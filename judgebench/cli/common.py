"""What the commands share: the exit code for bad input and the library options."""

from __future__ import annotations

import argparse
from datetime import datetime

EXIT_BAD_INPUT = 2


def home_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--home", default=None, help="library folder (default: $JUDGEBENCH_HOME, ./.judgebench "
                                                     "if it exists, else the user data directory)")


def when(ts: float | None) -> str:
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M:%S") if ts else "-"
