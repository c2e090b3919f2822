"""The generator of the seed modules' functions and of the object API's namespaces.

``spacestudio.simulation`` … and ``spacestudio.namespaces`` are plain, committed Python
written from the catalog (``spacestudio_contract.catalog``) and the table of function
families (:mod:`spacestudio._codegen.families`), so type checkers check them, editors
open them and tracebacks name their functions. After changing either::

    python -m spacestudio._codegen          # rewrite the generated modules
    python -m spacestudio._codegen --check  # exit 1 when one differs from what it writes

A test fails when a committed module differs from what the generator writes.
"""
