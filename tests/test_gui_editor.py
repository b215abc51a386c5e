"""The system editor: live validation marks each problem where the parser
found it, "Add to catalog" compiles on the analysis runner and the system
then runs like the built-in one, the library round-trips, and hostile text
never runs."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat

import solvers
from explorer.gui.analysis import AnalysisRunner
from explorer.gui.browser import ROLE_NAME, SystemBrowser
from explorer.gui.editor import DEBOUNCE_MS, EditorPanel, define_and_save
from solvers.userdef import EXAMPLES, library_texts, remove_system, user_systems, validate

LORENZ = """\
sigma = 10 in [0, 100]   # Prandtl number
rho = 28; beta = 8/3
x' = sigma*(y - x)
y' = x*(rho - z) - y
z' = x*y - beta*z
x(0) = 1; y(0) = 1; z(0) = 1"""


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A private library and kernel cache; every user system defined in the test is removed after it."""
    monkeypatch.setenv("DYNAMICS_EXPLORER_LIBRARY", str(tmp_path / "library"))
    monkeypatch.setenv("DYNAMICS_EXPLORER_CACHE", str(tmp_path / "cache"))
    before = set(user_systems())
    yield tmp_path
    for name in set(user_systems()) - before:
        remove_system(name)


@pytest.fixture
def runner():
    r = AnalysisRunner()
    yield r
    assert r.shutdown()


@pytest.fixture
def panel(qtbot, env, runner):
    p = EditorPanel(runner)
    qtbot.addWidget(p)
    p.resize(420, 720)
    p.show()
    return p


def type_text(qtbot, widget, text):
    for i, line in enumerate(text.split("\n")):
        if i:
            qtbot.keyClick(widget, Qt.Key.Key_Return)
        qtbot.keyClicks(widget, line)


def test_typing_lorenz_validates_it_after_a_pause(qtbot, panel):
    assert not panel.add_button.isEnabled()  # empty text
    qtbot.keyClicks(panel.name_edit, "my_typed_lorenz")
    type_text(qtbot, panel.text, LORENZ)
    assert panel.text.toPlainText() == LORENZ
    # debounced: typing does not parse on every key; the check comes ~150 ms after the last one
    assert not panel.validation.ok and panel.timer.isActive()
    qtbot.waitUntil(lambda: panel.validation.ok, timeout=5 * DEBOUNCE_MS)
    v = panel.validation
    assert v.problems == () and v.kind == "flow"
    assert v.definition.variables == ("x", "y", "z")
    assert v.definition.parameter_names == ("sigma", "rho", "beta")
    assert panel.problems.count() == 0 and panel.text.extraSelections() == []
    summary = panel.summary.text()
    assert "flow" in summary and "x, y, z" in summary and "sigma = 10" in summary and "beta = 2.66667" in summary
    assert panel.add_button.isEnabled()
    # a name that is not allowed disables Add, with the reason
    for bad, why in (("lorenz", "built-in"), ("2fast", "letter"), ("", "")):
        panel.name_edit.setText(bad)
        assert not panel.add_button.isEnabled()
        assert why in panel.name_hint.text()


def test_problems_are_underlined_where_the_parser_found_them(qtbot, panel):
    # a non-BMP character on line 1: Qt counts positions in UTF-16 units, the parser in characters
    text = "# 𝜎 is sigma\nsigma = 10\nx' = sigma*(y - x)\ny' = x*(28 - z) - y\nz' = x*y - 8/3*q\n"
    panel.name_edit.setText("my_broken")
    panel.set_text(text)
    assert not panel.validation.ok and not panel.add_button.isEnabled()
    problems = panel.validation.problems
    assert len(problems) == 1
    p = problems[0]
    line = text.split("\n")[4]
    assert (p.line, p.column, p.end_column) == (5, line.index("q") + 1, line.index("q") + 2)
    assert "'q'" in p.message
    (sel,) = panel.text.extraSelections()
    c = sel.cursor
    assert c.blockNumber() + 1 == p.line
    assert c.selectionStart() - c.block().position() + 1 == p.column
    assert c.selectionEnd() - c.selectionStart() == p.end_column - p.column
    assert c.selectedText() == "q"
    assert sel.format.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline
    assert sel.format.underlineColor().name() == "#b00020"
    # listed as "line:col message"; clicking it puts the cursor there
    assert panel.problems.count() == 1
    item = panel.problems.item(0)
    assert item.text() == f"5:{p.column}  {p.message}"
    assert "1 problem" in panel.summary.text()
    rect = panel.problems.visualItemRect(item)
    qtbot.mouseClick(panel.problems.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    cursor = panel.text.textCursor()
    assert (cursor.blockNumber() + 1, cursor.positionInBlock() + 1) == (5, p.column)
    # several problems: each marked at its own span
    text = "a = 1\nx' = a*y +\ny' = x^2\n"
    panel.set_text(text)
    problems = panel.validation.problems
    assert len(problems) >= 2 and len(panel.text.extraSelections()) == len(problems)
    for p, sel in zip(problems, panel.text.extraSelections()):
        c = sel.cursor
        assert c.blockNumber() + 1 == p.line
        assert c.selectionStart() - c.block().position() + 1 == p.column
        assert c.selectedText() == text.split("\n")[p.line - 1][p.column - 1 : p.end_column - 1]
    # fixing the text clears the marks
    panel.set_text(LORENZ)
    assert panel.validation.ok and panel.text.extraSelections() == [] and panel.add_button.isEnabled()


def test_add_to_catalog_defines_saves_and_shows_in_the_browser(qtbot, panel, env):
    browser = SystemBrowser()
    qtbot.addWidget(browser)
    browser.select("henon")
    browser.search.setText("lorenz")
    panel.name_edit.setText("my_typed_lorenz")
    panel.set_text(LORENZ)
    assert "my_typed_lorenz" not in solvers.list_systems()
    with qtbot.waitSignal(panel.defined, timeout=120_000) as blocker:
        assert panel.add_to_catalog()
        # compiling on the runner: the GUI thread is free and Add is disabled until it is done
        assert panel.busy == "my_typed_lorenz" and not panel.add_button.isEnabled()
    assert blocker.args == ["my_typed_lorenz"]
    assert "my_typed_lorenz" in solvers.list_systems()
    assert panel.add_button.isEnabled() and "Added 'my_typed_lorenz'" in panel.status.text()
    # the library file holds the text exactly, and the library list shows it
    path = env / "library" / "my_typed_lorenz.txt"
    assert path.read_text(encoding="utf-8") == LORENZ
    assert library_texts() == {"my_typed_lorenz": LORENZ}
    assert [panel.library.item(i).text() for i in range(panel.library.count())] == ["my_typed_lorenz"]
    assert "replaces the user system" in panel.name_hint.text()
    assert panel.add_button.text() == "Replace in catalog"

    # the browser shows it after refresh(), keeping the search filter and the selection
    assert "my_typed_lorenz" not in browser._items
    browser.refresh()
    item = browser._items["my_typed_lorenz"]
    assert item.parent().text(0) == "Flows" and not item.isHidden()
    assert browser._items["lorenz"].isHidden() is False and browser._items["henon"].isHidden()
    assert browser.current == "henon" and browser.tree.currentItem().data(0, ROLE_NAME) == "henon"
    browser.select("my_typed_lorenz")
    assert "sigma*(y - x)" in browser.text.toPlainText()

    # it runs like the built-in Lorenz
    typed = solvers.simulate("my_typed_lorenz", t_end=2.0, samples=201, rtol=1e-10, atol=1e-12)
    builtin = solvers.simulate("lorenz", preset="classic", t_end=2.0, samples=201, rtol=1e-10, atol=1e-12)
    assert typed.status == "done"
    assert np.max(np.abs(typed.states - builtin.states)) <= 1e-9

    # remove: gone from the library, the catalog and (after refresh) the browser, the text kept in the editor
    panel.library.setCurrentRow(0)
    panel.set_text("")
    with qtbot.waitSignal(panel.removed, timeout=1000) as blocker:
        panel.remove_button.click()
    assert blocker.args == ["my_typed_lorenz"]
    assert not path.exists() and panel.library.count() == 0
    assert "my_typed_lorenz" not in solvers.list_systems()
    assert panel.text.toPlainText() == LORENZ and panel.name() == "my_typed_lorenz"
    browser.refresh()
    assert "my_typed_lorenz" not in browser._items and browser.current is None


def test_load_from_library_and_examples(qtbot, panel, env):
    folder = env / "library"
    folder.mkdir()
    (folder / "my_henon.txt").write_text(EXAMPLES["henon"], encoding="utf-8")
    (folder / "my_vdp.txt").write_text(EXAMPLES["van_der_pol"], encoding="utf-8")
    panel.refresh_library()
    assert [panel.library.item(i).text() for i in range(panel.library.count())] == ["my_henon", "my_vdp"]
    panel.library.setCurrentRow(0)
    panel.load_button.click()
    assert panel.name() == "my_henon" and panel.text.toPlainText() == EXAMPLES["henon"]
    assert panel.validation.kind == "map" and panel.validation.definition.variables == ("x", "y")
    # the example chooser replaces the text (undoably) and checks it at once
    index = panel.examples.findData("kuramoto_sivashinsky")
    panel.examples.activated.emit(index)
    assert panel.text.toPlainText() == EXAMPLES["kuramoto_sivashinsky"]
    assert panel.validation.kind == "pde" and "1-D periodic PDE" in panel.summary.text()
    assert panel.name() == "my_henon"  # a name already typed is kept
    panel.text.undo()
    assert panel.text.toPlainText() == EXAMPLES["henon"]
    # presets and recorded quantities are listed too
    panel.set_text("k = 1\nx' = v\nv' = -k*x\ninvariant E = v**2/2 + k*x**2/2\n[stiff]  # a stiffer spring\nk = 4\n")
    assert panel.validation.ok
    assert "presets:</b> default, stiff" in panel.summary.text() and "recorded:</b> E" in panel.summary.text()


def test_build_stage_problem_is_marked_after_add(qtbot, panel):
    # parses, but a flow cannot use the map iteration: found only when the system is built
    text = "@method = map\nx' = -x\n"
    assert validate(text).ok
    panel.name_edit.setText("my_decay")
    panel.set_text(text)
    with qtbot.waitSignal(panel.runner.done, timeout=60_000):
        assert panel.add_to_catalog()
    assert "my_decay" not in solvers.list_systems()
    assert "Not added" in panel.status.text() and "@method" in panel.status.text()
    (sel,) = panel.text.extraSelections()
    assert sel.cursor.blockNumber() == 0 and sel.cursor.selectedText() == "@method"
    assert not panel.add_button.isEnabled()


def test_hostile_text_is_rejected_and_nothing_runs(qtbot, panel, env):
    marker = env / "pwned"
    hostile = [
        "__import__('os').system('x')",
        f"x' = __import__('pathlib').Path({str(marker)!r}).touch()",
        "x' = (lambda: 1)()",
        "x' = x.__class__",
        "x' = 9**9**9**9",
    ]
    panel.name_edit.setText("my_hostile")
    for text in hostile:
        panel.set_text(text)
        v = panel.validation
        assert not v.ok and v.problems, text
        assert panel.problems.count() == len(v.problems) and len(panel.text.extraSelections()) == len(v.problems)
        assert all(p.message and p.line == 1 for p in v.problems)
        assert not panel.add_button.isEnabled()
        assert not panel.add_to_catalog() and panel.runner.pending() == 0
        # even handed to the job directly, the text is refused before anything is built
        out = define_and_save("my_hostile", text)
        assert out.problems and out.path is None
    panel.set_text(hostile[1])
    assert "cannot be called" in panel.problems.item(0).text()
    assert not marker.exists()
    assert "my_hostile" not in solvers.list_systems() and library_texts() == {}
