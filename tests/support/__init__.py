"""Helpers the tests and benchmarks share: sample objects and servers run in the background."""
