"""Loaded by every use-case script the conformance suite runs (``PYTHONPATH`` holds this folder).

Two things a script cannot be told from outside:

* The published client posts its login to ``https://auth.exotrail.space``, hard-coded.
  With ``CONFORMANCE_AUTH_REDIRECT`` set, requests to that origin go to the fake server
  instead (the path, realm and body stay as the client sent them).
* The scripts end in ``plt.show()``. With ``CONFORMANCE_PLOTS`` set, ``show`` saves each open
  figure as a PNG there, and what it plots (lines, bars, colour meshes) as JSON beside it,
  so the suite can check the figures the script drew and a person can look at them.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

PUBLISHED_AUTH_ORIGIN = "https://auth.exotrail.space"


def _redirect_auth(target: str) -> None:
    import requests.sessions

    original = requests.sessions.Session.request

    def request(self: Any, method: str, url: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(url, str) and url.startswith(PUBLISHED_AUTH_ORIGIN):
            url = target.rstrip("/") + url[len(PUBLISHED_AUTH_ORIGIN) :]
        return original(self, method, url, *args, **kwargs)

    requests.sessions.Session.request = request  # type: ignore[method-assign]


def _figure_data(figure: Any) -> list[dict[str, Any]]:
    from matplotlib.collections import QuadMesh
    from matplotlib.container import BarContainer

    axes = []
    for ax in figure.axes:
        if ax.get_label() == "<colorbar>":
            continue
        axes.append(
            {
                "title": ax.get_title(),
                "xlabel": ax.get_xlabel(),
                "ylabel": ax.get_ylabel(),
                "lines": [
                    {
                        "label": line.get_label(),
                        "x": [float(v) for v in line.get_xdata()],
                        "y": [float(v) for v in line.get_ydata()],
                    }
                    for line in ax.get_lines()
                ],
                "bars": [
                    [float(patch.get_height()) for patch in container]
                    for container in ax.containers
                    if isinstance(container, BarContainer)
                ],
                "meshes": [
                    [float(v) for v in collection.get_array().ravel()]
                    for collection in ax.collections
                    if isinstance(collection, QuadMesh)
                ],
            }
        )
    return axes


def _capture_plots(folder: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    stem = os.environ.get("CONFORMANCE_PLOT_STEM", Path(sys.argv[0]).stem)

    def show(*args: Any, **kwargs: Any) -> None:
        for number in plt.get_fignums():
            figure = plt.figure(number)
            figure.savefig(folder / f"{stem}-fig{number}.png", dpi=80)
            data = {"figure": number, "axes": _figure_data(figure)}
            (folder / f"{stem}-fig{number}.json").write_text(json.dumps(data))

    plt.show = show


if os.environ.get("CONFORMANCE_AUTH_REDIRECT"):
    _redirect_auth(os.environ["CONFORMANCE_AUTH_REDIRECT"])
if os.environ.get("CONFORMANCE_PLOTS"):
    _capture_plots(Path(os.environ["CONFORMANCE_PLOTS"]))
