"""The console's HTML: the page frame, tables, and its stylesheet and script, every
recorded value escaped on the way in (:func:`text`), under a strict
Content-Security-Policy (:data:`CONTENT_SECURITY_POLICY`): no inline script or style, no
outside asset."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from urllib.parse import quote, urlencode

from werkzeug.wrappers import Response

CONSOLE = "/__admin/console"
ASSETS = f"{CONSOLE}/assets"
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
_NAVIGATION = (
    ("Users", CONSOLE),
    ("Journal", f"{CONSOLE}/journal"),
    ("Faults", f"{CONSOLE}/faults"),
)


class Html(str):
    """Markup already escaped: :func:`text` leaves it as it is."""


def text(value: object) -> Html:
    """``value`` as HTML text: escaped, unless it is markup already."""
    if isinstance(value, Html):
        return value
    return Html(escape("" if value is None else str(value)))


def link(href: str, label: object) -> Html:
    return Html(f'<a href="{escape(href)}">{text(label)}</a>')


def path_of(*segments: str, **query: object) -> str:
    """A console URL: each segment quoted, and a query of the values that are set."""
    path = "/".join([CONSOLE, *(quote(segment, safe="") for segment in segments)])
    kept = {key: value for key, value in query.items() if value not in (None, "")}
    return f"{path}?{urlencode(kept)}" if kept else path


def table(headers: Sequence[str], rows: Iterable[Sequence[object]], css: str = "") -> Html:
    head = "".join(f"<th>{text(header)}</th>" for header in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{text(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return Html(f'<table class="{css}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')


def page(title: str, *parts: object, refresh: bool = False, status: int = 200) -> Response:
    """A whole console page; ``refresh`` has the script reload it while something runs."""
    nav = " ".join(link(href, label) for label, href in _NAVIGATION)
    body = "".join(text(part) for part in parts)
    document = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{text(title)} · spacestudio fake</title>"
        f'<link rel="stylesheet" href="{ASSETS}/console.css">'
        f'<script src="{ASSETS}/console.js" defer></script></head>'
        f'<body data-refresh="{"yes" if refresh else "no"}"><header><strong>spacestudio fake'
        f"</strong> {nav}</header><main><h1>{text(title)}</h1>{body}</main></body></html>"
    )
    return secured(Response(document, status=status, mimetype="text/html"))


def secured(response: Response) -> Response:
    """``response`` with the console's security headers."""
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "no-store"
    return response


STYLESHEET = """
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #222; }
header { background: #16324f; color: #fff; padding: .5em 1em; }
header a { color: #cfe3ff; margin-left: 1em; }
main { padding: 0 1em 2em; }
table { border-collapse: collapse; margin: .5em 0 1em; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; vertical-align: top; }
th { background: #eef2f7; }
td pre { margin: 0; max-width: 60em; max-height: 20em; overflow: auto; white-space: pre-wrap; }
.status-2 { color: #17652b; } .status-4 { color: #9a5b00; } .status-5 { color: #a01c1c; }
.plots { display: flex; flex-wrap: wrap; gap: 1em; }
form.inline { display: inline; }
form.filters input { width: 12em; }
.note { color: #555; }
"""

#: Reloads a page while something runs, and sends the forms that change the fake's
#: state as JSON (``data-api`` names the admin route): a form another site posts cannot
#: be JSON, so the admin routes refuse it.
SCRIPT = """
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  if (document.body.dataset.refresh === "yes") {
    setTimeout(() => location.reload(), 1500);
  }
  for (const form of document.querySelectorAll("form[data-api]")) {
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = {};
      for (const [key, value] of new FormData(form)) {
        if (value === "") continue;
        body[key] = /^-?[0-9.]+$/.test(value) ? Number(value) : value;
      }
      const answer = await fetch(form.dataset.api, {
        method: form.dataset.method || "POST",
        headers: {"Content-Type": "application/json"},
        body: form.dataset.method === "DELETE" ? undefined : JSON.stringify(body),
        credentials: "same-origin",
      });
      if (!answer.ok) {
        const problem = form.querySelector(".problem")
          || form.appendChild(document.createElement("p"));
        problem.className = "problem";
        problem.textContent = (await answer.json()).message || answer.statusText;
        return;
      }
      location.reload();
    });
  }
});
"""
