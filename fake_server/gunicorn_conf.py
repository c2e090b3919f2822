"""gunicorn's settings for the fake server as a shared service.

``gunicorn -c python:fake_server.gunicorn_conf -w 2 fake_server.wsgi:application``

The ``SPACESTUDIO_FAKE_*`` settings are checked in gunicorn's master before any worker
forks (:func:`on_starting`): a bad one stops the start at once with its message, said
once, and exit status 2, instead of each worker failing on its own. The options given on
the command line (``-w``, ``-b``, ``--certfile``/``--keyfile`` for HTTPS …) keep their
meaning.
"""

from __future__ import annotations

import sys
from typing import Any

from fake_server.wsgi import ConfigurationError, config_from_environment

#: Exit status of a start refused for its settings, as ``spacestudio-fake-server``'s.
BAD_SETTINGS_STATUS = 2


def on_starting(server: Any) -> None:
    """gunicorn's hook, run in the master before it binds or forks: check the settings."""
    try:
        config_from_environment()
    except ConfigurationError as error:
        sys.stderr.write(f"spacestudio fake server: {error}\n")
        sys.stderr.flush()
        raise SystemExit(BAD_SETTINGS_STATUS) from None
