// An outlet's dashboard (/outlets/{name}, ?compare=OTHER): technique rates, genre and frame
// mix, persuasion score distribution and the monthly trend, from GET /api/outlets/{name}/profile.

import { api, el, frameName, genreName, notice, number, percent, say, techniqueName, techniques } from "./app.js";
import { barChart, boxPlot, lineChart } from "./charts.js";

const $ = (id) => document.getElementById(id);
const COLOURS = ["#2f5bea", "#e8590c"];

// What the persuasion figures read as (the article view's persuasionNote says it per article).
const PERSUASION_HINT =
  "Median, quartiles and range over the outlet's articles; an article's score is the share of the annotated news articles (a propaganda-rich set) it is denser in techniques than, 0 where none is found";

function figure(title, chart, note) {
  return el("figure", { class: "card chart-card" }, el("figcaption", {}, el("h2", { text: title }), note ? el("p", { class: "hint", text: note }) : null), chart);
}

function keyFigures(p, colour) {
  const stat = (label, value) => el("div", { class: "stat" }, el("span", { class: "stat-value", text: value }), el("span", { class: "stat-label", text: label }));
  const period = p.first_published ? `${p.first_published} – ${p.last_published}` : "undated";
  const head = el("h2", { class: "outlet-name" }, el("span", { class: "dot", "aria-hidden": "true" }), el("a", { href: `/articles?outlet=${encodeURIComponent(p.outlet)}`, text: p.outlet }));
  head.firstChild.style.background = colour;
  return el(
    "section",
    { class: "card key-figures", "aria-label": `Key figures of ${p.outlet}` },
    head,
    el("p", { class: "muted", text: period }),
    el("div", { class: "stats" },
      stat(p.articles === 1 ? "article" : "articles", number(p.articles)), // not "1 articles"
      stat(p.words === 1 ? "word" : "words", number(p.words)),
      stat("spans per 1,000 words", number(p.words ? (1000 * p.spans) / p.words : 0, 1)),
      stat("median persuasion", percent(p.persuasion && p.persuasion.median)),
      // The author's voice apart from the quoted ones (unspun.pipeline.voice): mean share of
      // characters inside technique spans, "–" where no stored analysis counted it.
      stat("of the author's text in spans", percent(p.voices && p.voices.author_span_share)),
      stat("of quotes in spans", percent(p.voices && p.voices.quoted_span_share)),
    ),
  );
}

function shares(counts, total) {
  const out = {};
  for (const [k, v] of Object.entries(counts || {})) out[k] = total ? (100 * v) / total : 0;
  return out;
}

// What the genre mix counts: since the store counts an uncertain genre apart (OutletProfile
// genres_uncertain), the sure genres alone add up to less than 100%.
const GENRE_HINT = "% of articles; Uncertain: the likeliest genre less likely than the other genres together";
const UNCERTAIN_COLOUR = "#8a8f98";

/** The genre chart's rows: each sure genre's share of the articles, then one "Uncertain" row
 * (every genre under even odds, summed) where any outlet has one. */
function genreRows(cat, profiles, single) {
  const rows = rowsOf(profiles.map((p) => shares(p.genres, p.articles)), (k) => genreName(cat, k), () => undefined);
  const uncertain = profiles.map((p) => Object.values(p.genres_uncertain || {}).reduce((a, b) => a + b, 0));
  if (uncertain.some((n) => n > 0)) {
    const values = uncertain.map((n, i) => (profiles[i].articles ? (100 * n) / profiles[i].articles : 0));
    rows.push({ label: "Uncertain", values, colour: single ? UNCERTAIN_COLOUR : undefined });
  }
  return rows;
}

// Every key of either map by default: the technique chart of an English (PTC-14) and a French
// (SemEval-2023) outlet has more than 14 techniques, and a cut at 14 left some out unsaid.
function rowsOf(maps, name, colourOf, limit = Infinity) {
  const keys = [...new Set(maps.flatMap((m) => Object.keys(m)))];
  keys.sort((a, b) => Math.max(...maps.map((m) => m[b] || 0)) - Math.max(...maps.map((m) => m[a] || 0)));
  return keys.slice(0, limit).map((k) => ({ label: name(k), values: maps.map((m) => m[k] ?? 0), colour: colourOf(k) }));
}

function render(cat, profiles) {
  const dash = $("dash");
  dash.replaceChildren();
  const series = profiles.map((p, i) => ({ name: p.outlet, colour: COLOURS[i] }));
  const single = profiles.length === 1;
  const colourOf = (label) => (single ? (cat.byLabel.get(label) || {}).colour || COLOURS[0] : undefined);
  const names = profiles.map((p) => p.outlet).join(" and ");

  dash.append(el("div", { class: `key-row cols-${profiles.length}` }, profiles.map((p, i) => keyFigures(p, COLOURS[i]))));

  const rates = profiles.map((p) => p.technique_rates || {});
  const rateRows = rowsOf(rates, (k) => techniqueName(cat, k), colourOf);
  dash.append(figure("Technique rates", rateRows.length ? barChart(rateRows, series, { label: `Technique spans per 1,000 words, ${names}`, digits: 2, width: 1180 }) : el("p", { class: "muted", text: "No technique spans." }), "Spans per 1,000 words, by technique"));

  const grid = el("div", { class: "chart-grid" });
  grid.append(figure("Genre mix", barChart(genreRows(cat, profiles, single), series, { label: `Share of articles by genre, ${names}`, digits: 0, unit: "%" }), GENRE_HINT));
  grid.append(figure("Persuasion score", boxPlot(profiles.map((p, i) => ({ name: p.outlet, colour: COLOURS[i], dist: p.persuasion })), { label: `Persuasion score distribution, ${names}` }), PERSUASION_HINT));
  dash.append(grid);
  const frameRows = rowsOf(profiles.map((p) => shares(p.frames, p.articles)), (k) => frameName(cat, k), () => undefined, 14);
  dash.append(figure("Frame mix", barChart(frameRows, series, { label: `Share of articles using each frame, ${names}`, digits: 0, unit: "%", width: 1180 }), "% of articles that use each frame"));

  const trendGrid = el("div", { class: "chart-grid" });
  trendGrid.append(figure("Spans per 1,000 words by month", lineChart(profiles.map((p, i) => ({ name: p.outlet, colour: COLOURS[i], points: (p.trend || []).map((t) => ({ month: t.month, value: t.spans_per_1000_words })) })), { label: `Technique spans per 1,000 words by month, ${names}` })));
  trendGrid.append(figure("Median persuasion by month", lineChart(profiles.map((p, i) => ({ name: p.outlet, colour: COLOURS[i], points: (p.trend || []).map((t) => ({ month: t.month, value: t.persuasion_median === null ? null : 100 * t.persuasion_median })) })), { label: `Median persuasion score by month, ${names}`, digits: 0, unit: "%" })));
  dash.append(trendGrid);
}

function diffClass(d) {
  return d >= 0.005 ? "up" : d <= -0.005 ? "down" : "";
}

function differenceTable(cat, comparison) {
  const rows = Object.entries(comparison.rate_difference || {}).sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
  const { a, b } = comparison;
  return el(
    "section",
    { class: "card" },
    el("h2", { text: "Difference in technique rates" }),
    el("table", { class: "table compact" },
      el("caption", { class: "hint", text: `Spans per 1,000 words: ${a.outlet} minus ${b.outlet}` }),
      el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "Technique" }), el("th", { scope: "col", class: "num", text: a.outlet }), el("th", { scope: "col", class: "num", text: b.outlet }), el("th", { scope: "col", class: "num", text: "Difference" }))),
      el("tbody", {}, rows.map(([t, d]) =>
        el("tr", {},
          el("th", { scope: "row" }, el("span", { class: "dot", dataset: { swatch: t }, "aria-hidden": "true" }), ` ${techniqueName(cat, t)}`),
          el("td", { class: "num", text: number((a.technique_rates || {})[t] ?? 0, 2) }),
          el("td", { class: "num", text: number((b.technique_rates || {})[t] ?? 0, 2) }),
          el("td", { class: `num ${diffClass(d)}`, text: `${diffClass(d) === "up" ? "+" : ""}${number(Math.abs(d) < 0.005 ? 0 : d, 2)}` }),
        ))),
    ),
  );
}

async function main() {
  const name = document.body.dataset.outlet;
  const compare = document.body.dataset.compare;
  const url = `/api/outlets/${encodeURIComponent(name)}/profile${compare ? `?compare=${encodeURIComponent(compare)}` : ""}`;
  const [cat, data, outlets] = await Promise.all([techniques(), api(url), api("/api/outlets").catch(() => ({ outlets: [] }))]);
  // The outlets as stored: the API finds a name in any case and spacing ("quiet gazette"), and
  // the page names what it shows as the corpus does.
  const shown = compare ? [data.a.outlet, data.b.outlet] : [data.outlet];
  nameTitle(shown);
  const select = $("d-compare");
  for (const o of outlets.outlets) if (o.outlet !== shown[0]) select.append(el("option", { value: o.outlet, text: o.outlet }));
  if (compare) select.value = shown[1];
  $("dash-compare").addEventListener("submit", (event) => {
    event.preventDefault();
    const other = select.value;
    location.assign(`/outlets/${encodeURIComponent(shown[0])}${other ? `?compare=${encodeURIComponent(other)}` : ""}`);
  });
  if (compare) {
    render(cat, [data.a, data.b]);
    $("dash").append(differenceTable(cat, data));
  } else {
    render(cat, [data]);
  }
  document.body.dataset.ready = "true";
}

/** The heading and the window's title: the outlets' stored names. */
function nameTitle(names) {
  const title = $("dash-title");
  title.replaceChildren(names[0]);
  if (names.length > 1) title.append(" ", el("span", { class: "vs", text: "vs" }), " ", names[1]);
  document.title = `${names.join(" vs ")} · unspun`;
}

/** The near outlet the API's 404 names ("did you mean 'Quiet Gazette'?"), or null. */
function nearOutlet(message) {
  // Python's repr of the name: in single quotes, or in double quotes when it holds one
  const found = /did you mean (?:'((?:[^'\\]|\\.)+)'|"((?:[^"\\]|\\.)+)")\?/.exec(message || "");
  return found ? (found[1] ?? found[2]).replace(/\\(.)/g, "$1") : null;
}

main().catch((error) => {
  const near = error.status === 404 ? nearOutlet(error.message) : null;
  if (near) {
    $("dash").replaceChildren(el("p", { class: "notice error" }, "There is no such outlet in the corpus. Did you mean ", el("a", { href: `/outlets/${encodeURIComponent(near)}`, text: near }), "?"));
  } else {
    notice($("dash"), error.status === 404 ? "There is no such outlet in the corpus." : `The dashboard could not be loaded: ${error.message}`, "error");
  }
  say(error.message, "error");
  document.body.dataset.ready = "error";
});
