// The corpus (/articles): the search form and the filters live in the page's URL, so that a
// search, its pages and the back button all work; results come from GET /api/articles.

import { api, counted, el, frameName, genreName, notice, number, percent, say, TAXONOMY_NAMES, taxonomyTechniques, techniqueName, techniques } from "./app.js";

const $ = (id) => document.getElementById(id);
const FILTERS = ["q", "outlet", "date_from", "date_to", "technique", "genre", "frame"];
const PAGE_SIZE = 20;

function fillSelect(select, entries, current) {
  for (const [value, label] of entries) select.append(el("option", { value, text: label }));
  if (current) {
    if (![...select.options].some((o) => o.value === current)) select.append(el("option", { value: current, text: current }));
    select.value = current;
  }
}

/** The result's snippet: the API's (the text's first 200 characters after its title line, which
 * the heading above it shows: unspun.store.queries.snippet), "…" when cut. Null when empty. */
function snippetElement(a) {
  const snippet = a.snippet || "";
  if (!snippet) return null;
  return el("p", { class: "snippet", text: snippet.length >= 200 ? `${snippet.trimEnd()}…` : snippet });
}

function resultItem(cat, a) {
  const techs = Object.entries(a.techniques || {}).sort((x, y) => y[1] - x[1]).slice(0, 4);
  const meta = [a.outlet, a.published, counted(a.words, "word"), a.genre ? genreName(cat, a.genre) : null].filter(Boolean).join(" · ");
  return el(
    "li",
    { class: "result card" },
    el("div", { class: "result-main" },
      el("h2", {}, el("a", { href: `/articles/${encodeURIComponent(a.article_id)}`, text: a.title || "Untitled article" })),
      el("p", { class: "a-meta", text: meta }),
      snippetElement(a),
      el("p", { class: "chips" }, techs.map(([t, n]) => el("span", { class: "chip", dataset: { swatch: t } }, el("span", { class: "dot", "aria-hidden": "true" }), techniqueName(cat, t), el("span", { class: "muted", text: ` ${n}` })))),
    ),
    el("div", { class: "result-score", title: "Persuasion score: the share of the annotated news articles (a propaganda-rich set) this one is denser in techniques than" },
      el("span", { class: "big", text: percent(a.persuasion_score) }),
      el("span", { class: "muted", text: "persuasion" }),
      el("span", { class: "muted", text: counted(a.spans, "span") }),
    ),
  );
}

async function main() {
  const params = new URLSearchParams(location.search);
  // the address's filters the form has no control for (language, min_score, max_score, analysis)
  const extra = [...params].filter(([name, value]) => value && !FILTERS.includes(name) && name !== "next" && name !== "limit");
  const cat = await techniques();
  for (const name of ["q", "date_from", "date_to"]) {
    const input = document.querySelector(`[name="${name}"]`);
    if (params.get(name)) input.value = params.get(name);
  }
  // Both taxonomies, one group each: English articles' spans are PTC-14, the other languages'
  // SemEval-2023 (it offered PTC-14 ids only, so a French article's techniques could not be found).
  const techniqueFilter = $("f-technique");
  for (const [taxonomy, language] of [["ptc14", "English"], ["semeval2023", "other languages"]]) {
    const group = el("optgroup", { label: `${TAXONOMY_NAMES[taxonomy]}: ${language}` });
    techniqueFilter.append(group);
    fillSelect(group, taxonomyTechniques(cat, taxonomy), null);
  }
  fillSelect(techniqueFilter, [], params.get("technique"));
  fillSelect($("f-frame"), Object.keys(cat.frames).map((f) => [f, frameName(cat, f)]), params.get("frame"));
  if (params.get("genre")) $("f-genre").value = params.get("genre");
  const outletsLoaded = api("/api/outlets").then((data) => fillSelect($("f-outlet"), data.outlets.map((o) => [o.outlet, o.outlet]), params.get("outlet")));

  $("search-form").addEventListener("submit", (event) => {
    event.preventDefault();
    // a new search keeps the address's filters the form has no control for (language, ...)
    const next = new URLSearchParams(extra);
    for (const name of FILTERS) {
      const value = document.querySelector(`[name="${name}"]`).value.trim();
      if (value) next.set(name, value);
    }
    location.assign(`/articles${next.toString() ? `?${next}` : ""}`);
  });

  // Every filter of the address goes to the API, those the form has no control for too
  // (language, min_score, max_score, analysis): a bookmarked search is what it says, and a name
  // the API does not take (the CLI's "since") is its one-line 422, said below.
  const query = new URLSearchParams();
  for (const [name, value] of params) if (value) query.set(name, value);
  query.set("limit", params.get("limit") || String(PAGE_SIZE));
  const list = $("results");
  try {
    const [page] = await Promise.all([api(`/api/articles?${query}`), outletsLoaded]);
    list.replaceChildren(...page.articles.map((a) => resultItem(cat, a)));
    const filtered = FILTERS.some((f) => params.get(f)) || extra.length > 0;
    // the filters of the address that the form does not show, said beside the count
    const also = extra.length ? ` (also: ${extra.map(([name, value]) => `${name} ${value}`).join(", ")})` : "";
    $("result-count").textContent = page.total === 0
      ? (filtered ? `No stored article matches${also}.` : "The corpus is empty: analyse an article and keep it, or run `unspun ingest`.")
      : `${number(page.total ?? page.articles.length)} article${page.total === 1 ? "" : "s"}${filtered ? " match" : ""}${also}`;
    if (page.next) {
      const more = new URLSearchParams(params);
      more.set("next", page.next);
      $("page-next").href = `/articles?${more}`;
      $("page-next").hidden = false;
    }
    if (params.get("next")) {
      const first = new URLSearchParams(params);
      first.delete("next");
      $("page-first").href = `/articles${first.toString() ? `?${first}` : ""}`;
      $("page-first").hidden = false;
    }
  } catch (error) {
    notice(list, `The search failed: ${error.message}`, "error");
  }
  document.body.dataset.ready = "true";
}

main().catch((error) => say(error.message, "error"));
