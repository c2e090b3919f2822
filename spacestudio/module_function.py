"""How each module function of the seed modules runs: ``simulation.get_orbit`` and the rest.

The functions themselves are generated source (``python -m spacestudio._codegen``); each
one is decorated with :func:`module_function`, which gives it the published client's
error flow (:mod:`spacestudio.error_flow`) and its place in the published module.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import ParamSpec, TypeVar, cast

from spacestudio.error_flow import run_in_published_flow

P = ParamSpec("P")
R = TypeVar("R")

# Read on a function's first call, not when its module is imported.
_signature = functools.cache(inspect.signature)


def module_function(
    module: str, *, missing_goes_on: bool = False
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Make the decorated function a function of the seed module ``spacestudio.{module}``.

    After an error the published client went on after (see
    :func:`~spacestudio.error_flow.goes_on_after`), it logs the error and returns None,
    whatever its annotation says: the annotations describe the answers, as the published
    client's scripts use them. Strict mode raises instead.
    """

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        name = f"{module}.{function.__name__}"

        @functools.wraps(function)
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            # A wrong call says what is wrong as these functions always said it
            # ("missing a required argument: 'new_orbit'"), before anything is sent.
            _signature(function).bind(*args, **kwargs)
            answer = run_in_published_flow(
                name, lambda: function(*args, **kwargs), missing_goes_on=missing_goes_on
            )
            return cast(R, answer)

        # Defined in the module's generated part modules too: documented, listed by help()
        # and pickled as functions of the published module.
        run.__module__ = f"spacestudio.{module}"
        return run

    return decorate
