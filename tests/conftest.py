import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


import pytest  # noqa: E402


@pytest.fixture
def toys():
    """Register the toy systems of tests/toy_systems.py for one test."""
    from solvers import catalog
    from tests.toy_systems import TOYS

    catalog._load()
    catalog.register(*TOYS)
    yield {s.name: s for s in TOYS}
    for s in TOYS:
        catalog.unregister(s.name)
