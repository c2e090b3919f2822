"""One SQLite state file the server's worker processes share: opening it, its two
connections and their locks, and write transactions that take turns with other
processes' writes."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from fake_server.store.errors import StateFileError
from fake_server.store.schema import Damaged, install_schema

logger = logging.getLogger(__name__)

#: How long a write waits for another process's write to finish before it gives up.
LOCK_WAIT_SECONDS = 30.0


class WriterTurns:
    """The writers of one state file, in every process that opens it, taking turns.

    SQLite lets one writer in at a time and answers the others "locked" at once; polling
    it again after a sleep left a worker idle for the sleep, however short the write it
    waited for (under ``gunicorn -w 2``, each writing the journal on every request,
    several percent of a worker's time went to those sleeps).  Here a writer waits on an
    advisory lock of the file ``{state file}.writers.lock`` instead, which the kernel
    hands over the moment the previous writer commits (and frees if its process dies); a
    thread lock does the same for the two connections of one process.  A writer outside
    the server (the sqlite3 shell) does not take turns: :func:`retry_while_locked` still
    waits it out.
    """

    def __init__(self, state_path: Path) -> None:
        self._threads = threading.Lock()
        self._descriptor = os.open(f"{state_path}.writers.lock", os.O_RDWR | os.O_CREAT, 0o600)

    @contextlib.contextmanager
    def turn(self) -> Iterator[None]:
        """Write inside the block once every other writer of the file is done."""
        with self._threads:
            fcntl.flock(self._descriptor, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self._descriptor, fcntl.LOCK_UN)

    def close(self) -> None:
        """Give the lock file up (again: nothing)."""
        with self._threads:
            if self._descriptor >= 0:
                os.close(self._descriptor)
                self._descriptor = -1


class StateFile:
    """Two connections to one SQLite file, each behind a lock.

    Both commit to a write-ahead log with ``synchronous=NORMAL``: a commit is in the
    log, in the operating system's hands, before the server answers, so a write it has
    acknowledged survives the process being killed (``kill -9``); only a crash of the
    machine itself may lose the last writes, never the file.  Waiting for the disk on
    every commit (``FULL``) cost 2.5 ms a write, most of a POST.  The second connection,
    the journal's, writes on every request without waiting for the first's lock.  A file
    that is damaged or holds tables of another layout is refused at open; a new file is
    readable by its owner only.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._journal_lock = threading.Lock()
        try:
            _create_private(self.path)
            self._turns = WriterTurns(self.path)
        except OSError as exc:
            raise StateFileError(f"cannot open state file {self.path}: {exc}") from None
        try:
            self._db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=30.0
            )
            # No busy timeout: SQLite's handler sleeps a millisecond or more at the first
            # conflict, longer than these writes take; write_transaction retries sooner.
            self._journal_db = sqlite3.connect(
                self.path, isolation_level=None, check_same_thread=False, timeout=0.0
            )
        except (OSError, sqlite3.Error) as exc:
            self._turns.close()
            raise StateFileError(f"cannot open state file {self.path}: {exc}") from None
        try:
            self._prepare()
        except (Damaged, UnicodeDecodeError) as exc:  # text SQLite hands back as not UTF-8
            self.close()
            raise StateFileError(
                f"{self.path} is damaged ({exc}); restore it from a backup, or pass a new "
                "file name to start afresh"
            ) from None
        except sqlite3.DatabaseError as exc:
            self.close()
            raise StateFileError(
                f"{self.path} is not a fake server state file ({exc}); "
                "pass a new file name or delete it"
            ) from None

    def _prepare(self) -> None:
        with self._turns.turn():
            write_transaction(self._db, install_schema)
        # Switching to WAL needs the file to itself: SQLite answers "locked" at once, not
        # after its busy timeout, while another process opening it holds a lock.
        wal = retry_while_locked(lambda: self._db.execute("PRAGMA journal_mode=WAL"))
        mode = wal.fetchone()[0]
        if mode != "wal":
            logger.warning("state file %s: journal mode %s instead of WAL", self.path, mode)
        for db in (self._db, self._journal_db):
            db.execute("PRAGMA synchronous=NORMAL")

    def close(self) -> None:
        with self._lock, self._journal_lock:
            self._db.close()
            self._journal_db.close()
            self._turns.close()

    def _query(self, sql: str, params: Sequence[Any]) -> list[Any]:
        """The rows a read returns."""
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def _first(self, sql: str, params: Sequence[Any]) -> Any:
        """The first column of the first row a read returns, or None."""
        rows = self._query(sql, params)
        return rows[0][0] if rows else None

    def _write(self, work: Callable[[sqlite3.Connection], Any]) -> Any:
        """Run ``work`` in one durable write transaction; what it returns."""
        with self._lock, self._turns.turn():
            return write_transaction(self._db, work)

    def _execute(self, sql: str, params: Sequence[Any]) -> int:
        """Run one writing statement durably; how many rows it changed."""
        cursor: sqlite3.Cursor = self._write(lambda db: db.execute(sql, params))
        return cursor.rowcount

    def _write_fast(self, work: Callable[[sqlite3.Connection], Any]) -> Any:
        """Run ``work`` in one write transaction on the journal's connection, which does
        not wait for the disk; what it returns."""
        with self._journal_lock, self._turns.turn():
            return write_transaction(self._journal_db, work)


def retry_while_locked(statement: Callable[[], sqlite3.Cursor]) -> sqlite3.Cursor:
    """Run a writing ``statement``, retrying after short sleeps while another process
    (another worker on the same file) writes."""
    delay = 0.000_05
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            return statement()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
        time.sleep(delay)
        delay = min(delay * 2, 0.005)


def write_transaction(db: sqlite3.Connection, work: Callable[[sqlite3.Connection], Any]) -> Any:
    """Run ``work`` in one write transaction on ``db`` (caller holds its lock), waiting
    for other processes' writes to finish first."""
    retry_while_locked(lambda: db.execute("BEGIN IMMEDIATE"))
    try:
        result = work(db)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return result


def _create_private(path: Path) -> None:
    """Create a missing state file readable by its owner only (SQLite gives its
    write-ahead log and shared-memory files the same mode)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(descriptor)
