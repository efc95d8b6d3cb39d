// The research page: a thin client of the JSON API served beside it.
//
// Every text that comes from the corpus is put in the page as text (DOM
// nodes built here, textContent, attributes), never parsed as HTML.  The
// address bar holds the whole state (q, view, filters, page, sort), so a
// search can be bookmarked, shared and walked back and forth.
"use strict";

const PAGE_SIZE = 10;
const SNIPPET = 320;  // characters of a paragraph shown before "Whole paragraph"
const KWIC_LINES = 500;
const FILTERS = ["lang", "doc", "part", "exact", "translate"];
const $ = (id) => document.getElementById(id);
let offered = {};  // endpoint path → Set of the parameters it takes (from /openapi.json)
let asked = 0;  // the latest request; answers to older ones are dropped

// -- building the page ---------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

// The part of ``text`` in [from, to) with the matched words in <mark>.
function highlighted(text, matches, from = 0, to = text.length) {
  const out = document.createDocumentFragment();
  let at = from;
  for (const [start, end] of matches) {
    if (end <= from || start >= to) continue;
    out.append(text.slice(at, Math.max(at, start)), el("mark", {}, text.slice(Math.max(at, start), Math.min(end, to))));
    at = Math.min(end, to);
  }
  out.append(text.slice(at, to));
  return out;
}

// A window of about SNIPPET characters around the first match, cut at spaces.
function snippetBounds(text, matches) {
  if (text.length <= SNIPPET) return [0, text.length];
  const first = matches.length ? matches[0][0] : 0;
  let from = Math.max(0, Math.min(first - 80, text.length - SNIPPET));
  if (from > 0) from = text.indexOf(" ", from) + 1 || from;
  let to = Math.min(text.length, from + SNIPPET);
  if (to < text.length) to = text.lastIndexOf(" ", to) > from ? text.lastIndexOf(" ", to) : to;
  return [from, to];
}

function paragraphText(hit, whole) {
  const [from, to] = whole ? [0, hit.text.length] : snippetBounds(hit.text, hit.matches);
  return el("p", {class: "text"}, from > 0 ? "…" : null, highlighted(hit.text, hit.matches, from, to),
            to < hit.text.length ? "…" : null);
}

function citationOf(hit) {
  return !hit.title || hit.citation.startsWith(hit.title) ? hit.citation : `${hit.citation} (${hit.title})`;
}

async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = el("textarea", {class: "offscreen"}, text);
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
}

function hitView(hit) {
  let whole = false;
  const cut = snippetBounds(hit.text, hit.matches).join() !== [0, hit.text.length].join();
  const body = paragraphText(hit, false);
  const toggle = el("button", {type: "button", class: "whole"}, "Whole paragraph");
  toggle.addEventListener("click", () => {
    whole = !whole;
    article.querySelector(".text").replaceWith(paragraphText(hit, whole));
    toggle.textContent = whole ? "Snippet" : "Whole paragraph";
  });
  const copy = el("button", {type: "button", class: "copy"}, "Copy citation");
  copy.addEventListener("click", async () => {
    await copyText(citationOf(hit));
    copy.textContent = "Copied";
    setTimeout(() => { copy.textContent = "Copy citation"; }, 1500);
  });
  const article = el("article", {class: "hit", "data-id": hit.id},
    el("header", {},
      el("span", {class: "rank"}, `${hit.rank}.`), " ",
      el("cite", {class: "citation"}, hit.citation || hit.id), " ",
      el("span", {class: "lang", title: "language"}, hit.lang), " ",
      el("span", {class: "doc", title: hit.title}, hit.doc), " ",
      ...(hit.how || []).filter((how) => how !== "literal").map((how) =>
        el("span", {class: "how", title: "how it matched"}, how)), " ",
      el("span", {class: "score", title: "score"}, hit.score.toFixed(2))),
    body,
    el("div", {class: "actions"}, cut ? toggle : null, copy));
  return article;
}

function table(head, rows, attrs = {}) {
  return el("table", attrs, el("thead", {}, el("tr", {}, ...head.map((h) => el("th", {}, h)))),
            el("tbody", {}, ...rows.map((cells) => el("tr", {}, ...cells.map((c) => el("td", {}, c))))));
}

// ``label`` cut in the middle to ``most`` characters: a citation's start
// names the instrument and its end the article.
function shortened(label, most) {
  if (label.length <= most) return label;
  const half = Math.floor((most - 1) / 2);
  return `${label.slice(0, half)}…${label.slice(label.length - (most - 1 - half))}`;
}

// Horizontal bars, one per [label, count], drawn as SVG by this page.
function barChart(title, pairs) {
  const row = 22, labelWidth = 320, barWidth = 360;
  const most = Math.max(1, ...pairs.map(([, n]) => n));
  const chart = svg("svg", {class: "chart", role: "img", width: labelWidth + barWidth + 60,
                            height: row * pairs.length + 4, "aria-label": title});
  pairs.forEach(([label, count], i) => {
    const y = i * row + 2, width = Math.max(1, Math.round(barWidth * count / most));
    const bar = svg("g", {class: "bar"},
      svg("title", {}, `${label}: ${count}`),
      svg("text", {x: labelWidth - 8, y: y + 15, "text-anchor": "end"}, shortened(label, 44)),
      svg("rect", {x: labelWidth, y: y + 3, width, height: row - 6}),
      svg("text", {x: labelWidth + width + 6, y: y + 15, class: "count"}, String(count)));
    chart.append(bar);
  });
  return el("figure", {}, el("figcaption", {}, title), chart);
}

// -- the views -------------------------------------------------------------------

const VIEWS = {
  hits: {
    path: "/api/search",
    params: (s) => ({q: s.q, limit: PAGE_SIZE, offset: (s.page - 1) * PAGE_SIZE}),
    render(data, s) {
      const shown = data.hits.length;
      const first = data.offset + 1;
      setStatus(!data.total ? `No paragraphs match ${s.q}`
                : shown ? `${first}–${data.offset + shown} of ${data.total} matching paragraphs · ${data.took_ms} ms`
                : `Page ${s.page} is past the last one: ${data.total} paragraphs match`);
      showPager(s, data.total);
      // A suggestion is offered as a link to its own search, never run by itself.
      const meant = (data.suggestions || []).map((text) => el("p", {class: "suggestion"}, "Did you mean ",
        el("a", {href: address({...s, q: text, page: 1}), onclick: (event) => { event.preventDefault();
                                                                              go({...s, q: text, page: 1}); }}, text), "?"));
      return el("div", {class: "hits"}, ...meant, ...(data.notes || []).map((note) => el("p", {class: "note"}, note)),
                ...data.hits.map(hitView));
    },
  },
  kwic: {
    path: "/api/kwic",
    params: (s) => ({q: s.q, sort: s.sort, limit: KWIC_LINES}),
    render(data, s) {
      setStatus(`${data.total} occurrences${data.total > data.lines.length ? `, the first ${data.lines.length} shown` : ""}`);
      const sorter = (key, label) => el("button", {type: "button", class: "sort", "data-sort": key,
        "aria-pressed": String(s.sort === key), onclick: () => go({...s, sort: key})}, label);
      const rows = data.lines.map((l) => [el("span", {}, l.left), el("mark", {}, l.form), l.right, l.citation]);
      return el("div", {class: "kwic"},
        el("p", {class: "sorts"}, "Sort by ", sorter("doc", "document"), sorter("left", "left context"),
           sorter("right", "right context"), sorter("form", "form")),
        table([sorter("left", "Left"), sorter("form", "Form"), sorter("right", "Right"), "Citation"], rows,
              {class: "kwic-lines"}));
    },
  },
  stats: {
    path: "/api/stats",
    params: (s) => ({q: s.q, top: 15}),
    render(data) {
      setStatus(`${data.term}: ${data.total} occurrences in ${data.paragraphs} paragraphs`);
      return el("div", {class: "stats"},
        el("h2", {}, "Forms"),
        table(["Form", "Count"], data.forms.map((f) => [f.form, String(f.count)]), {class: "forms"}),
        barChart("Occurrences per document", data.docs.map((d) => [d.doc, d.count])),
        barChart("Occurrences per article", data.articles.map((a) => [a.article, a.count])));
    },
  },
  explain: {
    path: "/api/explain",
    params: (s) => ({q: s.q, limit: 5}),
    render(data) {
      setStatus(data.tiered ? "Ranked by tier (items matched in any words or through the article's title, then "
                              + "in the text, then not a bare heading, then in the query's own words, exact form, "
                              + "most likely reading), then relevance = BM25F + proximity"
                            : "Ranked by relevance (alternatives joined by OR have no tiers)");
      const lemmas = (w, lang) => `${w.lemmas[lang].lemmas.join(", ")} (${w.lemmas[lang].known ? "dictionary" : "predicted"})`;
      return el("div", {class: "explain"},
        el("dl", {}, el("dt", {}, "Parsed"), el("dd", {}, el("code", {}, data.tree)),
           el("dt", {}, "Searched"), el("dd", {}, el("code", {}, data.compiled))),
        table(["Word", "Forms", "Ukrainian lemmas", "Russian lemmas"],
              data.words.map((w) => [w.word, w.forms.join(", "), lemmas(w, "uk"), lemmas(w, "ru")])),
        table(["Item", "Also searched", "As", "From"],
              (data.expansions || []).map((e) => [e.item, e.text, e.kind, [e.lang, e.source].filter(Boolean).join(", ")]),
              {class: "expansions"}),
        table(["#", "Citation", "Score", "Tier", "Matched", "Exact", "Likely", "BM25F", "Proximity", "Terms"],
              data.hits.map((h) => [String(h.rank), h.citation, h.score.toFixed(4), String(h.tier),
                                    String(h.items_matched), String(h.items_exact), String(h.items_likely),
                                    String(h.bm25f), String(h.proximity),
                                    h.terms.map(([field, term]) => `${field}:${term}`).join(" ")])));
    },
  },
};

async function landing() {
  const [info, terms] = await Promise.all([api("/api/info", {}), api("/api/terms", {top: 40})]);
  setStatus(`${info.paragraphs} paragraphs in ${Object.keys(info.docs).length} documents`);
  const word = (t) => el("button", {type: "button", class: "term", title: `${t.count} times`,
                                    onclick: () => go({...readControls(), q: t.lemma, page: 1})}, t.lemma);
  return el("div", {class: "landing"}, el("h2", {}, "Frequent words"),
            el("p", {class: "terms"}, ...terms.terms.map(word)));
}

// -- talking to the API ------------------------------------------------------------

async function api(path, params) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === "" || value === false || value === undefined) continue;
    if (offered[path] && !offered[path].has(name)) continue;  // a filter this server does not have
    query.set(name, value);
  }
  const response = await fetch(`${path}?${query}`, {headers: {Accept: "application/json"}});
  let data;
  try { data = await response.json(); } catch { throw new Error(`${response.status} ${response.statusText}`); }
  if (!response.ok) throw new Error(data.error || `${response.status} ${response.statusText}`);
  return data;
}

async function loadDescription() {
  try {
    const description = await (await fetch("/openapi.json")).json();
    for (const [path, ops] of Object.entries(description.paths)) {
      const op = ops.get || ops.post;
      offered[path] = new Set(op.parameters.map((p) => p.name));
    }
  } catch { offered = {}; }
  $("part-filter").hidden = !(offered["/api/search"] && offered["/api/search"].has("part"));
  try {
    const info = await api("/api/info", {});
    for (const doc of Object.keys(info.docs).sort()) $("doc").append(el("option", {value: doc}, doc));
    for (const part of Object.keys(info.parts || {}).filter(Boolean).sort()) $("parts").append(el("option", {value: part}));
  } catch { /* no index yet: the search says so */ }
}

// -- state: controls ↔ address bar -------------------------------------------------

function readControls() {
  const current = readAddress();
  return {q: $("q").value.trim(), view: current.view, lang: $("lang").value, doc: $("doc").value,
          part: $("part").value.trim(), exact: $("exact").checked, translate: $("translate").checked, page: 1,
          sort: current.sort};
}

function readAddress() {
  const p = new URLSearchParams(location.search);
  const page = parseInt(p.get("page") || "1", 10);
  return {q: p.get("q") || "", view: VIEWS[p.get("view")] ? p.get("view") : "hits", lang: p.get("lang") || "",
          doc: p.get("doc") || "", part: p.get("part") || "", exact: p.get("exact") === "1",
          translate: p.get("translate") !== "0",
          page: page > 0 ? page : 1, sort: p.get("sort") || "doc"};
}

function writeControls(s) {
  $("q").value = s.q;
  $("lang").value = s.lang;
  if (s.doc && ![...$("doc").options].some((o) => o.value === s.doc)) $("doc").append(el("option", {value: s.doc}, s.doc));
  $("doc").value = s.doc;
  $("part").value = s.part;
  $("exact").checked = s.exact;
  $("translate").checked = s.translate;
  for (const button of document.querySelectorAll("#views button")) {
    button.setAttribute("aria-pressed", String(button.dataset.view === s.view));
  }
}

function address(s) {
  const p = new URLSearchParams();
  if (s.q) p.set("q", s.q);
  if (s.view !== "hits") p.set("view", s.view);
  for (const name of ["lang", "doc", "part"]) if (s[name]) p.set(name, s[name]);
  if (s.exact) p.set("exact", "1");
  if (!s.translate) p.set("translate", "0");
  if (s.page > 1) p.set("page", String(s.page));
  if (s.view === "kwic" && s.sort !== "doc") p.set("sort", s.sort);
  return `${location.pathname}${p.toString() ? "?" + p : ""}`;
}

function go(s) {
  if (address(s) !== location.pathname + location.search) history.pushState(null, "", address(s));
  show(s);
}

// -- showing a state -------------------------------------------------------------------

function setStatus(text) { $("status").textContent = text; }

function showError(message) {
  $("error").textContent = message.split("\n")[0];
  $("error").hidden = false;
}

function showPager(s, total) {
  const pages = Math.ceil(total / PAGE_SIZE);
  $("pager").hidden = pages <= 1;
  $("page-info").textContent = `page ${s.page} of ${pages}`;
  $("prev").disabled = s.page <= 1;
  $("next").disabled = s.page >= pages;
}

async function show(s) {
  const mine = ++asked;
  writeControls(s);
  document.title = s.q ? `${s.q} · search` : "search";
  $("error").hidden = true;
  $("pager").hidden = true;
  setStatus(s.q ? "Searching…" : "");
  document.body.dataset.state = "loading";
  let content;
  try {
    if (!s.q) {
      content = await landing();
    } else {
      const view = VIEWS[s.view];
      // translate is on unless turned off, so only "false" is ever sent.
      const filters = Object.fromEntries(FILTERS.map((name) => [name, name === "translate" ? (s.translate ? "" : "false") : s[name]]));
      const data = await api(view.path, {...view.params(s), ...filters});
      if (mine !== asked) return;
      content = view.render(data, s);
    }
  } catch (error) {
    if (mine !== asked) return;
    $("results").replaceChildren();
    setStatus("");
    showError(error.message);
    document.body.dataset.state = "error";
    return;
  }
  if (mine !== asked) return;
  $("results").replaceChildren(content);
  document.body.dataset.state = "done";
}

// -- wiring ------------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", async () => {
  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    go(readControls());
  });
  for (const name of ["lang", "doc", "part", "exact", "translate"]) {
    $(name).addEventListener("change", () => { const s = readControls(); if (s.q) go(s); });
  }
  for (const button of document.querySelectorAll("#views button")) {
    button.addEventListener("click", () => go({...readControls(), view: button.dataset.view}));
  }
  $("prev").addEventListener("click", () => { const s = readAddress(); go({...s, page: s.page - 1}); });
  $("next").addEventListener("click", () => { const s = readAddress(); go({...s, page: s.page + 1}); });
  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest("input, select, textarea");
    if (event.key === "/" && !typing && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      $("q").focus();
      $("q").select();
    }
  });
  window.addEventListener("popstate", () => show(readAddress()));
  await loadDescription();
  show(readAddress());
});
