"""The simulation functions of the published spacestudio client, for scripts written for it.

Each one runs on the client that ``spacestudio.connect()`` made. They are made from the
catalog of collections (``spacestudio_contract.catalog``); ``simulation.pyi`` lists them for
editors and type checkers. The object API offers the same operations per client:
``client.simulation.<collection>.get(name)`` …
"""

from spacestudio._module_functions import install

__all__ = install(__name__, globals())
