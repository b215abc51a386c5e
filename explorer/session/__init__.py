"""Session files: HDF5 files that keep runs (data, configuration, status) and
analysis results, written while a run goes and read back lazily.

The format is described in ``docs/session-format.md`` and :mod:`.schema`.
"""

from .reader import Analysis, Run, Series, Session, open_session
from .schema import FORMAT, SCHEMA_VERSION, SessionError
from .writer import Recorded, RunWriter, SessionWriter, record

__all__ = [
    "FORMAT",
    "SCHEMA_VERSION",
    "Analysis",
    "Recorded",
    "Run",
    "RunWriter",
    "Series",
    "Session",
    "SessionError",
    "SessionWriter",
    "open_session",
    "record",
]
