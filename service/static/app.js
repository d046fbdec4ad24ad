// The framing page. User text is only ever set with textContent, never parsed as HTML.
"use strict";

const COLOURS = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42a5a5",
  "#c0392b", "#bcbd22", "#9a6324", "#808000", "#000075", "#f032e6"];
let state = { frames: [], results: [], text: "", colour: {} };

function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "text") node.textContent = value;
    else if (key === "class") node.className = value;
    else if (key === "style") Object.assign(node.style, value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.appendChild(child);
  return node;
}

function tint(hex, alpha) {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

function headers() {
  const h = { "Content-Type": "application/json" };
  const key = document.getElementById("api-key").value;
  if (key) h.Authorization = "Bearer " + key;
  return h;
}

function setStatus(message, isError = false) {
  const status = document.getElementById("status");
  status.textContent = message;
  status.classList.toggle("error", isError);
}

async function loadFrames() {
  const response = await fetch("/v1/frames", { headers: headers() });
  if (response.status === 401) {
    document.getElementById("key-label").classList.remove("hidden");
    throw new Error("This server needs an API key: enter it and try again.");
  }
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ? body.error.message : response.statusText);
  state.frames = body.frames;
  state.frames.forEach((frame, i) => { state.colour[frame.id] = COLOURS[i % COLOURS.length]; });
}

async function analyse() {
  const text = document.getElementById("article").value;
  if (!text.trim()) { setStatus("Paste some text first.", true); return; }
  const button = document.getElementById("analyse");
  button.disabled = true;
  setStatus("Analysing…");
  try {
    if (!state.frames.length) await loadFrames();
    const payload = { text: text, explain: true };
    const threshold = document.getElementById("threshold").value;
    if (threshold) payload.threshold = Number(threshold);
    const response = await fetch("/v1/tag", { method: "POST", headers: headers(), body: JSON.stringify(payload) });
    const body = await response.json();
    if (response.status === 401) document.getElementById("key-label").classList.remove("hidden");
    if (!response.ok) throw new Error(body.error ? body.error.message : response.statusText);
    state.results = body.results;
    state.text = text;
    render();
    const framed = body.results.filter((r) => r.frames.length).length;
    setStatus(`${body.results.length} sentences, ${framed} with a framing.`);
  } catch (error) {
    setStatus(error.message, true);
  } finally {
    button.disabled = false;
  }
}

function render() {
  document.getElementById("results").classList.remove("hidden");
  renderLegend();
  renderText();
  renderTable();
  document.getElementById("detail").classList.add("hidden");
}

function renderLegend() {
  const legend = document.getElementById("legend");
  legend.replaceChildren();
  for (const frame of state.frames) {
    const count = state.results.filter((r) => r.frames.some((f) => f.id === frame.id)).length;
    const item = el("li", { text: `${frame.name} (${count})`, title: frame.definition,
      "data-frame": frame.id, style: { borderLeftColor: state.colour[frame.id], opacity: count ? 1 : 0.45 } });
    legend.appendChild(item);
  }
}

function renderText() {
  const view = document.getElementById("text-view");
  view.replaceChildren();
  let cursor = 0;
  state.results.forEach((result, index) => {
    if (result.start > cursor) view.appendChild(document.createTextNode(state.text.slice(cursor, result.start)));
    const span = el("span", { class: "sentence", text: state.text.slice(result.start, result.end),
      "data-index": String(index), tabindex: "0" });
    if (result.frames.length) {
      const top = state.colour[result.frames[0].id];
      span.classList.add("framed");
      span.style.background = tint(top, 0.16);
      span.style.borderBottomColor = top;
      span.setAttribute("data-frames", result.frames.map((f) => f.id).join(" "));
      span.title = result.frames.map((f) => `${f.name}: ${f.score.toFixed(2)}`).join("\n");
    }
    span.addEventListener("click", () => showDetail(index));
    span.addEventListener("keydown", (event) => { if (event.key === "Enter") showDetail(index); });
    view.appendChild(span);
    cursor = result.end;
  });
  if (cursor < state.text.length) view.appendChild(document.createTextNode(state.text.slice(cursor)));
}

function chip(frame) {
  return el("span", { class: "chip", text: `${frame.name} ${frame.score.toFixed(2)}`,
    style: { background: tint(state.colour[frame.id], 0.18) } });
}

function renderTable() {
  const body = document.querySelector("#table-view tbody");
  body.replaceChildren();
  state.results.forEach((result, index) => {
    const frames = el("td", {}, result.frames.map(chip));
    const evidence = result.frames.map((f) => `${f.id}: ${f.evidence.join(", ")}`).join("; ");
    body.appendChild(el("tr", {}, [el("td", { text: String(index + 1) }), el("td", { text: result.sentence }),
      frames, el("td", { text: evidence })]));
  });
}

function showDetail(index) {
  const result = state.results[index];
  document.querySelectorAll(".sentence.selected").forEach((n) => n.classList.remove("selected"));
  const span = document.querySelector(`.sentence[data-index="${index}"]`);
  if (span) span.classList.add("selected");
  const detail = document.getElementById("detail");
  detail.replaceChildren(el("p", { text: result.sentence }));
  const hits = new Map(result.frames.map((f) => [f.id, f]));
  for (const frame of state.frames) {
    const score = result.scores[frame.id];
    const hit = hits.get(frame.id);
    const fill = el("div", { class: "fill", style: { width: `${Math.round(score * 100)}%`, background: state.colour[frame.id] } });
    const label = hit && hit.evidence.length ? `${frame.name} — “${hit.evidence.join("”, “")}”` : frame.name;
    detail.appendChild(el("div", { class: "bar" + (hit ? " hit" : "") }, [
      el("span", { text: label }), el("div", { class: "track" }, [fill]), el("span", { text: score.toFixed(2) })]));
  }
  detail.classList.remove("hidden");
}

function csvCell(value) {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function download() {
  const ids = state.frames.map((f) => f.id);
  const rows = [["sentence_index", "start", "end", "sentence", "frames", ...ids.map((i) => "score_" + i)]];
  state.results.forEach((r, index) => rows.push([index, r.start, r.end, r.sentence,
    r.frames.map((f) => f.id).join(";"), ...ids.map((i) => r.scores[i])]));
  const blob = new Blob([rows.map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n"], { type: "text/csv" });
  const link = el("a", { href: URL.createObjectURL(blob), download: "framings.csv" });
  document.body.appendChild(link);
  link.click();
  link.remove();
}

function showView(table) {
  document.getElementById("table-view").classList.toggle("hidden", !table);
  document.getElementById("text-view").classList.toggle("hidden", table);
  document.getElementById("show-table").classList.toggle("active", table);
  document.getElementById("show-text").classList.toggle("active", !table);
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("analyse").addEventListener("click", analyse);
  document.getElementById("download").addEventListener("click", download);
  document.getElementById("show-text").addEventListener("click", () => showView(false));
  document.getElementById("show-table").addEventListener("click", () => showView(true));
});
