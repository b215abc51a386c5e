"""Dynamics Explorer: the application around :mod:`solvers` (command line,
session files, sweeps; the desktop app lives in :mod:`explorer.gui`)."""

from solvers import __version__

__all__ = ["__version__"]
