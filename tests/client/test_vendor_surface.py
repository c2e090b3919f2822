"""Every name of every published version exists here: modules, functions, parameters and
module attributes, read (with ast, never run) from the downloaded sdists."""

from __future__ import annotations

import ast
import functools
import importlib
import inspect
import logging
import sys
from dataclasses import dataclass, field
from types import ModuleType

import pytest

import spacestudio
from tests import vendor
from tests.client.conftest import BASE_URL, USER_ID, MockService

#: Names a published module declares ``global`` but never assigns: never attributes.
NEVER_ASSIGNED = {"auth_type", "guardian_url"}


@dataclass
class ModuleSurface:
    """What a script can reach in one published module."""

    functions: dict[str, list[str]] = field(default_factory=dict)
    #: Module attributes there from the import on (imports and assignments).
    attributes: set[str] = field(default_factory=set)
    #: Attributes its functions assign as globals (connect() sets them).
    connection_attributes: set[str] = field(default_factory=set)
    #: Names a ``from … import *`` of a sibling module brings.
    star_from: list[str] = field(default_factory=list)


def _assigned_globals(function: ast.FunctionDef) -> set[str]:
    declared = {name for node in ast.walk(function) if isinstance(node, ast.Global)
                for name in node.names}  # fmt: skip
    assigned = {target.id for node in ast.walk(function) if isinstance(node, ast.Assign)
                for target in node.targets if isinstance(target, ast.Name)}  # fmt: skip
    return declared & assigned


@functools.cache
def published_surface(version: str) -> dict[str, ModuleSurface]:
    """The surface of each module of the published ``spacestudio`` package of ``version``."""
    package = vendor.client_package(version) / "spacestudio"
    surfaces: dict[str, ModuleSurface] = {}
    for source in sorted(package.glob("*.py")):
        surface = ModuleSurface()
        for node in ast.parse(source.read_text()).body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                for alias in node.names:
                    if alias.name == "*":
                        assert isinstance(node, ast.ImportFrom) and node.module
                        surface.star_from.append(node.module)
                    else:
                        surface.attributes.add((alias.asname or alias.name).split(".")[0])
            elif isinstance(node, ast.FunctionDef):
                surface.functions[node.name] = [argument.arg for argument in node.args.args]
                surface.connection_attributes |= _assigned_globals(node)
            elif isinstance(node, ast.Assign):
                surface.attributes |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        surface.attributes -= NEVER_ASSIGNED
        surfaces["spacestudio" if source.stem == "__init__" else source.stem] = surface
    return surfaces


def _ours(module: str) -> ModuleType:
    return spacestudio if module == "spacestudio" else importlib.import_module(
        f"spacestudio.{module}"
    )  # fmt: skip


def _published_names(version: str, module: str) -> set[str]:
    """Every public name of a published module after connect(), star imports included."""
    surface = published_surface(version)[module]
    names = surface.attributes | set(surface.functions)
    for star in surface.star_from:
        # The star import runs at import time: the module's public names as of then.
        source = published_surface(version)[star.lstrip(".")]
        names |= {n for n in source.attributes | set(source.functions) if not n.startswith("_")}
    return names


@pytest.mark.parametrize("version", vendor.VERSIONS)
def test_every_published_module_function_and_parameter_exists(version: str) -> None:
    for module, surface in published_surface(version).items():
        ours = _ours(module)
        for name, parameters in surface.functions.items():
            function = getattr(ours, name, None)
            assert callable(function), f"{version}: spacestudio.{module}.{name} is missing"
            offered = list(inspect.signature(function).parameters)
            assert offered[: len(parameters)] == parameters, f"{version}: {module}.{name}"
            added = list(inspect.signature(function).parameters.values())[len(parameters) :]
            # Parameters beyond the published ones must be optional, so old calls still work.
            required = [p.name for p in added if p.default is p.empty and p.kind != p.VAR_KEYWORD]
            assert required == [], f"{version}: {module}.{name}"


@pytest.mark.parametrize("version", vendor.VERSIONS)
def test_every_published_module_attribute_exists_before_connect(version: str) -> None:
    for module in published_surface(version):
        ours = _ours(module)
        listed = set(dir(ours))
        for name in _published_names(version, module) - set(
            published_surface(version)[module].functions
        ):
            if name.endswith("_URL") or name == "spacestudio_user_url":
                assert name in listed, f"{version}: {module}.{name} is not listed"
                continue  # values only a connection gives: checked below
            assert hasattr(ours, name), f"{version}: spacestudio.{module}.{name} is missing"


@pytest.mark.parametrize("version", ["3.4.0", "3.8.0"])
def test_after_connect_every_attribute_holds_the_connections_value(
    version: str, service: MockService
) -> None:
    client = service.connect()
    root = f"{BASE_URL}/exoops/users/{USER_ID}"
    for module, surface in published_surface(version).items():
        ours = _ours(module)
        names = _published_names(version, module) | surface.connection_attributes
        for name in names:
            assert hasattr(ours, name), f"{version}: spacestudio.{module}.{name} is missing"
            value = getattr(ours, name)
            if name == "spacestudio_user_url":
                assert value == root
            elif name.endswith("_URL"):
                assert isinstance(value, str) and value.startswith(f"{root}/"), name
    api = spacestudio.api_requests
    assert api.userId == USER_ID
    assert api.jwt_token == client.access_token
    assert api.headers == {
        "Content-Type": "application/json",
        "Authorization": f"Bearer {client.access_token}",
    }
    assert api.keycloak_url == client.auth_url


@pytest.mark.parametrize("version", vendor.VERSIONS)
def test_url_constants_match_the_published_paths(version: str, service: MockService) -> None:
    service.connect()
    source = vendor.client_package(version) / "spacestudio" / "urls.py"
    published: dict[str, str] = {}
    for node in ast.parse(source.read_text()).body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.BinOp):
            right = node.value.right
            assert isinstance(right, ast.Constant) and isinstance(right.value, str)
            (target,) = node.targets
            assert isinstance(target, ast.Name)
            published[target.id] = right.value
    assert len(published) == 32
    root = spacestudio.api_requests.spacestudio_user_url
    for name, path in published.items():
        assert getattr(spacestudio.urls, name) == root + path, name


def test_the_url_constants_follow_the_current_connection(service: MockService) -> None:
    from spacestudio import urls

    with pytest.raises(AttributeError, match=r"urls\.ORBIT_URL is set by spacestudio\.connect"):
        _ = urls.ORBIT_URL
    assert not hasattr(urls, "GRIDFS_URL")  # AttributeError, so hasattr and help() work
    with pytest.raises(ImportError):  # as with the published client before connect()
        from spacestudio.simulation import ORBIT_URL  # noqa: F401
    service.connect()
    orbits = urls.ORBIT_URL
    assert orbits == f"{BASE_URL}/exoops/users/{USER_ID}/orbitdefinitions"
    assert urls.MISSION_RESULTS_URL.endswith("/computationlogs/")
    assert spacestudio.simulation.SIMULATION_URL == urls.SIMULATION_URL
    assert spacestudio.gridfs.GRIDFS_URL == urls.GRIDFS_URL


def test_versions_before_3_4_3_name_the_client_id_client_id(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CLIENT_ID", "from-the-environment")
    assert spacestudio.client_id == "from-the-environment"
    assert spacestudio.api_requests.client_id == "from-the-environment"
    assert spacestudio.api_requests.log_client_id == "from-the-environment"
    monkeypatch.setenv("LOG_MAIL", "someone@example.test")
    assert spacestudio.api_requests.log_mail == "someone@example.test"


def test_load_modules_imports_the_seed_modules_or_says_scripting_is_off(
    caplog: pytest.LogCaptureFixture,
) -> None:
    spacestudio.load_modules(True)
    assert {"spacestudio.simulation", "spacestudio.gridfs"} <= set(sys.modules)
    with caplog.at_level(logging.WARNING, logger="spacestudio"):
        spacestudio.load_modules(False)
    assert "Scripting is not enabled" in caplog.text
    assert "enable scripting for this account" in caplog.text
