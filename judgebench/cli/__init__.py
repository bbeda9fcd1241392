"""The `judgebench` command: one module per subcommand, registered in one table.

Each module parses its arguments, calls the library and prints; bad input raises a
`judgebench.errors.UserError` (or names a missing file), which `main` alone turns into a
one-line message and exit code 2. Modules are imported only when their command runs.
"""

from __future__ import annotations

import sys
from importlib import import_module

from judgebench.cli.common import EXIT_BAD_INPUT
from judgebench.errors import UserError

# name -> (module under judgebench.cli, one line of help)
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("run", "[HYDRA OVERRIDES...] [--dry-run]   label a dataset with judges (Hydra-configured)"),
    "score": ("score", "RUN_DIR | --dataset NAME ...     agreement with the humans, with CIs (no model calls)"),
    "estimate": ("estimate", "RUN_DIR | --dataset NAME ... the true score from judge labels + a few human ones"),
    "import": ("importer", "NAME ... | --catalog | --verdicts FILE  recorded verdicts of real judges -> run folders"),
    "escalate": ("escalate", "RUN_DIR [--judges cheap,strong] --alpha A   keep verdicts with a guarantee, escalate the rest"),
    "leaderboard": ("leaderboard", "[RUN_DIR ...]              arena ratings, metrics, bias probes -> leaderboard/"),
    "list": ("list", "                                   datasets, judges and prompts that ship"),
    "data": ("data", "add|list|show|remove              the dataset library for labeling your own data"),
    "label": ("label", "start|review|next|submit|status|cancel|resume|download|list\n"
                       "                                                      LLM Judge++: review 16 labels, "
                       "then label everything"),
    "serve": ("serve", "[--host H --port P]              the web page: library, review, jobs, Judge Arena"),
    "arena": ("arena", "export|import FILE               Judge Arena votes as JSONL, to merge several people's"),
    "tune": ("tune", "--dataset NAME --judge J ...      tune a criteria prompt on train/dev, report on test"),
    "distill": ("distill", "--dataset NAME ...             train a small evaluator from labels (distilled/<name>)"),
}
USAGE = "\n".join(f"    judgebench {name} {line}" for name, (_, line) in COMMANDS.items())


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(USAGE)
        return 0
    name, rest = argv[0], argv[1:]
    if name not in COMMANDS:
        print(f"judgebench: unknown command {name!r}\n\n{USAGE}", file=sys.stderr)
        return EXIT_BAD_INPUT
    command = import_module(f"judgebench.cli.{COMMANDS[name][0]}")
    try:
        return command.main(rest)
    except (UserError, FileNotFoundError) as exc:
        print(f"judgebench: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
