"""The object API's per-module groups of collections: ``client.simulation.orbits`` …

One class per module of the catalog, built from it at import time; the attributes of
an instance are the module's collections, named by ``CollectionSpec.attribute``.
``namespaces.pyi`` (generated from the same catalog by ``spacestudio._stubgen``) tells
type checkers and editors which attribute is which kind of collection.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from spacestudio.resources import Collection, make_collection
from spacestudio_contract.catalog import MODULES, collections_of

if TYPE_CHECKING:
    from spacestudio.client import Client


def namespace_class_name(module: str) -> str:
    """``"parametric_study"`` → ``"ParametricStudyCollections"``."""
    return "".join(word.capitalize() for word in module.split("_")) + "Collections"


class CollectionNamespace:
    """The collections of one module of the catalog, as attributes."""

    module: ClassVar[str] = ""

    def __init__(self, client: Client) -> None:
        self._collections: dict[str, Collection] = {}
        for spec in collections_of(self.module):
            collection = make_collection(client, spec)
            self._collections[spec.attribute] = collection
            setattr(self, spec.attribute, collection)

    def __iter__(self) -> Iterator[Collection]:
        return iter(self._collections.values())

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {', '.join(self._collections)}>"


def _namespace_class(module: str) -> type[CollectionNamespace]:
    attributes = ", ".join(spec.attribute for spec in collections_of(module))
    return type(
        namespace_class_name(module),
        (CollectionNamespace,),
        {
            "module": module,
            "__module__": __name__,
            "__doc__": f"The {module} collections of one client: {attributes}.",
        },
    )


NAMESPACE_MODULES: tuple[str, ...] = tuple(module for module in MODULES if collections_of(module))

for _module in NAMESPACE_MODULES:
    globals()[namespace_class_name(_module)] = _namespace_class(_module)
