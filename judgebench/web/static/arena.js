// Judge Arena page. Dataset text and critiques only ever go into the page through textContent.
"use strict";

// $, el, api, post and withProgress come from app.js, loaded first.

let match = null;
let cast = 0;

function showError(error) { $("arena-error").textContent = error ? error.message : ""; }

function render(m) {
  $("arena-item").replaceChildren(...Object.entries(m.fields).map(([k, v]) => {
    const box = el("div", null, {class: "field"});
    box.append(el("div", k, {class: "field-name"}), el("div", v, {class: "field-value"}));
    return box;
  }));
  for (const side of ["left", "right"]) {
    const score = m[side].score;
    $(side).querySelector(".score").textContent = score === null ? "score: none" : `score: ${score} / 5`;
    $(side).querySelector(".critique").textContent = m[side].text;
  }
  $("vote-buttons").classList.remove("hidden");
  $("reveal").textContent = "";            // the last match's names leave the page with it
  $("reveal").classList.add("hidden");
  $("next-match").classList.add("hidden");
  $("arena-match").classList.remove("hidden");
}

async function newMatch() {
  showError(null);
  $("new-match").disabled = $("next-match").disabled = true;
  $("arena-status").textContent = "";
  try {
    const dataset = $("arena-dataset").value;
    const body = {dataset, criteria: $("criteria").value};
    if (dataset === "custom") {
      body.item = {input: $("c-input").value, response: $("c-response").value, reference: $("c-reference").value,
                   criteria: $("criteria").value};
    }
    match = await withProgress($("arena-progress"), (op) => post("/api/arena/match", body, op));
    render(match);
    $("arena-status").textContent = "";
  } catch (error) {
    showError(error);
    $("arena-status").textContent = "";
  } finally {
    $("new-match").disabled = $("next-match").disabled = false;
  }
}

async function vote(choice) {
  showError(null);
  try {
    const result = await post("/api/arena/vote", {match_id: match.match_id, choice});
    cast += 1;
    $("vote-buttons").classList.add("hidden");
    $("reveal").textContent = `A was ${result.left} · B was ${result.right}`;
    $("reveal").classList.remove("hidden");
    $("next-match").classList.remove("hidden");
    $("votes-cast").textContent = `${cast} vote(s) this visit, ${result.votes} in all`;
  } catch (error) { showError(error); }
}

async function start() {
  const options = await api("/api/arena/options");
  if (!options.available) {
    showError(new Error("The arena needs at least two judges: judgebench serve --arena-judge A --arena-judge B"));
    $("new-match").disabled = true;
  }
  // A library dataset whose columns do not say which is the input and which the response stays listed,
  // greyed out, with what to do.
  for (const d of options.datasets) {
    const option = el("option", d.why ? `${d.label}: map its input and output columns first` : d.label,
                      {value: d.id, title: d.why || ""});
    option.disabled = Boolean(d.why);
    $("arena-dataset").append(option);
  }
  $("arena-dataset").append(el("option", "an item I type in", {value: "custom"}));
  $("arena-dataset").onchange = () => $("custom-fields").classList.toggle("hidden", $("arena-dataset").value !== "custom");
  $("new-match").onclick = newMatch;
  $("next-match").onclick = newMatch;
  for (const choice of ["left", "right", "tie", "both_bad"]) $(`vote-${choice}`).onclick = () => vote(choice);
}

start().catch(showError);
