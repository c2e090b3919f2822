"""The fake server's web console: pages under ``/__admin/console`` for a person debugging
a script or running the team's service (:class:`~fake_server.console.pages.Console`)."""

from __future__ import annotations

from fake_server.console.pages import Console

__all__ = ["Console"]
