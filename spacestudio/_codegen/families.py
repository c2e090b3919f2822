"""The families of the seed modules' functions: how each is named, typed and documented.

``simulation.get_orbit(orbit)``, ``constellation.compute_generation_mission(mission)`` …
are the same dozen operations over 28 collections. Each family below says how its
functions are named, which parameters they take and which operation of the collection
they run; :func:`module_functions` applies them to the collections of one seed module
(``spacestudio_contract.catalog``), in the order the published client lists them. The
generator (``python -m spacestudio._codegen``) writes one ``def`` for each.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass

from spacestudio.resources import kind_of
from spacestudio_contract.catalog import CollectionSpec, collections_of

#: Operations after which the published client went on when no mission had that name
#: (it printed "not found" or did nothing); elsewhere a missing name stopped it.
MISSING_GOES_ON = frozenset({"compute", "results", "wait_for_results"})

#: The URL-level functions the published seed modules import (and so offer).
URL_LEVEL_IMPORTS = (
    "post_request",
    "get_request",
    "get_object",
    "get_mission_id_with_url",
    "modify_object",
    "delete_object",
    "delete_intermediate_objects_from_mission_and_url",
    "compute_mission_from_url",
    "compute_mission_until_duration_from_url",
    "create_mission_from_paused_results_and_url",
    "get_mission_results_from_url",
    "wait_and_get_mission_results_from_url",
    "get_paused_mission_results_merged_with_url",
)

#: Width of the functions' docstrings: they sit indented in the generated modules.
DOC_WIDTH = 88


@dataclass(frozen=True)
class Family:
    """One kind of module function, for every collection it applies to."""

    name: str
    #: Method of the collection (resources.Collection and subclasses) it runs, with the
    #: function's parameters in their order.
    operation: str
    #: (parameter name, annotation source) pairs; ``{param}``/``{new_param}`` come from
    #: the spec.
    params: tuple[tuple[str, str], ...]
    #: Annotation source of the answer (None instead after an error the published client
    #: went on after: spacestudio.error_flow).
    returns: str
    doc: str
    applies: Callable[[CollectionSpec], bool] = lambda spec: True


def _missions(spec: CollectionSpec) -> bool:
    return spec.mission


def _pausable(spec: CollectionSpec) -> bool:
    return spec.pausable


#: The families in the order the published client lists its functions.
FAMILIES: tuple[Family, ...] = (
    Family(
        "create_{stem}",
        "create",
        (("body", "dict[str, Any]"),),
        "Any",
        "Create the {kind} described by ``body`` (POST {segment}); returns what the service "
        "stored.\n\n"
        "Raises ConflictError when the collection already holds one of that name.",
    ),
    Family(
        "create_{stem}_from_paused_results",
        "create_from_paused_results",
        (("mission", "str"), ("new_mission_name", "str")),
        "Any",
        "Create the {kind} ``new_mission_name``, resuming where the paused {kind} ``mission`` "
        "stopped (POST {segment}/create_from_results/{{id}}/{{new_mission_name}}).",
        _pausable,
    ),
    Family(
        "get_{stem}",
        "get",
        (("{param}", "str"),),
        "dict[str, Any] | None",
        "The {kind} whose displayedName is ``{param}`` (GET {segment}); None when there is none.",
    ),
    Family(
        "get_{stem}_id",
        "get_id",
        (("{param}", "str"),),
        "str | None",
        "The id of the {kind} named ``{param}`` (GET {segment}); None when there is none.",
        _missions,
    ),
    Family(
        "modify_{stem}",
        "modify",
        (("{param}", "dict[str, Any] | str"), ("{new_param}", "dict[str, Any]")),
        "Any",
        "Replace the {kind} named ``{param}['name']`` with ``{new_param}`` "
        "(PUT {segment}/{{id}}). Raises NotFoundError when there is no such {kind}.",
    ),
    Family(
        "delete_{stem}",
        "delete",
        (("{param}", "str"),),
        "bool",
        "Delete the {kind} named ``{param}`` (DELETE {segment}/{{id}}); nothing happens when "
        "there is none. Returns whether one was deleted.",
    ),
    Family(
        "delete_intermediate_objects_from_{stem}",
        "delete_intermediate_objects",
        (("original_mission_name", "str"),),
        "int",
        "Delete every object and {kind} made while resuming the {kind} "
        "``original_mission_name`` (those whose pausedParentMissionId is its id), in "
        "{segment} and the module's object collections. Returns how many were deleted.",
        _pausable,
    ),
    Family(
        "get_all_{all_suffix}",
        "all",
        (),
        "list[dict[str, Any]]",
        "Every {kind} of the account (GET {segment}).",
    ),
    Family(
        "compute_{stem}",
        "compute",
        (("mission", "str"),),
        "Any",
        "Start computing the {kind} named ``mission`` (GET {segment}/compute/{{id}}). "
        "Raises NotFoundError when there is no such {kind}.",
        _missions,
    ),
    Family(
        "compute_{stem}_until_duration",
        "compute_until_duration",
        (("mission", "str"), ("duration", "float")),
        "Any",
        "Compute the {kind} named ``mission`` for ``duration`` seconds of mission time, then "
        "pause (POST {segment}/compute_until_duration/{{id}}, the body being the duration).",
        _pausable,
    ),
    Family(
        "get_{stem}_results",
        "results",
        (("mission", "str"),),
        "dict[str, Any]",
        "The results of the {kind} named ``mission``: ``{{'results': …, 'errors': […]}}`` "
        "(GET {segment}, then computationlogs/{{computationLogId}}). Computation errors are "
        "also logged as warnings.",
        _missions,
    ),
    Family(
        "wait_and_get_{stem}_results",
        "wait_for_results",
        (("mission", "str"),),
        "dict[str, Any]",
        "Wait until the {kind} named ``mission`` has finished computing (polling "
        "{segment}/status/{{id}} at the client's poll interval), then return its results.",
        _missions,
    ),
    Family(
        "get_paused_{stem}_results_merged",
        "merged_results",
        (("mission", "str"),),
        "dict[str, Any]",
        "The merged results of the chain of paused and resumed {kind}s from ``mission`` "
        "(GET {segment}/create_merged_results/{{id}}).",
        _pausable,
    ),
)


@dataclass(frozen=True)
class ModuleFunction:
    """One function of a seed module: its name, signature source and what it runs."""

    module: str
    name: str
    params: tuple[tuple[str, str], ...]
    returns: str
    doc: str
    operation: str
    spec: CollectionSpec

    @property
    def missing_goes_on(self) -> bool:
        """Whether the published client went on when no object had the name asked for."""
        return self.operation in MISSING_GOES_ON

    @property
    def call(self) -> str:
        """The source of its body's call: the operation of the client's collection."""
        arguments = ", ".join(name for name, _ in self.params)
        collection = f"default_client().{self.module}.{self.spec.attribute}"
        return f"{collection}.{self.operation}({arguments})"


def _describe(family: Family, spec: CollectionSpec) -> ModuleFunction:
    fields = {
        "stem": spec.stem,
        "all_suffix": spec.all_suffix,
        "param": spec.param,
        "new_param": spec.new_param,
        "kind": kind_of(spec),
        "segment": spec.segment,
    }
    params = tuple((name.format(**fields), annotation) for name, annotation in family.params)
    return ModuleFunction(
        module=spec.module,
        name=family.name.format(**fields),
        params=params,
        returns=family.returns,
        doc=_wrap(family.doc.format(**fields)),
        operation=family.operation,
        spec=spec,
    )


def _wrap(text: str) -> str:
    # Wrapped to fit the line length inside an indented docstring.
    return "\n\n".join(textwrap.fill(paragraph, DOC_WIDTH) for paragraph in text.split("\n\n"))


def module_functions(module: str) -> tuple[ModuleFunction, ...]:
    """The functions of one seed module, in the published client's order."""
    specs = collections_of(module)
    return tuple(
        _describe(family, spec) for family in FAMILIES for spec in specs if family.applies(spec)
    )
