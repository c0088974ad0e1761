// Shared helpers of every page: the API client, the technique catalogue, small DOM builders.
// Article data only ever reaches the DOM through textContent / attributes (see el()).

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

const TOKEN_KEY = "unspun-token";

/**
 * Fetch JSON from the API; throw ApiError with the API's message on any failure.
 * A server that listens beyond loopback needs a bearer token for writes: on a 401 the page
 * asks for it once and keeps it for the browser session (sessionStorage, never in a URL).
 */
export async function api(path, options = {}, retried = false) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const init = { ...options, headers: { Accept: "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}) } };
  if (options.json !== undefined) {
    init.method = init.method || "POST";
    init.body = JSON.stringify(options.json);
    init.headers = { ...init.headers, "Content-Type": "application/json" };
    delete init.json;
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    throw new ApiError(`The server could not be reached (${error.message}).`, 0);
  }
  let body = null;
  const type = response.headers.get("Content-Type") || "";
  if (type.includes("json")) body = await response.json();
  if (response.status === 401 && (init.method || "GET") !== "GET" && !retried) {
    sessionStorage.removeItem(TOKEN_KEY);
    const given = window.prompt("This server needs its access token (UNSPUN_TOKEN) for changes:");
    if (given) {
      sessionStorage.setItem(TOKEN_KEY, given.trim());
      return api(path, options, true);
    }
  }
  if (!response.ok) {
    const message = (body && (body.error || body.detail)) || `${response.status} ${response.statusText}`;
    throw new ApiError(typeof message === "string" ? message : JSON.stringify(message), response.status);
  }
  return body;
}

let catalogue = null;

/** The technique catalogue ({byLabel: Map, techniques: [...], frames: {...}}), fetched once. */
export async function techniques() {
  if (!catalogue) {
    catalogue = api("/ui/techniques.json").then((data) => {
      const byLabel = new Map(data.techniques.map((t) => [t.label, t]));
      return { ...data, byLabel };
    });
  }
  return catalogue;
}

// The taxonomies a span names its technique in (the span's "taxonomy"), as the legend says them.
export const TAXONOMY_NAMES = { ptc14: "PTC-14 (SemEval-2020 Task 11)", semeval2023: "SemEval-2023 Task 3 (23 techniques)" };

/** [label, name] of the techniques of one taxonomy ("ptc14", "semeval2023"), by name: a label
 * both taxonomies spell alike (Loaded_Language) is in both, and no name is said twice (a menu of
 * both taxonomies had said "Flag-waving" twice). */
export function taxonomyTechniques(cat, taxonomy) {
  return cat.techniques
    .filter((t) => (t.taxonomies || [t.taxonomy]).includes(taxonomy))
    .map((t) => [t.label, t.name])
    .sort((a, b) => a[1].localeCompare(b[1], "en"));
}

/** The taxonomy an analysis names its techniques in, as the store reads its feedback
 * (store/feedback.py _taxonomy): its spans' one taxonomy (a French article's are SemEval-2023),
 * else PTC-14 for English and SemEval-2023 for the other languages. */
export function articleTaxonomy(data) {
  const found = new Set((data.spans || []).map((s) => s.taxonomy || "ptc14"));
  if (found.size === 1) return [...found][0];
  return (data.language || "en") === "en" ? "ptc14" : "semeval2023";
}

/** The taxonomy of a span added at code point `at`, as the store reads it (store/feedback.py
 * _taxonomy): in an article with a paragraph in another language, that of the language of the
 * paragraph holding `at` (PTC-14 for English, SemEval-2023 for the others: a German paragraph of
 * an English article); else the article's (articleTaxonomy). */
export function taxonomyAt(data, at) {
  const paragraphs = data.paragraphs || [];
  if (at === null || at === undefined || !paragraphs.some((p) => p.language)) return articleTaxonomy(data);
  const paragraph = paragraphs.find((p) => p.start <= at && at < p.end);
  return ((paragraph && paragraph.language) || data.language || "en") === "en" ? "ptc14" : "semeval2023";
}

/** The display name of a technique label (the label with spaces when unknown). */
export function techniqueName(cat, label) {
  const t = cat.byLabel.get(label);
  return t ? t.name : String(label).replaceAll("_", " ");
}

/** The display name of a frame label, as the text view has it ("Legality, constitutionality and
 * jurisprudence"; the label with spaces when unknown). */
export function frameName(cat, label) {
  return (cat.frame_names || {})[label] || String(label).replaceAll("_", " ");
}

/** The display name of a genre id ("Opinion"; the id when unknown). */
export function genreName(cat, id) {
  return (cat.genre_names || {})[id] || String(id);
}

/**
 * Build an element: el("li", {class: "x", dataset: {a: "1"}}, "text", child).
 * Strings become text nodes; nothing is ever parsed as HTML.
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** Say something to the user (and to screen readers) in the status bar. */
export function say(message, kind = "info") {
  const bar = document.getElementById("status");
  if (!bar) return;
  bar.textContent = message;
  bar.dataset.kind = kind;
  bar.classList.add("shown");
  clearTimeout(say.timer);
  say.timer = setTimeout(() => bar.classList.remove("shown"), kind === "error" ? 8000 : 3500);
}

/** Replace the children of `node` with a notice paragraph. */
export function notice(node, message, kind = "info") {
  node.replaceChildren(el("p", { class: `notice ${kind}`, text: message }));
}

export function percent(value, digits = 0) {
  return value === null || value === undefined ? "–" : `${(value * 100).toFixed(digits)}%`;
}

export function number(value, digits = 0) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  return Number(value).toLocaleString("en", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** "1 span", "3 spans", "1,200 words": a count with its noun, singular for exactly one. */
export function counted(value, noun) {
  return `${number(value)} ${noun}${value === 1 ? "" : "s"}`;
}
