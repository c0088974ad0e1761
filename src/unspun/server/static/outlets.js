// The outlets (/outlets): a table of every outlet and a form to open one or compare two.

import { api, el, notice, number, say } from "./app.js";

const $ = (id) => document.getElementById(id);

async function main() {
  const body = document.querySelector("#outlet-table tbody");
  let data;
  try {
    data = await api("/api/outlets");
  } catch (error) {
    notice(document.getElementById("main"), `The outlets could not be loaded: ${error.message}`, "error");
    return;
  }
  const outlets = data.outlets;
  if (!outlets.length) {
    body.append(el("tr", {}, el("td", { colspan: "2", text: "No outlet yet: store articles that name their outlet." })));
  }
  const head = document.querySelector("#outlet-table thead tr");
  head.append(el("th", { scope: "col", text: "First published" }), el("th", { scope: "col", text: "Last published" }));
  for (const o of outlets) {
    const href = `/outlets/${encodeURIComponent(o.outlet)}`;
    body.append(
      el("tr", {},
        el("th", { scope: "row" }, el("a", { href, text: o.outlet })),
        el("td", { class: "num", text: number(o.articles) }),
        el("td", { text: o.first_published || "–" }),
        el("td", { text: o.last_published || "–" }),
      ),
    );
    $("c-a").append(el("option", { value: o.outlet, text: o.outlet }));
    $("c-b").append(el("option", { value: o.outlet, text: o.outlet }));
  }
  if (outlets.length > 1) $("c-b").value = outlets[1].outlet;
  $("compare-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const a = $("c-a").value;
    const b = $("c-b").value;
    if (!a) return;
    location.assign(`/outlets/${encodeURIComponent(a)}${b && b !== a ? `?compare=${encodeURIComponent(b)}` : ""}`);
  });
  document.body.dataset.ready = "true";
}

main().catch((error) => say(error.message, "error"));
