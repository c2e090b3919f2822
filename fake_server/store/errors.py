"""Why the store refuses a write or a state file: the errors it raises to its callers."""

from __future__ import annotations


class StoreError(Exception):
    """A write that cannot be applied; nothing was written."""


class NameTaken(StoreError):
    """Another object of the collection already has this name."""

    def __init__(self, segment: str, name: str) -> None:
        super().__init__(f"an object named {name!r} already exists in {segment}")
        self.segment = segment
        self.name = name


class ObjectNotFound(StoreError):
    """No object of the collection has this id."""

    def __init__(self, segment: str, obj_id: str) -> None:
        super().__init__(f"no object with id {obj_id!r} in {segment}")
        self.segment = segment
        self.obj_id = obj_id


class StateFileError(Exception):
    """The ``--state`` file cannot be used (not a state file, unreadable …)."""
