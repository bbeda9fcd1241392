"""From `judgebench serve` to 16 judged items, as a new user does it, in headless Chromium (run by hand).

    python benchmarks/serve_first_batch.py [--judge local_smollm2] [--judge scripted] [--rows 30]

The user's file has 30 rows with the columns question, context, answer (no input/output columns). The steps,
each timed from the moment `judgebench serve` is started:
  1. the library page answers;
  2. upload the CSV (the columns are matched to the prompts' placeholders on upload);
  3. Label -> criteria faithfulness (its Columns boxes are preset) -> the judge -> "Label 16 items";
  4. the review page shows 16 judged items.
`scripted` is the test suite's OpenAI-compatible server (answers at once); `local_smollm2` is the
embedded llama.cpp judge, offline. Needs Debian's chromium and the `dev` extra (playwright).
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from judgebench.testing.openai_server import ScriptedServer, free_port  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
TOPICS = ["tax forms", "garden soil", "train tickets", "tea leaves", "bike brakes", "moon phases"]


def write_csv(path: Path, n: int) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["question", "context", "answer"])
        writer.writeheader()
        for i in range(n):
            topic = TOPICS[i % len(TOPICS)]
            writer.writerow({"question": f"What does document {i} say about {topic}?",
                             "context": f"Document {i}: {topic} are handled on weekdays only.",
                             "answer": f"It says {topic} are handled on {'weekdays' if i % 2 else 'weekends'}."})
    return path


def one_pass(judge: str, rows: int, server: ScriptedServer) -> list[tuple[str, float]]:
    from playwright.sync_api import expect, sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        judges = tmp / "judges"
        judges.mkdir()
        (judges / "scripted.yaml").write_text(yaml.safe_dump(
            {"name": "scripted", "model": "openai/scripted", "api_base": server.url, "logprobs": True,
             "concurrency": 8, "timeout_s": 30}))
        upload = write_csv(tmp / "answers.csv", rows)
        port = free_port()
        started = time.monotonic()
        marks: list[tuple[str, float]] = []
        mark = lambda step: marks.append((step, time.monotonic() - started))  # noqa: E731
        serve = subprocess.Popen([sys.executable, "-m", "judgebench.cli", "serve", "--home", str(tmp / "home"),
                                  "--port", str(port), "--judge-dir", str(judges)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=HERE.parent)
        url = f"http://127.0.0.1:{port}"
        try:
            while True:
                try:
                    urllib.request.urlopen(url + "/api/datasets", timeout=1).read()
                    break
                except OSError:
                    time.sleep(0.05)
            mark("server answers")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1200, "height": 900})
                page.goto(url + "/")
                page.set_input_files("#file", str(upload))
                page.click("#upload-btn")
                expect(page.locator("#upload-msg")).to_contain_text("{input} ← question, {output} ← answer",
                                                                    timeout=60_000)
                mark("uploaded (columns matched)")
                page.click("#datasets .label-dataset")
                page.select_option("#metric", "faithfulness")
                page.select_option("#judge", judge)
                page.click("#start-btn")
                page.wait_for_url("**/label/lb-*", timeout=600_000)
                expect(page.locator("#dots button")).to_have_count(16)
                expect(page.locator("#judge-label")).to_contain_text("judge: ")
                mark("16 judged items on the review page")
                browser.close()
        finally:
            serve.terminate()
            serve.wait(30)
        return marks


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--judge", action="append", help="scripted and/or local_smollm2 (default: both)")
    parser.add_argument("--rows", type=int, default=30)
    args = parser.parse_args()
    with ScriptedServer() as server:
        server.configure(rules=[{"match": "weekdays\\.\\n", "reply": "Yes"}], default="No", verdict_prob=0.8)
        for judge in args.judge or ["scripted", "local_smollm2"]:
            marks = one_pass(judge, args.rows, server)
            print(f"judge {judge}, {args.rows} rows (question, context, answer): "
                  + "; ".join(f"{step} at {t:.1f} s" for step, t in marks), flush=True)


if __name__ == "__main__":
    main()
