"""The local server's guards: Host allow-list, same-origin writes, a body limit while it streams,
spreadsheet-safe CSV exports and one job per submit. In-process through FastAPI's TestClient, and
over raw sockets against a served process where streaming matters."""

from __future__ import annotations

import csv
import io
import socket
import time

from judgebench.label.export import spreadsheet_safe
from judgebench.label.jobs import submit_job
from judgebench.label.library import Library
from judgebench.label.workflow import criteria, judges_from, start_labeling
from judgebench.web.guard import host_name, same_origin
from judgebench.cli.serve import allowed_hosts
from tests.label.conftest import rows, script, scripted_judge, write_csv
from tests.web.conftest import LOCAL
from tests.web.test_app import upload


def test_host_names_and_origins():
    assert host_name("[::1]:8765") == "::1" and host_name("LocalHost:80") == "localhost"
    assert host_name("127.0.0.1") == "127.0.0.1" and host_name("::1") == "::1"
    here = {"host": "127.0.0.1:8765"}
    assert same_origin(here)                                                  # curl, scripts
    assert same_origin(here | {"origin": "http://127.0.0.1:8765", "sec-fetch-site": "same-origin"})
    assert not same_origin(here | {"origin": "http://127.0.0.1:9999"})        # another local port
    assert not same_origin(here | {"origin": "null"})
    assert not same_origin(here | {"sec-fetch-site": "same-site"})
    assert not same_origin(here | {"sec-fetch-site": "cross-site", "origin": "http://127.0.0.1:8765"})
    assert allowed_hosts("127.0.0.1", []) == ["127.0.0.1", "localhost", "::1", "127.0.0.1"]
    assert allowed_hosts("0.0.0.0", []) is None and "box.lan" in allowed_hosts("0.0.0.0", ["box.lan"])


def test_other_host_names_are_refused(client):
    assert client.get("/api/datasets").status_code == 200
    for host in ("evil.example", "evil.example:8765", "127.0.0.1.evil.example"):
        response = client.get("/api/datasets", headers={"host": host})
        assert response.status_code == 400 and "answers to" in response.json()["error"]
    assert client.get("/api/datasets", headers={"host": "localhost:8765"}).status_code == 200


def test_cross_origin_writes_are_refused(client, tmp_path):
    path = write_csv(tmp_path / "a.csv", rows(5))
    for headers in ({"origin": "http://127.0.0.1:9999"}, {"sec-fetch-site": "cross-site"},
                    {"origin": "null"}, {"sec-fetch-site": "same-site", "origin": "http://localhost:9999"}):
        with open(path, "rb") as fh:
            response = client.post("/api/datasets", files={"file": ("a.csv", fh)}, headers=headers)
        assert response.status_code == 403 and "cross-origin" in response.json()["error"]
    assert client.get("/api/datasets", headers={"origin": "http://127.0.0.1:9999"}).status_code == 200   # reads
    assert client.get("/api/datasets").json() == []
    with open(path, "rb") as fh:
        own = client.post("/api/datasets", files={"file": ("a.csv", fh)},
                          headers={"origin": LOCAL, "sec-fetch-site": "same-origin"})
    assert own.status_code == 200


def test_a_declared_length_over_the_limit_is_refused_before_the_body(client):
    response = client.post("/api/datasets", content=b"x" * 10, headers={"content-length": str(50 << 20),
                                                                         "content-type": "multipart/form-data"})
    assert response.status_code == 413 and "larger than" in response.json()["error"]


def _raw(port: int, head: bytes, chunks=(), pause: float = 0.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(head)
        for chunk in chunks:
            try:
                sock.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            time.sleep(pause)
        sock.settimeout(20)
        answer = b""
        try:
            while data := sock.recv(65536):
                answer += data
        except (ConnectionResetError, socket.timeout):
            pass
    return answer


def test_the_limit_holds_while_the_body_streams(served):
    """No Content-Length (chunked): the server answers 413 once the limit is passed, while the client is
    still sending, and adds nothing."""
    boundary = b"jbboundary"
    part = (b"--" + boundary + b"\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.csv\"\r\n"
            b"Content-Type: text/csv\r\n\r\ninput,output\r\n")
    head = (f"POST /api/datasets HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\nTransfer-Encoding: chunked\r\n"
            f"Content-Type: multipart/form-data; boundary=jbboundary\r\n\r\n").encode()
    line = b"a question,an answer\r\n" * 50000                                # ~1.1 MB a chunk

    def chunked(data: bytes) -> bytes:
        return f"{len(data):x}\r\n".encode() + data + b"\r\n"

    answer = _raw(served.port, head, [chunked(part)] + [chunked(line)] * 200, pause=0.01)   # 220 MB offered
    assert answer.startswith(b"HTTP/1.1 413") and b"larger than 50 MB" in answer
    assert Library(served.home).datasets() == []
    declared = (f"POST /api/datasets HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\nContent-Length: {10 << 30}\r\n"
                f"Content-Type: multipart/form-data; boundary=jbboundary\r\n\r\n").encode()
    assert _raw(served.port, declared).startswith(b"HTTP/1.1 413")      # refused without sending a byte


def test_exported_csv_cells_cannot_run_as_formulas(client, tmp_path, server):
    import pandas as pd

    frame = pd.DataFrame({"text": ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "plain", None],
                          "score": [-1.5, 1, 2, 3, 4, 5, 6]})
    safe = spreadsheet_safe(frame)
    assert list(safe.text[:6]) == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2+3", "'@SUM(A1)", "'\tx", "plain"]
    assert list(safe.score) == [-1.5, 1, 2, 3, 4, 5, 6]                     # numbers stay numbers
    # through the server: a dataset whose answers are formulas, labeled, downloaded
    script(server)
    data = rows(16)
    data[0]["output"] = "=cmd|'/C calc'!A0"
    dataset_id = upload(client, write_csv(tmp_path / "f.csv", data)).json()["dataset_id"]
    library = client.app.state.library
    labeling, _ = start_labeling(library, dataset_id, criteria("faithfulness"), judges_from([scripted_judge(server)]))
    labeling.submit_reviews({})
    from judgebench.label.jobs import run_job

    run_job(library, submit_job(library, labeling.id))
    table = list(csv.DictReader(io.StringIO(client.get(f"/api/datasets/{dataset_id}/download?format=csv").text)))
    assert table[0]["output"] == "'=cmd|'/C calc'!A0"
    jsonl = client.get(f"/api/datasets/{dataset_id}/download?format=jsonl").text
    assert '"output":"=cmd' in jsonl                                        # other formats keep the data as is


def test_submitting_twice_starts_one_job(client, tmp_path, server):
    script(server)
    dataset_id = upload(client, write_csv(tmp_path / "a.csv", rows(16))).json()["dataset_id"]
    library: Library = client.app.state.library
    labeling, _ = start_labeling(library, dataset_id, criteria("faithfulness"), judges_from([scripted_judge(server)]))
    labeling.submit_reviews({})
    first, second = submit_job(library, labeling.id), submit_job(library, labeling.id)
    assert first == second and len(library.jobs(dataset_id)) == 1
    library.set_job(first, status="completed")
    assert submit_job(library, labeling.id) != first                        # a finished job can be run again
