// A stored article's page (/articles/{id}): the Analyse view over GET /api/articles/{id}.

import { api, notice, say, techniques } from "./app.js";
import { ArticleView } from "./article-view.js";

async function main() {
  const id = document.body.dataset.articleId;
  const load = () => api(`/api/articles/${encodeURIComponent(id)}?corrected=true`);
  const [cat, data] = await Promise.all([techniques(), load()]);
  const view = new ArticleView(cat, { articleId: id, reload: load });
  view.show(data);
  if (location.hash.startsWith("#para-")) document.getElementById(location.hash.slice(1))?.scrollIntoView();
}

main().catch((error) => {
  const main = document.getElementById("main");
  const crumbs = main.querySelector(".crumbs"); // "← Corpus": the way on from an article not there
  notice(main, error.status === 404 ? "There is no such article in the corpus." : `The article could not be loaded: ${error.message}`, "error");
  if (crumbs) main.prepend(crumbs);
  say(error.message, "error");
  document.body.dataset.ready = "error";
});
