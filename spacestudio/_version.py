"""The version of the spacestudio-harness distribution, read by its build and its CLI."""

__version__ = "0.1.0"
