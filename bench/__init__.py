"""Benchmarks that show the harness is fast, as ratios measured in one run.

``python -m bench`` runs them all (``make bench``); ``python -m bench --quick`` runs them
smaller; ``python -m bench NAME`` runs one. docs/performance.md holds the figures.
"""
