"""The leaderboard as a static HTML page (no network, no CDN) and as Markdown.

Every string that comes from data (dataset, judge, prompt and model names) is escaped.
"""

from __future__ import annotations

import html
import re
from typing import Any

from judgebench.metrics import catalog

PLOTS = ("ci", "agreement", "confusion", "pareto", "reliability", "bias", "systems")
PLOT_TITLES = {"ci": "Agreement with the humans (95% bootstrap interval)", "agreement": "Judge x judge agreement",
               "confusion": "Confusion matrices", "pareto": "Cost against agreement",
               "reliability": "Reliability diagrams", "bias": "Bias probes",
               "systems": "The judges' score per system against the humans'"}

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; padding: 0 1rem; color: #222; }
.table-scroll { overflow-x: auto; margin: 1rem 0; max-width: 100%; }
table { border-collapse: collapse; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #ddd; padding: 0.35rem 0.6rem; text-align: right; white-space: nowrap; }
th { cursor: pointer; background: #f5f5f5; user-select: none; }
th:focus-visible { outline: 2px solid #2952cc; outline-offset: -2px; }
th[aria-sort="ascending"]::after { content: " \\25B2"; } th[aria-sort="descending"]::after { content: " \\25BC"; }
td.name, th.name { text-align: left; white-space: normal; min-width: 9rem; max-width: 22rem; overflow-wrap: anywhere;
                   position: sticky; left: 0; background: #fff; }
th.name { background: #f5f5f5; }
@media (max-width: 600px) { body { margin: 1rem auto; } td.name, th.name { min-width: 7.5rem; } }
tfoot td { font-style: italic; color: #555; }
.ci { color: #777; font-size: 0.8rem; }
img { max-width: 100%; border: 1px solid #eee; margin: 0.5rem 0; }
"""

_SCRIPT = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("thead th").forEach(function (th, column) {
    th.tabIndex = 0;
    th.setAttribute("title", "sort (click, Enter or Space)");
    th.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); th.click(); }
    });
    th.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("thead th").forEach(function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var numeric = th.dataset.type === "number";
      rows.sort(function (a, b) {
        var x = a.cells[column].dataset.value, y = b.cells[column].dataset.value;
        if (numeric) {
          x = x === "" ? NaN : parseFloat(x); y = y === "" ? NaN : parseFloat(y);
          if (isNaN(x) && isNaN(y)) return 0; if (isNaN(x)) return 1; if (isNaN(y)) return -1;
          return ascending ? x - y : y - x;
        }
        return ascending ? x.localeCompare(y) : y.localeCompare(x);
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
});
"""


def slug(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "dataset"


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _number(value: float | None, digits: int = 3) -> str:
    return "" if value is None or value != value else f"{value:.{digits}f}"


def _cell(value: float | None, low: float | None = None, high: float | None = None, digits: int = 3) -> str:
    text = _number(value, digits) or "–"
    if low is not None and high is not None and low == low and high == high:
        text += f' <span class="ci">[{_number(low, digits)}, {_number(high, digits)}]</span>'
    return f'<td data-value="{_e(_number(value, 6))}">{text}</td>'


def _scroll_open(name: str) -> str:
    """Each table scrolls sideways in its own box on a narrow screen; the page itself does not."""
    return f'<div class="table-scroll" role="region" tabindex="0" aria-label="{_e(name)} table">'


def _columns(board: dict[str, Any]) -> list[tuple[str, str]]:
    metrics = [(m, catalog.get(m).title) for m in board["main_metrics"]]
    bias = [(key, label) for key, label in (("position_flip_rate", "flip rate"), ("first_position_wins", "P(first wins)"),
                                            ("longer_wins", "P(longer wins)"), ("own_family_wins", "P(own family wins)"),
                                            ("ece", "ECE"), ("sample_alpha", "sample alpha"),
                                            ("prompt_spread", "prompt spread"))
            if any(j["bias"].get(key) is not None for j in board["judges"].values())]
    failed = [("failed_verdicts", "failed verdicts")] if any(j.get("failed_verdicts")
                                                            for j in board["judges"].values()) else []
    tested = [j["alt_test"] for j in board["judges"].values() if j.get("alt_test")]
    alt = [("alt_test", f"alt-test (ε = {tested[0]['epsilon']:g})")] if tested else []
    return metrics + [("coverage", "coverage")] + alt + failed + [("bias:" + k, v) for k, v in bias] + [
        ("cost_per_1k_usd", "$ / 1k"), ("latency_s_p50", "p50 latency s")] + (
        [("judgments_per_s", "judgments / s")] if any(j.get("judgments_per_s") for j in board["judges"].values())
        else [])


def _dataset_table(name: str, board: dict[str, Any]) -> str:
    arena = {r["judge"]: r for r in board["arena"]}
    columns = _columns(board)
    head = ['<th data-type="number">rank</th>', '<th class="name" data-type="text">judge</th>',
            '<th data-type="number">arena rating</th>'] + [f'<th data-type="number">{_e(label)}</th>'
                                                           for _, label in columns]
    order = sorted(board["judges"], key=lambda n: -(arena.get(n, {}).get("rating") or float("-inf")))
    rows = []
    for judge in order:
        entry, rating = board["judges"][judge], arena.get(judge)
        cells = [f'<td data-value="{rating["rank_best"] if rating else ""}">'
                 f'{_e(rating["rank_best"]) + "–" + _e(rating["rank_worst"]) if rating else "–"}</td>',
                 f'<td class="name" data-value="{_e(judge)}">{_judge_name(judge, entry.get("provenance"))}{_jury(entry)}</td>',
                 _cell(rating["rating"], rating["low"], rating["high"], 0) if rating else _cell(None)]
        for key, _ in columns:
            if key in board["main_metrics"]:
                value = entry["metrics"].get(key, {})
                cells.append(_cell(value.get("estimate"), value.get("low"), value.get("high")))
            elif key.startswith("bias:"):
                cells.append(_cell(entry["bias"].get(key[5:])))
            elif key == "alt_test":
                cells.append(_alt_cell(entry.get("alt_test")))
            else:
                cells.append(_cell(entry.get(key), digits={"cost_per_1k_usd": 4, "failed_verdicts": 0,
                                                           "judgments_per_s": 0}.get(key, 3)))
        rows.append("<tr>" + "".join(cells) + "</tr>")
    ceiling = ['<td></td>', '<td class="name">human ceiling</td>', "<td>–</td>"] + [
        _cell(board["humans"]["metrics"].get(key)) if key in board["main_metrics"]
        else (_cell(next((j["bias"].get(key[5:] + "_humans") for j in board["judges"].values()
                          if j["bias"].get(key[5:] + "_humans") is not None), None))
              if key in ("bias:longer_wins", "bias:own_family_wins") else "<td></td>")
        for key, _ in columns]
    return (f'{_scroll_open(name)}<table class="sortable" id="table-{_e(slug(name))}"><thead><tr>{"".join(head)}'
            f'</tr></thead><tbody>{"".join(rows)}</tbody><tfoot><tr>{"".join(ceiling)}</tr></tfoot></table></div>')


def _judge_name(judge: str, provenance: dict[str, Any] | None) -> str:
    """A recorded judge links to its paper, with where its verdicts come from on hover and as a second link."""
    if not provenance:
        return _e(judge)
    title = "; ".join(str(provenance[k]) for k in ("citation", "note") if provenance.get(k))
    name = (f'<a href="{_e(provenance["url"])}" title="{_e(title)}" class="paper">{_e(judge)}</a>'
            if _linkable(provenance.get("url")) else _e(judge))
    source = provenance.get("source")
    commit = f' @ {_e(str(provenance["commit"])[:7])}' if provenance.get("commit") else ""
    return name + (f' <a href="{_e(source)}" class="source ci">verdicts{commit}</a>' if _linkable(source) else "")


def _jury(entry: dict[str, Any]) -> str:
    """A jury names its members and its rule under its name."""
    return f'<br><span class="ci jury">{_e(entry["jury"])}</span>' if entry.get("jury") else ""


def _linkable(url: Any) -> bool:
    """Only web links: a `javascript:` address from a config never becomes a link."""
    return isinstance(url, str) and url.startswith(("https://", "http://"))


HOW_TO_READ = (
    '<details id="how-to-read" open><summary>How to read this</summary><ul>'
    "<li><b>Rating</b>: on each item, a judge that agrees with the people beats one that does not; Bradley-Terry "
    "turns these battles into ratings on the Elo scale (1000 is the average judge of a group; 100 points more "
    "means winning about 64% of the battles).</li>"
    "<li><b>Interval</b> [low, high]: 95% of bootstrap resamples of the items (or battles) fall inside it. Two "
    "judges whose intervals overlap may not really differ; the rank shows the best and worst place the "
    "intervals allow.</li>"
    "<li><b>Human ceiling</b>: the same metric for each annotator against the others: how well people agree with "
    "each other. A judge near it is as good as another person; where the label is fixed by correctness "
    "(JudgeBench, LLMBar) there is one label per item and no ceiling.</li>"
    "<li><b>Coverage</b>: the share of items with a usable verdict (in either order, for a judge that saw "
    "both); <b>failed verdicts</b>: judgments with no usable verdict. They count as wrong.</li>"
    "<li>Judges are compared only with judges that judged the same items: one overall table per group of "
    "judges that battles connect. A recorded judge's name links to its paper; <i>verdicts</i> to the source "
    "of the verdicts.</li></ul></details>")


def _votes_html(data: dict[str, Any]) -> str:
    board = data["votes"]
    label_based = {r["judge"]: r for r in data["overall"]}
    bias = board["position_bias"]
    parts = ["<section id=\"votes\"><h2>Judge Arena: people's votes</h2>",
             f"<p>{board['votes']} votes by {board['voters']} voter session(s) between two anonymous judges' "
             f"evaluations ({', '.join(f'{_e(k)} {v}' for k, v in board['choices'].items())}); ties and "
             f"'both bad' count as ties. Ratings with fewer than {board['min_votes']} votes are marked "
             "preliminary. The label-based rating is the arena of agreement with the humans above.</p>",
             _scroll_open("votes") + '<table class="sortable" id="table-votes"><thead><tr><th data-type="number">rank</th>'
             '<th class="name" data-type="text">judge</th><th data-type="number">vote rating</th>'
             '<th data-type="number">votes</th><th data-type="number">label-based rating</th></tr></thead><tbody>']
    for r in board["ratings"]:
        mark = ' <span class="ci">(preliminary)</span>' if r["preliminary"] else ""
        other = label_based.get(r["judge"])
        parts.append(f'<tr><td data-value="{r["rank_best"]}">{r["rank_best"]}–{r["rank_worst"]}</td>'
                     f'<td class="name" data-value="{_e(r["judge"])}">{_e(r["judge"])}{mark}</td>'
                     f'{_cell(r["rating"], r["low"], r["high"], 0)}<td data-value="{r["votes"]}">{r["votes"]}</td>'
                     + (_cell(other["rating"], other["low"], other["high"], 0) if other else _cell(None)) + "</tr>")
    parts.append("</tbody></table></div>")
    if bias["decisive"]:
        parts.append(f'<p id="voter-position-bias">Voters chose the left evaluation in {bias["left_wins"]} of '
                     f'{bias["decisive"]} decisive votes: {_number(bias["left_share"])} '
                     f'[{_number(bias["low"])}, {_number(bias["high"])}] (0.5 = no position bias; exact binomial '
                     f'p = {_number(bias["p_value"])}).</p>')
    parts.append("</section>")
    return "".join(parts)


def _systems_html(name: str, systems: dict[str, Any]) -> str:
    """Per judge and system: the judge's score, the humans', the bias with its interval, the humans' rank."""
    rows = []
    for judge, entry in systems.items():
        for r in entry["rows"]:
            bias = r["bias"] or {}
            rank = f'{r["rank"][0]}–{r["rank"][1]}' if r["rank"] else "–"
            rows.append(f'<tr><td class="name" data-value="{_e(judge)}">{_e(judge)}</td>'
                        f'<td class="name" data-value="{_e(r["system"])}">{_e(r["system"])}</td>'
                        f'{_cell(r["judge"])}{_cell(r["humans"])}'
                        f'{_cell(bias.get("estimate"), bias.get("low"), bias.get("high"))}'
                        f'<td data-value="{r["rank"][0] if r["rank"] else ""}">{rank}</td></tr>')
    taus = "; ".join(f"{_e(j)} {_number(e['kendall_tau'])}" for j, e in systems.items() if e["kendall_tau"] is not None)
    return (f'<h3>Systems</h3><p>Each system\'s mean score (ties count half) by the judge and by the humans on '
            f'the items both labeled; bias = judge − humans with its 95% interval; rank by the humans, with its '
            f'interval. Kendall\'s τ between the judge\'s ranking and the humans\': {taus or "–"}.</p>'
            f'{_scroll_open(name + " systems")}<table class="sortable" id="systems-{_e(slug(name))}"><thead><tr>'
            '<th class="name" data-type="text">judge</th><th class="name" data-type="text">system</th>'
            '<th data-type="number">judge</th><th data-type="number">humans</th>'
            '<th data-type="number">bias</th><th data-type="number">rank</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def _alt_cell(test: dict[str, Any] | None) -> str:
    """Passes or fails, with the winning rate; sorted by the winning rate."""
    if not test:
        return _cell(None)
    verdict = "passes" if test["passed"] else "fails"
    return (f'<td data-value="{_e(_number(test["winning_rate"], 6))}">{verdict} '
            f'<span class="ci">ω {_number(test["winning_rate"], 2)}, ρ {_number(test["advantage_probability"], 2)}'
            '</span></td>')


def _unsupervised_html(name: str, table: dict[str, Any]) -> str:
    """Dawid-Skene's estimates, marked as made without human labels, beside the measured accuracy."""
    head = "<h3>Estimated without human labels</h3>"
    if "unavailable" in table:
        return f'{head}<p class="note">{_e(table["unavailable"])}</p>'
    rows = "".join(f'<tr><td class="name" data-value="{_e(judge)}">{_e(judge)}</td>'
                   f'{_cell(e["estimate"], e["low"], e["high"])}{_cell(e["measured"])}'
                   f'<td data-value="{e["measured_items"]}">{e["measured_items"]}</td></tr>'
                   for judge, e in sorted(table["judges"].items(), key=lambda kv: -(kv[1]["estimate"] or 0)))
    return (f"{head}<p>Each judge's accuracy estimated from the judges' agreement alone (Dawid-Skene, "
            f"{table['items']} items, 95% bootstrap intervals): what a board without any human label would say. "
            "The measured accuracy beside it shows whether the model's assumption (judges err independently) "
            f"held here.</p>{_scroll_open(name + ' unsupervised')}<table class=\"sortable\" "
            f'id="unsupervised-{_e(slug(name))}"><thead><tr><th class="name" data-type="text">judge</th>'
            '<th data-type="number">estimated accuracy (no labels)</th><th data-type="number">measured accuracy</th>'
            f'<th data-type="number">labeled items</th></tr></thead><tbody>{rows}</tbody></table></div>')


def _annotator_kappas(board: dict[str, Any]) -> str:
    table = board["humans"].get("annotator_kappa") or {}
    return ", ".join(f"{a} ~ {b} {_number(v) or 'undefined'}" for a, row in table.items() for b, v in row.items())


def _overall_html(data: dict[str, Any]) -> str:
    """One table per group of judges that battles connect: ratings of different groups are not comparable."""
    groups = data.get("groups") or [[r["judge"] for r in data["overall"]]]
    parts = ['<section id="overall"><h2>Overall</h2>']
    if len(groups) > 1:
        parts.append(f"<p>{len(groups)} groups of judges: no judge of one group judged an item that a judge of "
                     "another judged, so each group is rated on its own scale and the groups are not ranked "
                     "against each other.</p>")
    for number, group in enumerate(groups):
        if len(groups) > 1:
            where = (data.get("group_datasets") or [[]] * len(groups))[number]
            parts.append(f"<h3>Group {number + 1}: {len(group)} judges"
                         + (f" ({', '.join(_e(d) for d in where)})" if where else "") + "</h3>")
        table = "table-overall" + ("" if number == 0 else f"-{number + 1}")
        parts.append(_scroll_open(f"overall {number + 1}") + f'<table class="sortable" id="{table}"><thead><tr>'
                     '<th data-type="number">rank</th><th class="name" data-type="text">judge</th>'
                     '<th data-type="number">arena rating</th><th data-type="number">online Elo</th>'
                     '<th data-type="number">battles</th></tr></thead><tbody>')
        for r in (r for r in data["overall"] if r.get("group", 0) == number):
            parts.append(f'<tr><td data-value="{r["rank_best"]}">{r["rank_best"]}–{r["rank_worst"]}</td>'
                         f'<td class="name" data-value="{_e(r["judge"])}">{_e(r["judge"])}</td>'
                         f'{_cell(r["rating"], r["low"], r["high"], 0)}{_cell(r.get("online_elo"), digits=0)}'
                         f'<td data-value="{r["battles"]}">{r["battles"]}</td></tr>')
        parts.append("</tbody></table></div>")
    if data.get("unrated"):
        parts.append('<p id="unrated">Without a rating (the only judge of their items, so no battle): '
                     f"{', '.join(_e(j) for j in data['unrated'])}; their metrics are in their dataset's table.</p>")
    return "".join(parts) + "</section>"


def render_html(data: dict[str, Any], plots: dict[str, dict[str, str]]) -> str:
    """`plots`: per dataset, the plot kinds drawn and their paths, in PLOTS order."""
    parts = ["<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">",
             "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
             f"<title>judgebench leaderboard</title><style>{_STYLE}</style></head><body>",
             "<h1>judgebench leaderboard: who judges the judges?</h1>",
             f"<p>Bradley-Terry ratings on the Elo scale from {data['battles']} battles (on an item, the judge that "
             f"agrees with the humans beats the one that does not), {data['rounds']} bootstrap rounds; metrics with "
             f"95% bootstrap intervals ({data['resamples']} resamples). Failed verdicts count as wrong. "
             "Click a column to sort.</p>"]
    parts.append(HOW_TO_READ)
    if data["overall"]:
        parts.append(_overall_html(data))
    if data.get("votes"):
        parts.append(_votes_html(data))
    for name, board in data["datasets"].items():
        parts.append(f'<section id="dataset-{_e(slug(name))}"><h2>{_e(name)}</h2>'
                     f'<p>{_e(board["kind"])}, {board["items"]} items, {board["battles"]} battles'
                     + (f' (decided item by item by the {_e(catalog.get(board["battle_metric"]).title)}, the '
                        "source's own metric)" if board.get("battle_metric") else "") + "</p>")
        parts.append(_dataset_table(name, board))
        parts += [f'<p class="note">{_e(j["one_answer"])}.</p>' for j in board["judges"].values() if j.get("one_answer")]
        if _annotator_kappas(board):
            parts.append(f'<p class="note">Cohen\'s kappa between annotators: {_e(_annotator_kappas(board))}.</p>')
        if board.get("systems"):
            parts.append(_systems_html(name, board["systems"]))
        if board.get("unsupervised"):
            parts.append(_unsupervised_html(name, board["unsupervised"]))
        for kind, path in plots.get(name, {}).items():
            parts.append(f'<figure><img src="{_e(path)}" alt="{_e(PLOT_TITLES[kind])}: {_e(name)}">'
                         f'<figcaption>{_e(PLOT_TITLES[kind])}</figcaption></figure>')
        parts.append("</section>")
    parts.append(f"<script>{_SCRIPT}</script></body></html>")
    return "\n".join(parts)


def _md(text: Any) -> str:
    return html.escape(str(text), quote=False).replace("|", "\\|")


def render_markdown(data: dict[str, Any]) -> str:
    lines = ["# judgebench leaderboard", ""]
    groups = data.get("groups") or [[r["judge"] for r in data["overall"]]]
    for number, _ in enumerate(groups if data["overall"] else []):
        title = "## Overall" + (f", group {number + 1} of {len(groups)} (rated on its own scale)"
                                if len(groups) > 1 else "")
        lines += [title, "", "| rank | judge | arena rating [95% CI] | battles |", "|---|---|---|---|"]
        lines += [f"| {r['rank_best']}–{r['rank_worst']} | {_md(r['judge'])} | {r['rating']:.0f} "
                  f"[{r['low']:.0f}, {r['high']:.0f}] | {r['battles']} |" for r in data["overall"]
                  if r.get("group", 0) == number]
        lines.append("")
    if data.get("unrated"):
        lines += [f"Without a rating (no battle): {', '.join(_md(j) for j in data['unrated'])}.", ""]
    if data.get("votes"):
        board = data["votes"]
        bias = board["position_bias"]
        lines += ["## Judge Arena: people's votes", "",
                  f"{board['votes']} votes by {board['voters']} voter session(s); fewer than {board['min_votes']} "
                  "votes: preliminary.", "", "| rank | judge | vote rating [95% CI] | votes |", "|---|---|---|---|"]
        lines += [f"| {r['rank_best']}–{r['rank_worst']} | {_md(r['judge'])}{' (preliminary)' if r['preliminary'] else ''}"
                  f" | {r['rating']:.0f} [{r['low']:.0f}, {r['high']:.0f}] | {r['votes']} |" for r in board["ratings"]]
        if bias["decisive"]:
            lines += ["", f"Voters chose the left side in {bias['left_wins']} of {bias['decisive']} decisive votes: "
                          f"{bias['left_share']:.3f} [{bias['low']:.3f}, {bias['high']:.3f}]."]
        lines.append("")
    for name, board in data["datasets"].items():
        metrics = board["main_metrics"]
        lines += [f"## {_md(name)} ({board['kind']}, {board['items']} items)", "",
                  "| judge | arena rating | " + " | ".join(catalog.get(m).title for m in metrics) + " | coverage |",
                  "|---" * (len(metrics) + 3) + "|"]
        arena = {r["judge"]: r for r in board["arena"]}
        for judge, entry in sorted(board["judges"].items(), key=lambda kv: -(arena.get(kv[0], {}).get("rating") or 0)):
            cells = []
            for metric in metrics:
                value = entry["metrics"].get(metric, {})
                cells.append(f"{_number(value.get('estimate')) or '–'} [{_number(value.get('low'))}, "
                             f"{_number(value.get('high'))}]")
            rating = f"{arena[judge]['rating']:.0f}" if judge in arena else "–"
            source = entry.get("provenance") or {}
            name = f"[{_md(judge)}]({source['url']})" if _linkable(source.get("url")) else _md(judge)
            name += f" ({_md(entry['jury'])})" if entry.get("jury") else ""
            lines.append(f"| {name} | {rating} | " + " | ".join(cells) + f" | {entry['coverage']:.1%} |")
        humans = board["humans"]["metrics"]
        lines.append("| *human ceiling* | | " + " | ".join(_number(humans.get(m)) or "–" for m in metrics) + " | |")
        lines += ["", *(f"Note: {_md(j['one_answer'])}." for j in board["judges"].values() if j.get("one_answer"))]
        if _annotator_kappas(board):
            lines.append(f"Cohen's kappa between annotators: {_md(_annotator_kappas(board))}.")
        lines.append("")
    return "\n".join(lines)
