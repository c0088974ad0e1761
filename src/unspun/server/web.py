"""The web page: HTML views over the REST API (issue 17).

Every view is a Jinja2 template (autoescaped) that carries no article data of its own beyond
what is in its URL; the page's JavaScript modules (``static/``) read ``/api/...`` and build the
DOM with ``textContent`` only, so no HTML or script from an article is ever parsed. Nothing is
inline (scripts, styles, event handlers): the strict Content-Security-Policy of the app holds.

Mounting it on an app takes two lines (``create_app`` does this)::

    app.include_router(web.router)
    app.mount(web.STATIC_URL, StaticFiles(directory=web.STATIC_DIR), name="static")

Routes: ``/`` (analyse a text or file), ``/articles`` (the corpus: search, filters, paging),
``/articles/{id}`` (one stored article, the same view as ``/``), ``/outlets`` and
``/outlets/{name}`` (an outlet's dashboard; ``?compare=OTHER`` puts a second one beside it),
and two generated files: ``/ui/techniques.json`` (names, definitions and colours of every
technique and frame, from :mod:`unspun.techniques`) and ``/ui/techniques.css`` (one colour
rule per technique, keyed on the ``data-technique`` attribute of a highlight).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from unspun.render import span_languages
from unspun.render_whosays import LANGUAGE_NOTE, WHOSAYS_LANGUAGES
from unspun.techniques import FRAME_INFO, FRAMES, GENRE_INFO, PTC14, SEMEVAL23, Technique
from unspun.version import __version__

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
TEMPLATES_DIR = HERE / "templates"
STATIC_URL = "/static"

router = APIRouter(include_in_schema=False)

_env = Environment(
    loader=FileSystemLoader(str(TEMPLATES_DIR)),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_page(template: str, **context: Any) -> HTMLResponse:
    """The HTML of ``template`` (a file in ``templates/``) with ``context``, autoescaped.

    Every page gets ``static`` (the URL prefix of the static files) and ``version``.
    """
    html = _env.get_template(template).render(static=STATIC_URL, version=__version__, **context)
    return HTMLResponse(html, headers={"Cache-Control": "no-cache"})


def _technique_record(t: Technique, taxonomy: str, taxonomies: list[str]) -> dict[str, Any]:
    return {
        "label": t.label,
        "name": t.name,
        "definition": t.definition,
        "example": t.example,
        "colour": t.colour,
        "taxonomy": taxonomy,
        "taxonomies": taxonomies,
    }


@lru_cache(maxsize=1)
def technique_catalogue() -> dict[str, Any]:
    """Every technique (PTC-14 first, then the SemEval-2023 labels not spelled the same; each
    record's ``taxonomies`` names every taxonomy that has its label), every
    frame and genre, as the page reads them: ``{"techniques": [...], "frames": {label: description},
    "frame_names": {label: name}, "genre_names": {id: name}, "span_languages": [code, ...]}``
    (the languages whose paragraphs get technique spans here), ``"whosays_languages"`` and
    ``"whosays_language_note"`` (the languages who-says-what reads, and the text view's sentence
    for a text in another: :func:`unspun.render_whosays.language_note`), the names those the text view
    shows (:func:`unspun.techniques.display_name`): the page had spelt a frame from its id
    ("Legality Constitutionality and jurisprudence", "Security and defense")."""
    seen: set[str] = set()
    techniques = []
    tables = (("ptc14", PTC14), ("semeval2023", SEMEVAL23))
    for taxonomy, table in tables:
        for t in table:
            if t.label not in seen:
                seen.add(t.label)
                # a label both spell alike (Loaded_Language) is listed once, in both taxonomies
                both = [name for name, other in tables if any(o.label == t.label for o in other)]
                techniques.append(_technique_record(t, taxonomy, both))
    return {
        "techniques": techniques,
        "frames": dict(FRAMES),
        "frame_names": {c.id: c.name for c in FRAME_INFO},
        "genre_names": {c.id: c.name for c in GENRE_INFO},
        "span_languages": list(span_languages()),
        "whosays_languages": sorted(WHOSAYS_LANGUAGES),
        "whosays_language_note": LANGUAGE_NOTE,
    }


@lru_cache(maxsize=1)
def technique_css() -> str:
    """One ``--c`` colour rule per technique, for highlights, legend swatches and list items."""
    rules = []
    for t in technique_catalogue()["techniques"]:
        label = json.dumps(t["label"])  # a CSS string: the labels hold commas and hyphens only
        rules.append(
            f"[data-technique={label}],[data-cont={label}],[data-swatch={label}]{{--c:{t['colour']}}}"
        )
    return "\n".join(rules) + "\n"


@router.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
def analyse_page(request: Request) -> HTMLResponse:
    """The Analyse page: paste a text or upload a file, see it highlighted; the language is
    detected unless one of the covered languages is chosen."""
    from unspun.languages import LANGUAGE_NAMES

    return render_page("analyse.html", page="analyse", languages=LANGUAGE_NAMES)


@router.api_route("/articles", methods=["GET", "HEAD"], response_class=HTMLResponse)
def corpus_page(request: Request) -> HTMLResponse:
    """The corpus: full-text search and filters over the stored articles, paged."""
    return render_page("corpus.html", page="corpus")


@router.api_route("/articles/{article_id}", methods=["GET", "HEAD"], response_class=HTMLResponse)
def article_page(request: Request, article_id: str) -> HTMLResponse:
    """One stored article with its analysis and feedback (the Analyse view)."""
    return render_page("article.html", page="article", article_id=article_id)


@router.api_route("/outlets", methods=["GET", "HEAD"], response_class=HTMLResponse)
def outlets_page(request: Request) -> HTMLResponse:
    """Every outlet in the store, with a choice of two to compare."""
    return render_page("outlets.html", page="outlets")


@router.api_route("/outlets/{name:path}", methods=["GET", "HEAD"], response_class=HTMLResponse)
def outlet_page(request: Request, name: str, compare: str | None = None) -> HTMLResponse:
    """An outlet's dashboard; ``?compare=OTHER`` shows a second outlet beside it."""
    return render_page("outlet.html", page="outlets", outlet=name, compare=compare or "")


@router.get("/ui/techniques.json")
def techniques_json() -> Response:
    """The technique catalogue the page's scripts read (see :func:`technique_catalogue`)."""
    body = json.dumps(technique_catalogue(), ensure_ascii=False)
    return Response(body, media_type="application/json", headers={"Cache-Control": "max-age=3600"})


@router.get("/ui/techniques.css")
def techniques_stylesheet() -> Response:
    """The technique colours as a stylesheet (see :func:`technique_css`)."""
    return Response(technique_css(), media_type="text/css", headers={"Cache-Control": "max-age=3600"})
