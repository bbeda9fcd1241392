"""Judge Arena in headless Chromium: names hidden until the vote, positions stored, leaderboard from votes."""

from __future__ import annotations

import json

from judgebench.arena.ballots import BallotBox
from judgebench.report.publish import publish
from tests.web.conftest import ARENA_JUDGES, CHROMIUM, CHROMIUM_ARGS, needs_chromium

pytestmark = needs_chromium
STRENGTH = {"sharp": 3, "middling": 2, "vague": 1}
HIDDEN = list(ARENA_JUDGES) + ["openai/m1", "openai/m2", "openai/m3"]
# The first match waits for the judges' first calls (litellm loads then): seconds when idle, far more on a
# busy 2-core machine. The wait ends as soon as the buttons show.
JUDGING_S = 90


def judge_of(text: str) -> str:
    return next(name for name, reply in ARENA_JUDGES.items() if reply == text)


def test_vote_through_the_page_and_see_the_vote_arena(served_arena, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    shown_sides = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 1000})
        bodies: list[str] = []
        page.on("response", lambda response: bodies.append(response.text())
                if "/api/arena/match" in response.url else None)
        page.goto(served_arena.url + "/arena")
        page.select_option("#arena-dataset", "demo_binary")
        page.fill("#criteria", "Is the answer faithful to the context?")
        page.click("#new-match")
        for round_ in range(14):
            expect(page.locator("#vote-buttons")).to_be_visible(timeout=JUDGING_S * 1000)
            left_text = page.locator("#left .critique").inner_text()
            right_text = page.locator("#right .critique").inner_text()
            left, right = judge_of(left_text), judge_of(right_text)
            assert left != right
            content = page.content()
            assert not [name for name in HIDDEN if name in content], "a judge name is in the page before the vote"
            assert not any(name in bodies[-1] for name in HIDDEN), "a judge name was sent before the vote"
            assert page.locator("#left .score").inner_text() == f"score: {ARENA_JUDGES[left][-3]} / 5"
            # The person prefers the stronger judge; every fourth match they call it a tie.
            choice = "tie" if round_ % 4 == 3 else ("left" if STRENGTH[left] > STRENGTH[right] else "right")
            page.click(f"#vote-{choice}")
            expect(page.locator("#reveal")).to_have_text(f"A was {left} · B was {right}")
            shown_sides.append((left, right, choice))
            page.click("#next-match")

        # an item typed in by the person
        expect(page.locator("#vote-buttons")).to_be_visible(timeout=JUDGING_S * 1000)
        page.click("#vote-left")
        page.click("#next-match")
        expect(page.locator("#vote-buttons")).to_be_visible(timeout=JUDGING_S * 1000)
        match_id = page.evaluate("match.match_id")
        page.select_option("#arena-dataset", "custom")
        page.fill("#c-input", "What is 2 + 2?")
        page.fill("#c-response", "<b>5</b>")
        page.click("#new-match")
        expect(page.locator(".field-value", has_text="<b>5</b>")).to_have_count(1)    # shown as text
        page.click("#vote-right")
        expect(page.locator("#reveal")).to_contain_text("A was")
        # a match cannot be voted on twice, nor skipped and voted later by another session
        again = page.evaluate("""(id) => fetch('/api/arena/vote', {method: 'POST',
            headers: {'Content-Type': 'application/json'}, body: JSON.stringify({match_id: id, choice: 'left'})})
            .then((r) => r.status)""", page.evaluate("match.match_id"))
        assert again == 400
        assert match_id != page.evaluate("match.match_id")
        browser.close()

    votes = BallotBox(served_arena.home).votes()
    assert len(votes) == 16
    for vote, (left, right, choice) in zip(votes, shown_sides):
        assert (vote.left, vote.right, vote.choice) == (left, right, choice)     # the positions as shown
        assert vote.created > 0 and vote.session and vote.dataset == "demo_binary"
    assert votes[-1].dataset == "custom" and votes[-1].choice == "right"
    assert len({v.session for v in votes}) == 1

    data = publish([], tmp_path / "leaderboard", rounds=50, votes=votes, min_votes=12)
    board = data["votes"]
    ranking = [r["judge"] for r in board["ratings"]]
    decisive = [v for v in votes[:14] if v.choice != "tie"]
    assert ranking[0] == "sharp" and ranking[-1] == "vague"
    assert sum(r["votes"] for r in board["ratings"]) == 2 * len(votes)
    assert {r["judge"]: r["preliminary"] for r in board["ratings"]} == {
        r["judge"]: r["votes"] < 12 for r in board["ratings"]}
    assert board["position_bias"]["decisive"] == len(decisive) + 2
    html = (tmp_path / "leaderboard" / "index.html").read_text()
    assert "Judge Arena: people&#x27;s votes" in html or "Judge Arena: people's votes" in html
    assert json.loads((tmp_path / "leaderboard" / "data.json").read_text())["votes"]["votes"] == 16
