"""Clinic Desktop: treatment step plans, photo imports and patient notifications."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("clinic-desktop")
except PackageNotFoundError:  # running from a source checkout that was never installed
    __version__ = "0.0.0+source"
