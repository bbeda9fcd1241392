"""A server killed (SIGKILL) during a full labeling job: restarted, it finishes the job, nothing lost or doubled."""

from __future__ import annotations

import json
import time
import urllib.request

from judgebench.label.export import labeled_frame
from judgebench.label.ingest import read_upload
from judgebench.label.library import Library
from judgebench.label.workflow import criteria, judges_from, start_labeling
from tests.label.conftest import rows, script, scripted_judge, write_csv


def _post(url: str) -> dict:
    request = urllib.request.Request(url, data=b"{}", method="POST", headers={"Content-Type": "application/json"})
    return json.loads(urllib.request.urlopen(request, timeout=30).read())


def test_killed_server_resumes_the_job_on_restart(served, server, tmp_path):
    script(server)
    library = Library(served.home)
    items, columns = read_upload(str(write_csv(tmp_path / "a.csv", rows(60))))
    dataset_id = library.add_dataset("answers", items, columns, "a.csv").dataset_id
    labeling, batch = start_labeling(library, dataset_id, criteria("faithfulness"),
                                     judges_from([scripted_judge(server, concurrency=2)]))
    labeling.submit_reviews({batch[0].item_id: 1 - batch[0].judge_label})
    server.configure(latency=0.15)              # about 4.5 s for 60 calls at concurrency 2

    job_id = _post(f"{served.url}/api/labelings/{labeling.id}/jobs")["job_id"]
    deadline = time.monotonic() + 30
    while library.job(job_id).done < 10 and time.monotonic() < deadline:
        time.sleep(0.05)
    served.kill()
    interrupted = library.job(job_id)
    assert interrupted.status == "running" and 10 <= interrupted.done < 60
    calls_before = server.state.completed

    served.start()                              # a new server finds the orphaned job and resumes it
    deadline = time.monotonic() + 60
    while library.job(job_id).status != "completed" and time.monotonic() < deadline:
        time.sleep(0.1)
    final = library.job(job_id)
    assert final.status == "completed" and final.done == final.total == 60

    records = library.job_judgments(job_id)
    assert len(records) == len({r["key"] for r in records}) == 60        # one judgment per item, none twice
    assert sorted(r["item_id"] for r in records) == sorted(i.item_id for i in items)
    # The resumed server only asked for what was missing (give or take the calls in flight at the kill).
    resumed_calls = server.state.completed - calls_before
    assert resumed_calls <= 60 - interrupted.done + 2
    frame = labeled_frame(library, job_id)
    assert len(frame) == 60 and frame["label"].notna().all()
    assert (frame["label_source"] == "human").sum() == 16
