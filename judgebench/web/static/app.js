// judgebench web pages. Dataset text only ever goes into the page through textContent.
"use strict";

const $ = (id) => document.getElementById(id);

function el(tag, text, attrs) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  return node;
}

// The {name} placeholders of a template, as Python's str.format reads them ({{ and }} are literal braces).
function placeholdersOf(template) {
  const names = [];
  for (const m of template.replace(/\{\{|\}\}/g, "").matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)[^{}]*\}/g)) {
    if (!names.includes(m[1])) names.push(m[1]);
  }
  return names;
}

async function api(path, options) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || body.detail || `HTTP ${response.status}`);
  return body;
}

// `op` names the request so that its progress can be polled while it runs (see withProgress).
const post = (path, body, op) => api(path, {method: "POST",
  headers: {"Content-Type": "application/json", ...(op ? {"X-Progress-Id": op} : {})}, body: JSON.stringify(body || {})});

// Run a slow request (`send(op)`) while `box` shows its count, a bar and the time left.
async function withProgress(box, send) {
  const op = `op-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  const bar = box.querySelector("progress");
  const text = box.querySelector(".progress-text");
  bar.removeAttribute("value");
  text.textContent = "starting ...";
  box.classList.remove("hidden");
  const poll = async () => {
    const p = await api(`/api/progress/${op}`);
    if (p.total) { bar.max = p.total; bar.value = p.done; }
    text.textContent = p.text;
  };
  const timer = setInterval(() => poll().catch(() => {}), 500);
  try { return await send(op); } finally { clearInterval(timer); box.classList.add("hidden"); }
}
const when = (ts) => ts ? new Date(ts * 1000).toLocaleString() : "-";

function jobRow(job, onChange) {
  const tr = el("tr");
  tr.dataset.job = job.job_id;
  tr.append(el("td", job.job_id), el("td", job.status, {class: "job-status"}));
  const progress = el("td");
  const bar = el("progress", null, {value: job.done, max: Math.max(1, job.total)});
  progress.append(bar, el("span", ` ${job.done}/${job.total}`));
  progress.replaceChildren(bar, el("span", ` ${job.progress_text}`, {class: "job-progress-text"}));
  tr.append(progress, el("td", job.dataset || job.dataset_id));
  const actions = el("td");
  if (job.status === "running" || job.status === "queued") {
    const cancel = el("button", "Cancel");
    cancel.onclick = async () => { await post(`/api/jobs/${job.job_id}/cancel`); onChange(); };
    actions.append(cancel);
  }
  if (job.status === "failed" || job.status === "cancelled") {
    const resume = el("button", "Resume");
    resume.onclick = async () => { await post(`/api/jobs/${job.job_id}/resume`); onChange(); };
    actions.append(resume);
  }
  if (job.status === "completed") {
    for (const fmt of ["csv", "jsonl", "parquet"]) {
      actions.append(el("a", fmt.toUpperCase(), {href: `/api/jobs/${job.job_id}/download?format=${fmt}`}), " ");
    }
  }
  tr.append(actions);
  return tr;
}

// A long field shows its first lines and a button for the rest, so the buttons stay on the screen.
const LONG_FIELD = 600;
function fieldBox(name, value) {
  const box = el("div", null, {class: "field"});
  const text = el("div", value, {class: "field-value"});
  box.append(el("div", name, {class: "field-name"}), text);
  const length = String(value ?? "").length;
  if (length > LONG_FIELD) {
    text.classList.add("collapsed");
    const more = el("button", `show all ${length} characters`, {class: "expand"});
    more.onclick = () => {
      const open = text.classList.toggle("collapsed") === false;
      more.textContent = open ? "show less" : `show all ${length} characters`;
    };
    box.append(more);
  }
  return box;
}

// --- library page ------------------------------------------------------------------------

async function libraryPage() {
  const options = await api("/api/options");
  let chosen = null;
  for (const m of options.metrics) $("metric").append(el("option", m.name, {value: m.name}));
  $("metric").append(el("option", "custom prompt", {value: ""}));
  // Judges that cannot work here stay in the list, greyed out, with what they need.
  for (const j of options.judges) {
    const option = el("option", j.usable ? j.name : `${j.name} (${j.why})`, {value: j.name});
    option.disabled = !j.usable;
    $("judge").append(option);
  }
  for (const k of options.kinds) $("kind").append(el("option", k, {value: k}));
  const showMetric = () => {
    const metric = options.metrics.find((m) => m.name === $("metric").value);
    $("metric-description").textContent = metric ? metric.description : "Write your own prompt with {column} placeholders, and say which labels it asks for.";
    // A custom prompt starts empty: the last built-in's text would carry its kind along unseen.
    $("template").value = metric ? metric.template : "";
    $("template").readOnly = Boolean(metric);
    $("kind-choice").classList.toggle("hidden", Boolean(metric));
    showColumns();
  };
  // One row per placeholder: a select of the dataset's columns, preset from the remembered (or suggested) map.
  const showColumns = () => {
    const tbody = $("column-map").querySelector("tbody");
    tbody.replaceChildren();
    if (!chosen) return;
    for (const placeholder of placeholdersOf($("template").value)) {
      const select = el("select", null, {"data-placeholder": placeholder, "aria-label": `column for {${placeholder}}`});
      select.append(el("option", "(none)", {value: ""}));
      for (const c of chosen.columns) select.append(el("option", c, {value: c}));
      select.value = chosen.column_map[placeholder] || (chosen.columns.includes(placeholder) ? placeholder : "");
      const tr = el("tr");
      const cell = el("td");
      cell.append(select);
      tr.append(el("td", `{${placeholder}}`), el("td", "←"), cell);
      tbody.append(tr);
    }
  };
  $("metric").onchange = showMetric;
  $("template").oninput = showColumns;
  showMetric();

  async function refresh() {
    const [datasets, labelings, jobs] = await Promise.all([api("/api/datasets"), api("/api/labelings"), api("/api/jobs")]);
    const tbody = $("datasets").querySelector("tbody");
    tbody.replaceChildren();
    for (const d of datasets) {
      const tr = el("tr");
      tr.dataset.dataset = d.dataset_id;
      tr.append(el("td", `${d.name}@${d.version}`), el("td", d.n_items), el("td", d.columns.join(", ")), el("td", when(d.created)));
      const actions = el("td");
      const label = el("button", "Label", {class: "label-dataset"});
      label.onclick = () => { chosen = d; $("start-dataset").textContent = `${d.name}@${d.version}`; $("start").classList.remove("hidden"); showColumns(); };
      const remove = el("button", "Remove");
      remove.onclick = async () => { if (confirm(`Remove ${d.name}@${d.version}?`)) { await api(`/api/datasets/${d.dataset_id}`, {method: "DELETE"}); refresh(); } };
      actions.append(label, remove);
      tr.append(actions);
      tbody.append(tr);
    }
    const lbody = $("labelings").querySelector("tbody");
    lbody.replaceChildren();
    for (const l of labelings) {
      const tr = el("tr");
      const link = el("a", l.labeling_id, {href: `/label/${l.labeling_id}`});
      const first = el("td");
      first.append(link);
      tr.append(first, el("td", l.dataset), el("td", `${l.prompt} v${l.prompt_version}`), el("td", l.judge), el("td", l.reviewed));
      const remove = el("button", "Delete", {class: "delete-labeling"});
      remove.onclick = async () => {
        if (!confirm(`Delete labeling ${l.labeling_id} with its reviews and jobs? The dataset stays.`)) return;
        try { await api(`/api/labelings/${l.labeling_id}`, {method: "DELETE"}); } catch (error) { alert(error.message); }
        refresh();
      };
      const actions = el("td");
      actions.append(remove);
      tr.append(actions);
      lbody.append(tr);
    }
    const jbody = $("jobs").querySelector("tbody");
    jbody.replaceChildren(...jobs.map((j) => jobRow(j, refresh)));
  }

  $("upload").onsubmit = async (event) => {
    event.preventDefault();
    const form = new FormData();
    form.append("file", $("file").files[0]);
    form.append("name", $("name").value);
    $("upload-msg").className = "muted";
    $("upload-msg").textContent = "uploading ...";
    try {
      const info = await api("/api/datasets", {method: "POST", body: form});
      const matched = Object.entries(info.column_map).map(([p, c]) => `{${p}} ← ${c}`).join(", ");
      $("upload-msg").textContent = `added ${info.name}@${info.version}: ${info.n_items} rows` +
        (matched ? `; columns matched to the prompts: ${matched} (check them under Label)` : "");
      await refresh();
    } catch (error) {
      $("upload-msg").className = "error";
      $("upload-msg").textContent = error.message;
    }
  };
  $("upload-btn").disabled = false;     // off until here: a click before the page is ready would do nothing
  $("start-btn").onclick = async () => {
    $("start-btn").disabled = true;
    $("start-msg").className = "muted";
    $("start-msg").textContent = "";
    try {
      const column_map = {};
      for (const select of $("column-map").querySelectorAll("select")) column_map[select.dataset.placeholder] = select.value;
      const body = {dataset_id: chosen.dataset_id, judge: $("judge").value, selection: $("selection").value, column_map};
      if ($("metric").value) body.metric = $("metric").value;
      else { body.template = $("template").value; body.kind = $("kind").value; }
      const state = await withProgress($("start-progress"), (op) => post("/api/labelings", body, op));
      location.href = `/label/${state.labeling_id}`;
    } catch (error) {
      $("start-msg").className = "error";
      $("start-msg").textContent = error.message;
      $("start-btn").disabled = false;
    }
  };
  await refresh();
  setInterval(() => refresh().catch(() => {}), 2000);
}

// --- labeling page -----------------------------------------------------------------------

async function labelPage() {
  const labelingId = location.pathname.split("/").pop();
  let state = null;
  let decisions = {};
  let index = 0;
  const visited = new Set();
  const views = ["item-view", "config-view", "table-view", "after-view"];
  const show = (view) => views.forEach((v) => $(v).classList.toggle("hidden", v !== view));
  const name = (label) => label === null || label === undefined ? "none" :
    state.kind === "binary" ? (label === 1 ? "Yes (1)" : "No (0)") : String(label);
  const storageKey = () => `judgebench:${labelingId}:${state.batch.length ? state.batch[0].round : 0}`;
  const save = () => localStorage.setItem(storageKey(), JSON.stringify(decisions));
  const showError = (error) => { $("error").textContent = error ? error.message : ""; };

  // The counts in the heading follow every answer from the server, not only the first.
  const heading = () => {
    $("title").textContent = `${state.dataset} · ${state.prompt} v${state.prompt_version}`;
    $("subtitle").textContent = `judge ${state.judge} · ${state.reviewed} reviewed so far · ${state.n_items} items · ${state.selection} selection`;
  };

  function load(newState, keepChanges) {
    const previous = state ? Object.fromEntries(state.batch.map((e) => [e.item_id, e.judge_label])) : {};
    state = newState;
    heading();
    const stored = JSON.parse(localStorage.getItem(storageKey()) || "{}");
    const next = {};
    for (const e of state.batch) {
      const mine = keepChanges ? decisions[e.item_id] : stored[e.item_id];
      // A relabel takes the judge's new label unless the person had changed this item.
      next[e.item_id] = mine === undefined || mine === previous[e.item_id] ? e.judge_label : mine;
    }
    decisions = next;
    $("binary-buttons").classList.toggle("hidden", state.kind !== "binary");
    for (const [id, value] of [["say-yes", 1], ["say-no", 0]]) {
      $(id).onclick = () => { decisions[state.batch[index].item_id] = value; save(); renderItem(); };
    }
    $("likert-buttons").replaceChildren();
    if (state.kind === "likert") {
      for (let v = 1; v <= 5; v++) {
        const b = el("button", v, {class: "rate"});
        b.onclick = () => { decisions[state.batch[index].item_id] = v; save(); renderItem(); };
        $("likert-buttons").append(b);
      }
    }
    if (state.batch.length) { index = Math.min(index, state.batch.length - 1); goto(index); show("item-view"); }
    else afterView();
  }

  function goto(i) {
    index = i;
    visited.add(state.batch[i].item_id);
    renderItem();
  }

  function renderItem() {
    const entry = state.batch[index];
    $("dots").replaceChildren(...state.batch.map((e, i) => {
      const dot = el("button", i + 1, {"aria-label": `item ${i + 1}`});
      dot.classList.toggle("current", i === index);
      dot.classList.toggle("visited", visited.has(e.item_id));
      dot.classList.toggle("changed", decisions[e.item_id] !== e.judge_label);
      dot.onclick = () => goto(i);
      return dot;
    }));
    $("fields").replaceChildren(...Object.entries(entry.fields).map(([k, v]) => fieldBox(k, v)));
    const prob = entry.judge_prob === null ? "" : ` (p = ${entry.judge_prob.toFixed(2)})`;
    $("judge-label").textContent = `judge: ${name(entry.judge_label)}${prob}`;
    $("judge-reason").textContent = `reason: ${entry.reason || "-"}`;
    $("your-label").textContent = name(decisions[entry.item_id]);
    $("say-yes").classList.toggle("chosen", decisions[entry.item_id] === 1);
    $("say-no").classList.toggle("chosen", decisions[entry.item_id] === 0);
    for (const b of $("likert-buttons").children) {
      const chosen = Number(b.textContent) === decisions[entry.item_id];
      b.classList.toggle("chosen", chosen);
      b.setAttribute("aria-pressed", String(chosen));
    }
    $("changed").textContent = decisions[entry.item_id] !== entry.judge_label ? "(changed)" : "";
    $("prev").disabled = index === 0;
    $("next").disabled = index === state.batch.length - 1;
  }

  function renderTable() {
    const head = $("review-table").querySelector("thead tr");
    head.replaceChildren(...["#", state.shown_columns[0] || "item", state.shown_columns[1] || "", "judge", "yours", "changed", ""]
      .map((h) => el("th", h)));
    const tbody = $("review-table").querySelector("tbody");
    tbody.replaceChildren(...state.batch.map((e, i) => {
      const tr = el("tr");
      tr.dataset.item = e.item_id;
      const cell = (column) => el("td", column ? String(e.fields[column] ?? "").slice(0, 120) : "");
      const changed = decisions[e.item_id] !== e.judge_label;
      tr.append(el("td", i + 1), cell(state.shown_columns[0]), cell(state.shown_columns[1]), el("td", name(e.judge_label)),
                el("td", name(decisions[e.item_id]), {class: "yours"}),
                el("td", changed ? "changed" : "", {class: "changed-mark"}));
      const actions = el("td");
      if (state.kind === "binary") {
        const flip = el("button", "Flip", {class: "row-flip"});
        // A failed verdict (none) flips to Yes, as the item page's Flip does.
        flip.onclick = () => { decisions[e.item_id] = decisions[e.item_id] === 1 ? 0 : 1; save(); renderTable(); };
        actions.append(flip);
      }
      const open = el("button", "Open");
      open.onclick = () => { goto(i); show("item-view"); };
      actions.append(open);
      tr.append(actions);
      return tr;
    }));
  }

  async function afterView(message) {
    show("after-view");
    $("after-msg").textContent = message || (state.reviewed ? `${state.reviewed} labels reviewed. They are few-shot examples for the judge from now on.`
                                                            : "No open review batch.");
    const job = state.jobs.length ? state.jobs[state.jobs.length - 1] : null;
    if (job) watchJob(job.job_id);
  }

  let watching = null;
  async function watchJob(jobId) {
    $("job-view").classList.remove("hidden");
    $("job-id").textContent = jobId;
    clearInterval(watching);
    const tick = async () => {
      const job = await api(`/api/jobs/${jobId}`);
      $("job-status").textContent = job.status;
      $("job-progress").max = Math.max(1, job.total);
      $("job-progress").value = job.done;
      $("job-count").textContent = job.progress_text + (job.error ? ` · ${job.error}` : "");
      $("cancel-job").classList.toggle("hidden", !["running", "queued"].includes(job.status));
      $("resume-job").classList.toggle("hidden", !["failed", "cancelled"].includes(job.status));
      $("downloads").classList.toggle("hidden", job.status !== "completed");
      $("job-estimate").textContent = job.estimate || "";
      for (const fmt of ["csv", "jsonl", "parquet"]) $(`dl-${fmt}`).href = `/api/jobs/${jobId}/download?format=${fmt}`;
      if (["completed", "cancelled", "failed"].includes(job.status)) clearInterval(watching);
    };
    $("cancel-job").onclick = async () => { await post(`/api/jobs/${jobId}/cancel`); tick(); };
    $("resume-job").onclick = async () => { await post(`/api/jobs/${jobId}/resume`); watching = setInterval(tick, 1000); };
    await tick();
    watching = setInterval(() => tick().catch(() => {}), 1000);
  }

  const step = (d) => goto(Math.min(Math.max(index + d, 0), state.batch.length - 1));
  $("prev").onclick = () => step(-1);
  $("next").onclick = () => step(1);
  $("last").onclick = () => goto(state.batch.length - 1);
  $("accept").onclick = () => { const e = state.batch[index]; if (e.judge_label !== null) decisions[e.item_id] = e.judge_label; save(); step(1); renderItem(); };
  $("flip").onclick = () => { const e = state.batch[index]; decisions[e.item_id] = decisions[e.item_id] === 1 ? 0 : 1; save(); renderItem(); };
  $("to-table").onclick = () => { renderTable(); show("table-view"); };
  $("back-to-items").onclick = () => { renderItem(); show("item-view"); };
  $("configure").onclick = () => { $("template-edit").value = state.template; $("config-msg").textContent = ""; show("config-view"); };
  $("cancel-config").onclick = () => show("item-view");
  $("save-config").onclick = async () => {
    $("save-config").disabled = true;
    $("config-msg").className = "muted";
    $("config-msg").textContent = "";
    try {
      load(await withProgress($("relabel-progress"),
        (op) => post(`/api/labelings/${labelingId}/prompt`, {template: $("template-edit").value}, op)), true);
      save();
    } catch (error) {
      $("config-msg").className = "error";
      $("config-msg").textContent = error.message;
    } finally {
      $("save-config").disabled = false;
    }
  };
  $("submit-reviews").onclick = async () => {
    $("submit-reviews").disabled = true;
    try {
      const key = storageKey();
      const result = await post(`/api/labelings/${labelingId}/reviews`, {labels: decisions});
      localStorage.removeItem(key);
      state = result;
      heading();
      afterView(`Submitted ${Object.keys(decisions).length} labels (${result.changed} changed). ${result.reviewed} reviewed in all; they are few-shot examples for the judge from now on. ${result.agreement}. ${result.estimate}.`);
    } catch (error) { showError(error); } finally { $("submit-reviews").disabled = false; }
  };
  $("next-batch").onclick = async () => {
    $("next-batch").disabled = true;
    $("after-msg").textContent = "";
    try { load(await withProgress($("next-progress"), (op) => post(`/api/labelings/${labelingId}/next`, {}, op))); }
    catch (error) { showError(error); }
    finally { $("next-batch").disabled = false; }
  };
  $("submit-job").onclick = async () => {
    $("submit-job").disabled = true;        // one click, one job (the server also returns a running twin)
    try { const job = await post(`/api/labelings/${labelingId}/jobs`); watchJob(job.job_id); } catch (error) { showError(error); }
    finally { $("submit-job").disabled = false; }
  };
  // The terminal review's keys (label/tui.py), listed on the page in #shortcuts.
  document.addEventListener("keydown", (event) => {
    if ($("item-view").classList.contains("hidden") || ["TEXTAREA", "INPUT", "SELECT"].includes(event.target.tagName)) return;
    const binary = state.kind === "binary";
    const keys = {
      ArrowLeft: () => step(-1), ArrowRight: () => step(1), Home: () => goto(0), End: () => $("last").click(),
      a: () => $("accept").click(), r: () => $("to-table").click(), c: () => $("configure").click(),
      ...(binary ? {f: () => $("flip").click(), y: () => $("say-yes").click(), n: () => $("say-no").click()} : {}),
    };
    const rating = state.kind === "likert" && /^[1-5]$/.test(event.key) ? Number(event.key) : null;
    if (rating !== null) { decisions[state.batch[index].item_id] = rating; save(); renderItem(); }
    else if (keys[event.key]) keys[event.key]();
    else return;
    event.preventDefault();
  });
  $("shortcuts").textContent = "keys: ← → previous / next · Home / End first / last · a accept · " +
    "f flip · y / n Yes / No (Yes/No labels) · 1-5 rating (1-5 labels) · r Review and Submit · c Change configuration";
  try { load(await api(`/api/labelings/${labelingId}`)); } catch (error) { showError(error); }
}

if (document.body.dataset.page === "library") libraryPage();
else if (document.body.dataset.page === "label") labelPage();
