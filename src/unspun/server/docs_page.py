"""``/docs``: the API reference as one plain HTML page, rendered on the server from the OpenAPI
document, so that it works offline and under the strict Content-Security-Policy (no script, no
inline style, nothing from a CDN). The machine-readable document is ``/openapi.json``.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

METHODS = ("get", "post", "put", "patch", "delete")
_LITERAL = re.compile(r"``(.+?)``")


def _prose(text: str) -> str:
    """A description as HTML: escaped, its reStructuredText literals (the routes' docstrings
    write ``unspun delete``) as code rather than shown with their backquotes."""
    return _LITERAL.sub(r"<code>\1</code>", escape(text))


def _schema_name(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return str(schema["$ref"]).rsplit("/", 1)[-1]
    if "anyOf" in schema:
        return " | ".join(_schema_name(s) for s in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(repr(v) for v in schema["enum"])
    return str(schema.get("type", "any"))


def _parameters(operation: dict[str, Any]) -> list[str]:
    rows = []
    for p in operation.get("parameters", []):
        schema = p.get("schema", {})
        default = f" (default {escape(repr(schema['default']))})" if "default" in schema else ""
        required = " <strong>required</strong>" if p.get("required") else ""
        rows.append(
            f"<tr><td><code>{escape(p['name'])}</code></td><td>{escape(p.get('in', ''))}</td>"
            f"<td>{escape(_schema_name(schema))}{default}{required}</td>"
            f"<td>{_prose(p.get('description', schema.get('description', '')))}</td></tr>"
        )
    return rows


def _body(operation: dict[str, Any], components: dict[str, Any]) -> str:
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return ""
    name = _schema_name(content.get("schema", {}))
    schema = components.get(name, {})
    required = set(schema.get("required", []))
    rows = [
        f"<tr><td><code>{escape(field)}</code></td><td>{escape(_schema_name(spec))}"
        f"{' <strong>required</strong>' if field in required else ''}</td>"
        f"<td>{_prose(spec.get('description', ''))}</td></tr>"
        for field, spec in schema.get("properties", {}).items()
    ]
    return (
        f"<h4>JSON body ({escape(name)})</h4><table><thead><tr><th>field</th><th>type</th>"
        f"<th>meaning</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def docs_html(openapi: dict[str, Any]) -> str:
    """The HTML page describing every operation of ``openapi`` (an OpenAPI 3 document)."""
    info = openapi.get("info", {})
    components = openapi.get("components", {}).get("schemas", {})
    sections = []
    for path, item in openapi.get("paths", {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            params = _parameters(operation)
            table = (
                "<table><thead><tr><th>parameter</th><th>in</th><th>type</th><th>meaning</th></tr></thead>"
                f"<tbody>{''.join(params)}</tbody></table>"
                if params
                else ""
            )
            statuses = ", ".join(escape(str(code)) for code in operation.get("responses", {}))
            sections.append(
                f"<section><h3><code>{method.upper()} {escape(path)}</code></h3>"
                f"<p>{escape(operation.get('summary', ''))}</p>"
                f"<p>{_prose(operation.get('description', ''))}</p>{table}"
                f"{_body(operation, components)}<p>Statuses: {statuses}</p></section>"
            )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(info.get('title', 'API'))} API</title></head><body><main>"
        f"<h1>{escape(info.get('title', 'API'))} {escape(str(info.get('version', '')))}: REST API</h1>"
        f"<p>{_prose(info.get('description', ''))}</p>"
        '<p>The OpenAPI document: <a href="/openapi.json">/openapi.json</a>. Every error is '
        '<code>{"ok": false, "error": "...", "status": N}</code>.</p>'
        f"{''.join(sections)}</main></body></html>"
    )
