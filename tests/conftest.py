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


@pytest.fixture(autouse=True)
def _destroy_qt_objects_of_the_test():
    """Windows a test closed are destroyed at its end, not in the next test.

    pytest-qt closes a test's widgets and schedules their deletion; left to
    the next test's event loop, the destruction of a whole main window ran
    while that test compiled numba kernels on another thread, and crashed
    the process (seen with the sweep tests followed by the editor tests).
    """
    yield
    if "PySide6.QtWidgets" not in sys.modules:
        return
    import gc

    from PySide6.QtCore import QCoreApplication, QEvent

    app = QCoreApplication.instance()
    if app is None:
        return
    app.processEvents()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    gc.collect()
