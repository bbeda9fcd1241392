"""Where judgebench keeps the library, the arena's ballots and their response cache."""

from __future__ import annotations

import os
from pathlib import Path


def default_home() -> Path:
    """$JUDGEBENCH_HOME; else a `.judgebench/` folder in the current project; else the user's data directory."""
    if os.environ.get("JUDGEBENCH_HOME"):
        return Path(os.environ["JUDGEBENCH_HOME"])
    project = Path.cwd() / ".judgebench"
    if project.is_dir():
        return project
    import platformdirs

    return Path(platformdirs.user_data_dir("judgebench", appauthor=False))
