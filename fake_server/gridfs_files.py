"""The gridfs files of a computation's results: which results have one (their
ephemerides), its name, and the file rendered as CSV or JSON."""

from __future__ import annotations

import csv
import io

from fake_server.store import JsonObject
from spacestudio_contract.wire import EPHEMERIDES_FILE_NAME


def with_files(
    results: JsonObject | None, log_id: str
) -> tuple[JsonObject | None, tuple[str, ...]]:
    """Results naming the gridfs file of their ephemerides, when they have any."""
    if not isinstance(results, dict) or not has_table(results):
        return results, ()
    filename = f"ephemerides-{log_id}"
    return {**results, EPHEMERIDES_FILE_NAME: filename}, (filename,)


def has_table(results: JsonObject) -> bool:
    """Whether the results hold ephemerides (rows and their column indexes) to file."""
    rows = results.get("ephemerides")
    return isinstance(rows, list) and bool(rows) and isinstance(results.get("fieldIndexes"), dict)


#: Rows per chunk of a streamed CSV file.
CSV_CHUNK_ROWS = 2000


def table_columns(results: JsonObject) -> list[str]:
    """Column names of the ephemerides, each at its index (unnamed gaps stay empty)."""
    indexes: dict[str, int] = results["fieldIndexes"]
    width = max(indexes.values(), default=-1) + 1
    columns = [""] * width
    for name, index in indexes.items():
        columns[index] = name
    return columns


def ephemerides_csv(results: JsonObject) -> list[bytes]:
    """The ephemerides as CSV (a header row of column names, then one line per row),
    in chunks ready to stream."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(table_columns(results))
    chunks: list[bytes] = []
    for count, row in enumerate(results["ephemerides"], start=1):
        writer.writerow(row)
        if count % CSV_CHUNK_ROWS == 0:
            chunks.append(buffer.getvalue().encode())
            buffer.seek(0)
            buffer.truncate()
    chunks.append(buffer.getvalue().encode())
    return chunks


def ephemerides_json(results: JsonObject) -> JsonObject:
    """The ephemerides file as JSON: its column indexes and its rows."""
    return {"fieldIndexes": results["fieldIndexes"], "ephemerides": results["ephemerides"]}


def ephemerides_records(results: JsonObject) -> list[JsonObject]:
    """The CSV file as JSON: one object per row, column name to value."""
    named = [(index, name) for index, name in enumerate(table_columns(results)) if name]
    return [
        {name: row[index] for index, name in named if index < len(row)}
        for row in results["ephemerides"]
    ]
