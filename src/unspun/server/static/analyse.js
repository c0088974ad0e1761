// The Analyse page: paste or open a text, POST /api/analyze, show the view in place.
// A stored analysis also gets its own address (/articles/{id}), so a reload keeps it.

import { api, say, techniques } from "./app.js";
import { ArticleView } from "./article-view.js";

const $ = (id) => document.getElementById(id);

// The text of the file last opened, as the server decoded it. A textarea turns CRLF and CR line
// ends into LF, so the file is sent as it was read (not as shown) while the text is unedited: its
// offsets and its stored id are then those unspun analyze and unspun ingest give the same file.
let opened = null;

function articleText() {
  const shown = $("in-text").value;
  return opened !== null && shown === opened.replace(/\r\n?/g, "\n") ? opened : shown;
}

// The server decodes the file by the CLI's rule (UTF-8, UTF-16 with a BOM, a detected legacy
// encoding such as Windows-1252): the browser's file.text() would read only UTF-8, with U+FFFD.
async function readFile(file) {
  try {
    const data = await api("/api/read", { method: "POST", body: file });
    $("in-text").value = data.text;
    opened = data.text;
    // A .md file is read as Markdown, as unspun analyze reads it, even when it opens with prose
    // (only front matter or a # heading tells Markdown from the text alone).
    $("in-markdown").checked = !data.html && /\.(md|markdown)$/i.test(file.name);
    say(`Read ${file.name} (${data.encoding}${$("in-markdown").checked ? ", Markdown" : ""}).`);
  } catch (error) {
    say(`${file.name} could not be read: ${error.message}`, "error");
  }
}

async function analyse(view) {
  const text = articleText();
  if (!text.trim()) {
    say("Paste an article or open a file first.", "error");
    return;
  }
  const body = { text, store: $("in-store").checked };
  if ($("in-markdown").checked) body.markdown = true;
  const fields = [["title", "in-title"], ["url", "in-url"], ["outlet", "in-outlet"], ["published", "in-published"], ["lang", "in-lang"]];
  for (const [field, id] of fields) {
    const value = $(id).value.trim();
    if (value) body[field] = value;
  }
  const button = $("analyse-button");
  button.disabled = true;
  button.textContent = "Analysing…";
  $("analyse-form").setAttribute("aria-busy", "true");
  document.body.dataset.ready = "false";
  try {
    const data = await api("/api/analyze", { json: body });
    const id = data.article_id ?? null;
    view.articleId = id;
    if (id !== null) view.reload = () => api(`/api/articles/${encodeURIComponent(id)}?corrected=true`);
    view.show(data);
    if (id !== null) history.pushState({}, "", `/articles/${encodeURIComponent(id)}`);
    $("view").scrollIntoView({ block: "start" });
    const n = (data.spans || []).length;
    say(`Analysed: ${n} span${n === 1 ? "" : "s"} found${id !== null ? ", kept in the corpus" : ""}.`);
  } catch (error) {
    say(`The analysis failed: ${error.message}`, "error");
  } finally {
    $("analyse-form").removeAttribute("aria-busy");
    button.disabled = false;
    button.textContent = "Analyse";
  }
}

async function main() {
  const cat = await techniques();
  const view = new ArticleView(cat);
  $("in-file").addEventListener("change", (event) => {
    const file = event.target.files[0];
    if (file) readFile(file);
  });
  $("analyse-form").addEventListener("submit", (event) => {
    event.preventDefault();
    analyse(view);
  });
  window.addEventListener("popstate", () => location.reload());
  document.body.dataset.ready = "true";
}

main().catch((error) => say(error.message, "error"));
