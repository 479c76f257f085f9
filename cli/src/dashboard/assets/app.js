// The atomic dashboard: renders /api/state, follows /api/events, calls the typed API.
// Every text from the repository goes in through textContent, never as HTML.
"use strict";

const secret = document.body.dataset.secret;
const q = (path) => `${path}${path.includes("?") ? "&" : "?"}secret=${encodeURIComponent(secret)}`;
const state = { data: null, open: new Set(), diffs: new Map(), openChanges: new Set(), changeDiffs: new Map(), commenting: null, editing: null };

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(node.dataset, v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

async function call(method, params) {
  const response = await fetch(q(`/api/call/${method}`), {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(params),
  });
  const body = await response.json().catch(() => ({ error: { message: response.statusText } }));
  if (body.error) throw new Error(body.error.message + (body.error.hints?.length ? ` (${body.error.hints.join("; ")})` : ""));
  return body.result;
}

function age(seconds) {
  const s = Math.max(0, state.data.now_seconds - seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min`;
  if (s < 86400) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86400)} d`;
}

const short = (id) => (id || "").slice(0, 8);
const branchName = (b) => b.replace(/^refs\/heads\//, "");

// What happened to a symbol, in the words `atomic session status` uses.
function described(s) {
  if (s.change_type === "modified") {
    if (s.signature && s.body) return "signature and body modified";
    return s.signature ? "signature modified" : "body modified";
  }
  if (s.change_type === "renamed") return `renamed from ${s.from}`;
  return s.change_type;
}

function symbolTags(symbols, path) {
  return symbols.map((s) => el("span", { class: "tag mono" }, `${path ? `${path}: ` : ""}${s.scoped_name} (${described(s)})`));
}

function renderConflicts(sessions) {
  const list = document.getElementById("conflict-list");
  const blocks = sessions.filter((s) => s.status.conflicts);
  document.getElementById("conflicts-count").textContent = blocks.length;
  if (!blocks.length) {
    list.replaceChildren(el("p", { class: "muted" }, "No session would conflict if it submitted now."));
    return;
  }
  list.replaceChildren(...blocks.map((s) => {
    const block = s.status.conflicts;
    const symbols = block.conflicting_symbols.map((c) => {
      const by = c.their_change.by;
      return el("div", { class: "symbol", dataset: { symbol: c.symbol } },
        el("h3", {}, el("code", {}, c.symbol), " in ", el("code", {}, c.path)),
        el("p", { class: "muted" }, c.reason.replace(/[^.]$/, "$&."), by ? ` Theirs: “${by.summary}” (${short(by.commit)}${by.agent ? `, by ${by.agent} in ${by.session_id}` : ""}).` : ""),
        el("div", { class: "sides" },
          el("div", { class: "side" }, el("h4", {}, "base"), el("pre", {}, c.base ?? "(absent)")),
          el("div", { class: "side" }, el("h4", {}, `theirs: ${c.their_change.description}`), el("pre", {}, c.theirs ?? "(absent)")),
          el("div", { class: "side" }, el("h4", {}, `yours: ${c.your_change.description}`), el("pre", {}, c.yours ?? "(absent)"))));
    });
    const resolve = (action, extra) => async (event) => {
      const button = event.currentTarget;
      button.disabled = true;
      try {
        await call("session.resolve", { session_id: s.session_id, action, ...extra });
        notice(`Resolved ${s.session_id} with ${action}.`);
        state.editing = null;
        refresh();
      } catch (e) {
        notice(e.message, true);
        button.disabled = false;
      }
    };
    const path = block.conflicting_symbols[0]?.path;
    const editing = state.editing?.session === s.session_id ? state.editing : null;
    const editor = editing
      ? el("div", { class: "editor" },
          el("label", { for: `manual-${s.session_id}` }, `The whole of ${editing.path}, as it should be:`),
          textarea(`manual-${s.session_id}`, editing, 16),
          el("div", { class: "actions" },
            el("button", { class: "primary", onclick: (e) => resolve("manual", { content: { text: editing.text ?? "" } })(e) }, "Save this resolution"),
            el("button", { onclick: () => { state.editing = null; render(); } }, "Cancel")))
      : null;
    return el("article", { class: "card conflict", dataset: { session: s.session_id } },
      el("h3", {}, el("span", { class: "agent" }, s.agent), " ", el("code", {}, s.session_id), el("span", { class: "muted" }, ` on ${branchName(s.branch)}`)),
      el("p", {}, block.message),
      symbols,
      el("div", { class: "actions", role: "group", "aria-label": `Resolve ${s.session_id}` },
        el("button", { id: `proceed-${s.session_id}`, dataset: { action: "proceed" }, onclick: resolve("proceed") }, "Proceed (keep markers)"),
        el("button", { id: `keep_yours-${s.session_id}`, dataset: { action: "keep_yours" }, onclick: resolve("keep_yours") }, "Keep yours"),
        el("button", { id: `keep_theirs-${s.session_id}`, dataset: { action: "keep_theirs" }, onclick: resolve("keep_theirs") }, "Keep theirs"),
        el("button", { id: `manual-open-${s.session_id}`, dataset: { action: "manual" }, onclick: () => openEditor(s.session_id, path) }, "Edit by hand…")),
      editor);
  }));
}

// A text box whose text lives in `holder.text`, so that live re-renders keep it.
function textarea(id, holder, rows) {
  const area = el("textarea", { id, rows: String(rows), oninput: (e) => { holder.text = e.target.value; } });
  area.value = holder.text ?? "";
  return area;
}

async function openEditor(session, path) {
  state.editing = { session, path, text: null };
  render();
  try {
    const file = await call("session.read", { session_id: session, path });
    if (state.editing?.session === session && state.editing.text === null) {
      state.editing.text = file.text ?? "";
      render();
      document.getElementById(`manual-${session}`)?.focus();
    }
  } catch (e) {
    notice(e.message, true);
  }
}

function renderSessions(sessions) {
  document.getElementById("sessions-count").textContent = sessions.length;
  const list = document.getElementById("session-list");
  if (!sessions.length) {
    list.replaceChildren(el("p", { class: "muted" }, "No live sessions. Agents start one with `atomic session new`."));
    return;
  }
  list.replaceChildren(...sessions.map((s) => {
    const st = s.status;
    const symbols = st.files.flatMap((f) => f.symbols);
    const open = state.open.has(s.session_id);
    const warnings = st.conflict_warnings.map((w) => el("span", { class: "tag warn" }, `${w.agent} (${w.session_id}) also changed ${w.symbol}`));
    return el("article", { class: "card", dataset: { session: s.session_id } },
      el("button", { class: "session-row", id: `row-${s.session_id}`, "aria-expanded": String(open), onclick: () => toggle(s.session_id) },
        el("span", {}, el("span", { class: "agent" }, s.agent), el("br"), el("code", { class: "muted" }, s.session_id)),
        el("span", {}, s.intent || el("span", { class: "muted" }, "no intent given")),
        el("span", { class: "mono" }, branchName(s.branch), " @ ", short(s.base_commit)),
        el("span", { class: "muted" }, `${age(s.created_seconds)} old · ${st.files.length} file${st.files.length === 1 ? "" : "s"}, ${symbols.length} symbol${symbols.length === 1 ? "" : "s"}`)),
      el("div", { class: "tags" },
        st.branch_moved ? el("span", { class: "tag" }, "branch moved: submit merges") : null,
        st.conflicts ? el("span", { class: "tag bad" }, "would conflict") : null,
        st.comments.length ? el("span", { class: "tag" }, `${st.comments.length} comment${st.comments.length === 1 ? "" : "s"}`) : null,
        symbolTags(symbols), warnings),
      open ? renderDiff(s) : null);
  }));
}

function renderDiff(s) {
  const files = state.diffs.get(s.session_id);
  if (!files) return el("div", { class: "diff muted" }, "loading the diff…");
  const comments = s.status.comments;
  const out = el("div", { class: "diff" });
  for (const f of files) {
    out.append(el("div", { class: "diff-file mono" }, f.path));
    let line = 0;
    for (const text of f.diff.split("\n")) {
      if (text.startsWith("@@")) {
        const m = /\+(\d+)/.exec(text);
        line = m ? Number(m[1]) : 0;
        out.append(el("div", { class: "diff-line hunk" }, el("span", { class: "ln" }, ""), text));
        continue;
      }
      if (!line || text.startsWith("\\")) continue;
      const kind = text[0];
      if (kind === "-") {
        out.append(el("div", { class: "diff-line del" }, el("span", { class: "ln" }, ""), text));
        continue;
      }
      const number = line++;
      out.append(el("div", {
        class: `diff-line${kind === "+" ? " add" : ""}`, tabindex: "0", role: "button", id: `line-${s.session_id}-${f.path}-${number}`,
        "aria-label": `line ${number} of ${f.path}: comment`,
        dataset: { path: f.path, line: number },
        onclick: () => startComment(s.session_id, f.path, number),
        onkeydown: (e) => { if (e.key === "c" || e.key === "Enter") { e.preventDefault(); startComment(s.session_id, f.path, number); } },
      }, el("span", { class: "ln" }, number), text));
      for (const c of comments.filter((c) => c.path === f.path && c.line === number)) {
        out.append(el("div", { class: "comment", dataset: { comment: c.id } }, el("strong", {}, c.author), `: ${c.text}`));
      }
      const target = state.commenting;
      if (target && target.session === s.session_id && target.path === f.path && target.line === number) {
        const id = `comment-${s.session_id}`;
        out.append(el("div", { class: "comment-form" },
          el("label", { for: id }, `Comment on ${f.path}:${number}`),
          textarea(id, target, 3),
          el("div", { class: "actions" },
            el("button", { class: "primary", id: `comment-save-${s.session_id}`, onclick: () => saveComment(s.session_id, f.path, number) }, "Comment"),
            el("button", { onclick: () => { state.commenting = null; render(); } }, "Cancel"))));
      }
    }
  }
  return out;
}

async function toggle(id) {
  if (state.open.has(id)) state.open.delete(id);
  else {
    state.open.add(id);
    loadDiff(id);
  }
  render();
}

async function loadDiff(id) {
  try {
    const diff = await call("session.diff", { session_id: id });
    state.diffs.set(id, diff.files);
  } catch (e) {
    notice(e.message, true);
  }
  render();
}

function startComment(session, path, line) {
  state.commenting = { session, path, line, text: "" };
  render();
  document.getElementById(`comment-${session}`)?.focus();
}

async function saveComment(session, path, line) {
  const text = state.commenting?.text ?? "";
  try {
    await call("session.comment", { session_id: session, path, line, text });
    state.commenting = null;
    notice(`Commented on ${path}:${line}.`);
    refresh();
  } catch (e) {
    notice(e.message, true);
  }
}

function renderChanges(changes) {
  document.getElementById("change-list").replaceChildren(...changes.map((c) => {
    const trailers = c.message.split("\n").filter((l) => /^[A-Za-z][A-Za-z0-9-]*: /.test(l));
    const who = c.origin.kind === "session" ? `${c.origin.agent} in ${c.origin.session_id}` : c.author.name;
    const open = state.openChanges.has(c.change_id);
    const shown = state.changeDiffs.get(c.change_id);
    return el("li", { dataset: { change: c.change_id } },
      el("button", { class: "change-row", id: `change-${c.change_id}`, "aria-expanded": String(open), onclick: () => toggleChange(c.change_id) },
        el("code", { title: `change ${c.change_id}` }, short(c.commit)), " ", el("strong", {}, c.message.split("\n")[0]),
        el("span", { class: "muted" }, ` by ${who}`)),
      el("div", { class: "tags" },
        c.symbols.flatMap((f) => symbolTags(f.symbols, f.path)),
        trailers.map((t) => el("span", { class: "tag" }, t))),
      open ? el("pre", { class: "change-diff" }, shown ?? "loading the diff…") : null);
  }));
}

async function toggleChange(id) {
  if (state.openChanges.has(id)) state.openChanges.delete(id);
  else {
    state.openChanges.add(id);
    if (!state.changeDiffs.has(id)) {
      try {
        const view = await call("show", { revision: id, context: 3 });
        state.changeDiffs.set(id, view.files.map((f) => f.diff ?? "").join(""));
      } catch (e) {
        notice(e.message, true);
      }
    }
  }
  render();
}

function render() {
  const data = state.data;
  if (!data) return;
  // Live updates rebuild the page: keep the focus (and a text box's cursor) where it was.
  const active = document.activeElement;
  const focusId = active?.id || null;
  const cursor = active?.tagName === "TEXTAREA" ? [active.selectionStart, active.selectionEnd] : null;
  document.getElementById("root").textContent = data.root;
  renderConflicts(data.sessions);
  renderSessions(data.sessions);
  renderChanges(data.changes);
  document.body.dataset.generation = data.generation;
  const again = focusId && document.getElementById(focusId);
  if (again && again !== document.activeElement) {
    again.focus();
    if (cursor) again.setSelectionRange(cursor[0], cursor[1]);
  }
}

let pending = null;
let loading = false;
async function refresh() {
  if (loading) { pending = pending || setTimeout(() => { pending = null; refresh(); }, 100); return; }
  loading = true;
  try {
    const response = await fetch(q("/api/state"));
    const data = await response.json();
    if (data.error) throw new Error(data.error.message);
    // Rebuild the page only when something shown changed.
    const key = JSON.stringify([data.sessions, data.changes]);
    if (key !== state.key) {
      state.key = key;
      state.data = data;
      for (const id of state.open) loadDiff(id);
      render();
    }
    if (!window.atomicReady) {
      window.atomicReady = performance.now();
      document.body.dataset.ready = "true";
    }
  } catch (e) {
    notice(`Cannot read the state: ${e.message}`, true);
  } finally {
    loading = false;
  }
}

function notice(text, bad) {
  const live = document.getElementById("live");
  live.textContent = text;
  live.classList.toggle("error", !!bad);
}

function follow() {
  const source = new EventSource(q("/api/events"));
  const live = document.getElementById("live");
  source.onopen = () => { live.className = "live on"; live.textContent = "live"; };
  source.addEventListener("changed", () => refresh());
  source.addEventListener("symbol", () => refresh());
  source.onerror = () => {
    live.className = "live off";
    live.textContent = "disconnected: retrying (a new server has a new address: run `atomic dashboard`)";
  };
}

document.addEventListener("keydown", (e) => {
  if (e.key === "r" && !["TEXTAREA", "INPUT"].includes(document.activeElement?.tagName)) refresh();
});

refresh();
follow();
