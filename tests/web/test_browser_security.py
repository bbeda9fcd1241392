"""The local server against what a browser can be made to do, in headless Chromium: a page from
another origin posting to it, DNS rebinding, an oversized upload, a double-clicked Submit."""

from __future__ import annotations

import csv
import http.server
import io
import json
import threading

import pytest

from judgebench.label.library import Library
from judgebench.label.workflow import criteria, judges_from, start_labeling
from judgebench.testing.openai_server import free_port
from tests.label.conftest import rows, script, scripted_judge, write_csv
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, needs_chromium, serve_fixture

pytestmark = needs_chromium

ATTACK = """<!doctype html><title>waiting</title><script>
const form = new FormData();
form.append("file", new Blob(["input,output\\nplanted question,planted answer\\n"], {type: "text/csv"}), "planted.csv");
form.append("name", "planted");
fetch("%s/api/datasets", {method: "POST", mode: "no-cors", body: form})
  .then(() => { document.title = "sent"; }, () => { document.title = "blocked"; });
</script>"""


@pytest.fixture
def attacker_site(served):
    """Another origin on this machine (another port), serving a page that posts to judgebench."""
    page = (ATTACK % served.url).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def browser(playwright, *extra):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, *extra])


def test_a_page_from_another_origin_cannot_add_a_dataset(served, attacker_site):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        chromium = browser(playwright)
        page = chromium.new_page()
        page.goto(attacker_site)
        expect(page).to_have_title("sent", timeout=20_000)         # the browser did send it (opaque reply)
        chromium.close()
    assert Library(served.home).datasets() == []
    log = (served.home.parent / "serve.log").read_text()
    assert "Traceback" not in log


def test_dns_rebinding_cannot_read_the_library(served, tmp_path):
    from playwright.sync_api import sync_playwright

    library = Library(served.home)
    from judgebench.label.ingest import read_upload

    items, columns = read_upload(str(write_csv(tmp_path / "secret.csv", rows(3))))
    library.add_dataset("secret", items, columns, "secret.csv")
    with sync_playwright() as playwright:
        # evil.test resolves to this machine, as an attacker's DNS would after the page loaded
        chromium = browser(playwright, "--host-resolver-rules=MAP evil.test 127.0.0.1")
        page = chromium.new_page()
        response = page.goto(f"http://evil.test:{served.port}/api/datasets")
        assert response.status == 400 and "secret" not in page.content()
        assert "answers to" in json.loads(page.inner_text("body"))["error"]
        own = page.goto(f"{served.url}/api/datasets")                # the real name still works
        assert own.status == 200 and "secret" in page.content()
        chromium.close()


def test_an_oversized_upload_is_refused_with_a_message(tmp_path, server):
    from playwright.sync_api import expect, sync_playwright

    instance = serve_fixture(tmp_path, server, ["--max-upload-mb", "0.05"]).start()
    try:
        big = write_csv(tmp_path / "big.csv", rows(2000))           # ~200 kB
        with sync_playwright() as playwright:
            chromium = browser(playwright)
            page = chromium.new_page()
            page.goto(instance.url + "/")
            page.set_input_files("#file", str(big))
            page.click("#upload-btn")
            expect(page.locator("#upload-msg")).to_contain_text("larger than 0.05 MB", timeout=20_000)
            chromium.close()
        assert Library(instance.home).datasets() == []
    finally:
        instance.stop()


def test_submitting_a_job_twice_starts_one_and_its_csv_is_spreadsheet_safe(served, server, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    from judgebench.label.ingest import read_upload

    script(server)
    data = rows(16)
    data[0]["output"] = "=HYPERLINK(\"http://evil.example\", \"click\")"
    items, columns = read_upload(str(write_csv(tmp_path / "a.csv", data)))
    library = Library(served.home)
    dataset_id = library.add_dataset("a", items, columns, "a.csv").dataset_id
    labeling, _ = start_labeling(library, dataset_id, criteria("faithfulness"), judges_from([scripted_judge(server)]))
    labeling.submit_reviews({})
    server.hold()                   # the job stays running until the test has clicked all it wants
    try:
        with sync_playwright() as playwright:
            chromium = browser(playwright)
            page = chromium.new_page()
            page.goto(f"{served.url}/label/{labeling.id}")
            expect(page.locator("#submit-job")).to_be_visible()
            page.dblclick("#submit-job")
            server.wait_held()
            # two posts at once, as two tabs or a double click that beats the button's disabling would send
            ids = page.evaluate("""async (id) => {
                const send = () => fetch(`/api/labelings/${id}/jobs`, {method: "POST"}).then((r) => r.json());
                const [a, b] = await Promise.all([send(), send()]);
                return [a.job_id, b.job_id];
            }""", labeling.id)
            assert ids[0] == ids[1] and [j.job_id for j in library.jobs(dataset_id)] == [ids[0]]
            server.release()
            expect(page.locator("#job-status")).to_have_text("completed", timeout=60_000)
            table = page.request.get(served.url + page.locator("#dl-csv").get_attribute("href")).text()
            first = next(csv.DictReader(io.StringIO(table)))
            assert first["output"] == "'" + data[0]["output"]        # shown as text by a spreadsheet
            chromium.close()
    finally:
        server.release()
    assert len(library.jobs(dataset_id)) == 1
