"""User accounts of the fake realm (plain data: :mod:`fake_server.representations`)."""

from fake_server.representations import Account

__all__ = ["Account"]
