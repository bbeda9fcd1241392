"""A library with one uploaded dataset and a labeling judged by the scripted server."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from judgebench.label.ingest import read_upload
from judgebench.label.library import Library
from judgebench.label.workflow import criteria, judges_from, start_labeling

TOPICS = ["tax forms", "garden soil", "train tickets", "tea leaves", "bike brakes", "moon phases"]


def rows(n: int = 40) -> list[dict[str, str]]:
    """Half the answers are marked `supported`, which the scripted judge answers Yes to."""
    return [{"input": f"What about {TOPICS[i % len(TOPICS)]} number {i}?",
             "output": f"Answer {i}: {'supported' if i % 2 else 'invented'} claim on {TOPICS[i % len(TOPICS)]}",
             "context": f"Document {i} on {TOPICS[i % len(TOPICS)]}."} for i in range(n)]


def qa_rows(n: int = 30) -> list[dict[str, str]]:
    """The issue's file: the same rows under the columns question, context, answer."""
    return [{"question": r["input"], "context": r["context"], "answer": r["output"]} for r in rows(n)]


def write_csv(path: Path, data: list[dict[str, str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(data[0]))
        writer.writeheader()
        writer.writerows(data)
    return path


def scripted_judge(server, **extra) -> dict:
    return {"name": "scripted", "model": "openai/scripted", "api_base": server.url, "logprobs": True,
            "concurrency": 4, "timeout_s": 5, "max_retries": 2, "retry_base_s": 0.01} | extra


def script(server) -> None:
    server.configure(rules=[{"match": r"supported claim[^\n]*\n*\s*Is the answer faithful", "reply": "Verdict: Yes"}],
                     default="Verdict: No", verdict_prob=0.75)


@pytest.fixture
def library(tmp_path) -> Library:
    return Library(tmp_path / "home")


@pytest.fixture
def dataset_id(library, tmp_path) -> str:
    path = write_csv(tmp_path / "answers.csv", rows())
    items, columns = read_upload(str(path))
    return library.add_dataset("answers", items, columns, str(path)).dataset_id


@pytest.fixture
def labeling(library, dataset_id, server):
    script(server)
    labeling, _ = start_labeling(library, dataset_id, criteria("faithfulness"), judges_from([scripted_judge(server)]))
    return labeling
