import os

# Offline everywhere: litellm's price list and HF datasets must come from local files.
os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
os.environ["HF_DATASETS_OFFLINE"] = "1"
os.environ["HF_HUB_OFFLINE"] = "1"

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from judgebench.testing.openai_server import ScriptedServer  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("JUDGEBENCH_DATA_ROOT", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def server_session():
    with ScriptedServer() as server:
        yield server


@pytest.fixture
def server(server_session):
    """The scripted OpenAI-compatible server, with clean counters and behaviour for each test."""
    server_session.reset()
    yield server_session
    server_session.reset()


@pytest.fixture
def shared_data():
    if not SHARED_DATA.is_dir():
        pytest.skip(f"{SHARED_DATA} is absent")
    return SHARED_DATA


def write_jsonl(path: Path, rows) -> Path:
    import json

    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path
