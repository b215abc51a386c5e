"""The user library: one text file per user-defined system in a folder.

``$DYNAMICS_EXPLORER_LIBRARY`` when set, else the platform's user data
directory (``~/.local/share/dynamics-explorer/systems`` on Linux).  A file
``<name>.txt`` holds the definition of the system ``name``; loading a file
validates its text exactly as typed text is validated.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from ..spec import System
from .build import check_name, define_system
from .parser import DefinitionError, parse

SUFFIX = ".txt"


def library_dir() -> Path:
    base = os.environ.get("DYNAMICS_EXPLORER_LIBRARY")
    if base:
        return Path(base)
    if sys.platform == "win32":
        root = Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming"))
    elif sys.platform == "darwin":
        root = Path.home() / "Library" / "Application Support"
    else:
        root = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return root / "dynamics-explorer" / "systems"


def library_path(name: str) -> Path:
    return library_dir() / f"{check_name(name)}{SUFFIX}"


def save_to_library(name: str, text: str) -> Path:
    """Validate ``text`` and store it as ``name`` (replacing an older file)."""
    parse(text)
    path = library_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


def remove_from_library(name: str) -> None:
    path = library_path(name)
    if path.exists():
        path.unlink()


def library_texts() -> dict[str, str]:
    """name -> text of every file in the library (not validated)."""
    folder = library_dir()
    if not folder.is_dir():
        return {}
    out = {}
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        name = path.name[: -len(SUFFIX)]
        try:
            check_name(name)
        except ValueError:
            continue
        out[name] = path.read_text(encoding="utf-8", errors="replace")
    return out


def load_library() -> tuple[dict[str, System], dict[str, ValueError]]:
    """Define every system of the library: (systems, errors by name).  A bad
    file does not stop the others from loading."""
    systems, errors = {}, {}
    for name, text in library_texts().items():
        try:
            systems[name] = define_system(name, text)
        except (DefinitionError, ValueError) as exc:
            errors[name] = exc
    return systems, errors
