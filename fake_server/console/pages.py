"""The console's pages: the realm's users and clients, a user's objects and
computations, one computation with its key figures and plots, the journal, the faults.

Every page is a plain GET that changes nothing; the forms that add or remove a fault or
reset the fake send JSON to the admin API with the page's script, so they pass the same
checks as any admin call (:meth:`fake_server.app.FakeSpacestudioApp._guard_admin`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from werkzeug.wrappers import Request, Response

from fake_server.answers import ApiError
from fake_server.config import ServerConfig
from fake_server.console.markup import (
    ASSETS,
    CONSOLE,
    SCRIPT,
    STYLESHEET,
    Html,
    link,
    page,
    path_of,
    secured,
    table,
    text,
)
from fake_server.console.plots import ephemerides_plots
from fake_server.faults import FAULT_KINDS, FaultInjector
from fake_server.gridfs_files import ephemerides_csv, has_table
from fake_server.inventory import HeldObject, user_objects
from fake_server.journal import JournalEntry, RequestJournal, journal_query
from fake_server.lifecycle import Computations
from fake_server.oidc import Account, IdentityProvider
from fake_server.oidc.realm_file import client_representation
from fake_server.routes import USER_PREFIX
from fake_server.store import ObjectStore
from spacestudio_contract.catalog import GRIDFS_SEGMENT

#: The cookie that carries the admin token for a browser, set by ``?token=…``.
TOKEN_COOKIE = "fake_admin_token"
#: Results' fields shown as key figures: numbers, texts and flags at the top level.
_FIGURE_TYPES = (int, float, str, bool)
_MAX_FIGURES = 40


@dataclass
class Console:
    """The handlers of the console's routes, over the server's state."""

    config: ServerConfig
    store: ObjectStore
    idp: IdentityProvider
    faults: FaultInjector
    journal: RequestJournal
    computations: Computations

    # -- users ---------------------------------------------------------------------

    def console_root(self, request: Request) -> Response:
        """``/``: a browser opening the server's address lands on the console."""
        return _see(CONSOLE)

    def console_home(self, request: Request) -> Response:
        token = request.args.get("token")
        if token is not None and self.config.admin_token is not None:
            # The guard has checked it; keep it in a cookie, out of the address bar.
            response = _see(CONSOLE)
            response.set_cookie(
                TOKEN_COOKIE, token, httponly=True, samesite="Strict", path="/__admin/"
            )
            return response
        users = table(
            ("User", "E-mail", "Enabled", "Scripting", "Origin", "Id"),
            (
                (
                    link(path_of("users", entry.account.login), entry.account.login),
                    entry.account.email,
                    entry.account.enabled,
                    entry.account.scripting,
                    entry.origin,
                    entry.account.user_id,
                )
                for entry in self.idp.state.users()
            ),
        )
        clients = table(
            ("Client", "Public", "Service account", "Origin"),
            (
                (
                    client.client_id,
                    bool(client_representation(client).get("publicClient")),
                    bool(client_representation(client).get("serviceAccountsEnabled")),
                    origin,
                )
                for client, origin in self.idp.state.clients()
            ),
        )
        return page(
            f"Realm {self.idp.realm}",
            Html("<h2>Users</h2>"),
            users,
            Html("<h2>Clients</h2>"),
            clients,
        )

    def console_user(self, request: Request, username: str) -> Response:
        account = self._account(username)
        held = user_objects(self.store, self.computations, account.user_id)
        running = False
        journal = path_of("journal", user=account.user_id)
        parts: list[object] = [
            Html(f'<p class="note">{link(journal, "Their requests in the journal")}</p>')
        ]
        for segment, objects in held.items():
            parts.append(Html(f"<h2>{text(segment)}</h2>"))
            parts.append(
                table(
                    ("Name", "Id", "Refers to", "Computation"),
                    (self._object_row(username, obj) for obj in objects),
                    "objects",
                )
            )
            running = running or any(
                obj.computation is not None and obj.computation["status"] in ("PENDING", "RUNNING")
                for obj in objects
            )
        if not held:
            parts.append(Html('<p class="note">No objects yet.</p>'))
        return page(f"Objects of {username}", *parts, refresh=running)

    def _object_row(self, username: str, obj: HeldObject) -> tuple[object, ...]:
        references = Html(
            "<br>".join(
                f"{text(ref.field)} → "
                + link(f"#{ref.id}", f"{ref.name or ref.id} ({ref.segment})")
                for ref in obj.references
            )
        )
        computation: object = ""
        if obj.computation is not None:
            c = obj.computation
            state = f"{c['status']} {c['progress']:.0f}% since {c['creationDate']}"
            if c["endDate"]:
                state += f", ended {c['endDate']}"
            computation = link(path_of("users", username, "computations", c["id"]), state)
        name = Html(f'<span id="{text(obj.id)}">{text(obj.name)}</span>')
        return (name, obj.id, references, computation)

    def console_computation(self, request: Request, username: str, log_id: str) -> Response:
        account = self._account(username)
        log = self.store.get_log(account.user_id, log_id)
        if log is None:
            raise ApiError(404, f"no computation {log_id} of {username}")
        described = self.computations.describe(log)
        summary = table(
            ("Mission", "Kind", "Status", "Progress", "Started", "Ended", "Paused"),
            [
                (
                    f"{log.mission_name} ({log.segment})",
                    log.kind,
                    described["status"],
                    f"{described['progress']:.1f}%",
                    described["creationDate"],
                    described["endDate"],
                    described["paused"],
                )
            ],
        )
        finished = described["status"] in ("FINISHED", "FAILED")
        parts: list[object] = [summary]
        results = described["results"]
        if described["errors"]:
            parts += [Html("<h2>Errors</h2>"), table(("Error",), ([e] for e in log.errors))]
        if isinstance(results, dict):
            figures = [
                (key, value)
                for key, value in results.items()
                if isinstance(value, _FIGURE_TYPES) and not isinstance(value, dict)
            ][:_MAX_FIGURES]
            parts += [Html("<h2>Key figures</h2>"), table(("Field", "Value"), figures)]
            plots = ephemerides_plots(results)
            if plots:
                parts.append(Html('<h2>Ephemerides</h2><div class="plots">'))
                parts += [Html(plot) for plot in plots]
                parts.append(Html("</div>"))
        if finished and log.files:
            api = USER_PREFIX.replace("<user_id>", account.user_id)
            parts.append(Html("<h2>Files</h2>"))
            parts.append(
                table(
                    ("File", "As the API serves it"),
                    (
                        (
                            link(path_of("users", username, "files", name), f"{name}.csv"),
                            f"{api}/{GRIDFS_SEGMENT}/ascsv/{name}",
                        )
                        for name in log.files
                    ),
                )
            )
        return page(f"Computation {log.mission_name}", *parts, refresh=not finished)

    def console_file(self, request: Request, username: str, filename: str) -> Response:
        """A finished computation's ephemerides file, as CSV, the same bytes as the API's."""
        account = self._account(username)
        log = self.computations.finished_file(account.user_id, filename)
        if log is None or log.results is None or not has_table(log.results):
            raise ApiError(404, f"no finished file {filename} of {username}")
        response = Response(b"".join(ephemerides_csv(log.results)), mimetype="text/csv")
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return secured(response)

    def _account(self, username: str) -> Account:
        account = self.idp.account_by_username(username)
        if account is None:
            raise ApiError(404, f"no user {username!r}; {CONSOLE} lists them")
        return account

    # -- journal -------------------------------------------------------------------

    def console_journal(self, request: Request) -> Response:
        try:
            query = journal_query(request.args)
        except ValueError as exc:
            return page("Journal", Html(f'<p class="problem">{text(exc)}</p>'), status=400)
        found = self.journal.page(query)
        filters = {
            "user": query.user,
            "path": query.path,
            "status": request.args.get("status"),
            "limit": query.limit,
        }
        form = Html(
            '<form class="filters" method="get">'
            + "".join(
                f'<label>{name} <input name="{name}" value="{text(value or "")}"></label> '
                for name, value in filters.items()
            )
            + '<button type="submit">Filter</button></form>'
        )
        pages: list[str] = []
        if query.offset > 0:
            back = path_of("journal", **filters, offset=max(0, query.offset - query.limit))
            pages.append(link(back, "← newer"))
        if query.offset + query.limit < found.total:
            pages.append(
                link(path_of("journal", **filters, offset=query.offset + query.limit), "older →")
            )
        shown = (
            f"{query.offset + 1}–{query.offset + len(found.entries)}" if found.entries else "none"
        )
        counts = Html(
            f'<p class="note">{found.total} matching of the last {self.journal.capacity} '
            f"kept; showing {text(shown)}. {' '.join(pages)}</p>"
        )
        rows = (_journal_row(entry) for entry in found.entries)
        columns = ("Time", "Method", "Path", "Query", "Status", "ms", "User", "Fault", "Bodies")
        return page("Journal", form, counts, table(columns, rows, "journal"))

    # -- faults and reset ----------------------------------------------------------

    def console_faults(self, request: Request) -> Response:
        rows = (
            (
                rule.id,
                rule.pattern,
                ", ".join(sorted(rule.methods)) or "every",
                rule.kind,
                rule.status if rule.kind == "status" else rule.seconds,
                rule.share,
                rule.times,
                rule.fired,
                Html(
                    f'<form class="inline" data-api="/__admin/faults/{rule.id}" '
                    'data-method="DELETE"><button type="submit">Remove</button></form>'
                ),
            )
            for rule in self.faults.rules()
        )
        kinds = "".join(
            f"<option{' selected' if kind == 'status' else ''}>{kind}</option>"
            for kind in FAULT_KINDS
        )
        add = Html(
            '<h2>Add a fault</h2><form id="add-fault" data-api="/__admin/faults">'
            '<label>Pattern <input name="pattern" required placeholder="/exoops/*"></label> '
            f'<label>Kind <select name="kind">{kinds}</select></label> '
            '<label>Status <input name="status" placeholder="503"></label> '
            '<label>Seconds <input name="seconds" placeholder="latency"></label> '
            '<label>Times <input name="times" placeholder="every time"></label> '
            '<button type="submit">Add</button></form>'
        )
        reset = Html(
            '<h2>Reset</h2><form id="reset" data-api="/__admin/reset">'
            '<p class="note">Forgets every object, the journal and the faults added at run '
            'time.</p><button type="submit">Reset the fake</button></form>'
        )
        columns = ("Id", "Pattern", "Methods", "Kind", "Status or s", "Share", "Times", "Fired", "")
        return page("Faults", table(columns, rows, "faults"), add, reset)

    # -- assets --------------------------------------------------------------------

    def console_asset(self, request: Request, name: str) -> Response:
        assets = {
            "console.css": (STYLESHEET, "text/css"),
            "console.js": (SCRIPT, "text/javascript"),
        }
        if name not in assets:
            raise ApiError(404, f"no asset {name!r} under {ASSETS}")
        content, mimetype = assets[name]
        return secured(Response(content, mimetype=mimetype))


def _see(location: str) -> Response:
    """A redirect to ``location``, with a link for a client that does not follow it."""
    body = f'<!DOCTYPE html><a href="{text(location)}">{text(location)}</a>'
    response = Response(body, status=303, mimetype="text/html")
    response.headers["Location"] = location
    return secured(response)


def _journal_row(entry: JournalEntry) -> tuple[object, ...]:
    status = "dropped" if entry.status is None else entry.status
    css = f"status-{str(status)[0]}"
    return (
        entry.time,
        entry.method,
        entry.path,
        entry.query,
        Html(f'<span class="{css}">{text(status)}</span>'),
        entry.duration_ms,
        entry.user or "",
        entry.fault or "",
        Html(_body("request", entry.request_body) + _body("response", entry.response_body)),
    )


def _body(label: str, body: str | None) -> str:
    if body is None:
        return ""
    return (
        f"<details><summary>{label} ({len(body)} chars)</summary>"
        f"<pre>{text(_pretty(body))}</pre></details>"
    )


def _pretty(body: str) -> str:
    """A JSON body indented for reading; anything else as it is."""
    try:
        data: Any = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python recurses
        return body
    return json.dumps(data, indent=2, ensure_ascii=False)
