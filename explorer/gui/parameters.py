"""The Parameters panel: a pyqtgraph ParameterTree built from a System spec.

Three groups: the model's parameters (bounds and units from the spec), the
initial condition (the state of a flow or map, the shape parameters of a
PDE preset, the seed), and the numerics (method, step or tolerances, grid,
duration or run-until-stopped, samples).  Every edit re-validates the whole
request with :func:`solvers.run.make_config`, the same check the command
line makes: an invalid value is marked in red with the reason, and
:attr:`ParameterPanel.validity` tells the main window to keep Run disabled.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np
from pyqtgraph.parametertree import Parameter, ParameterTree
from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from solvers.catalog import get_system
from solvers.integrators import METHODS
from solvers.run import make_config, step_used
from solvers.spec import RunConfig, System

RED = QColor("#b00020")
# the first words of make_config's messages name what is wrong
_NAMED = re.compile(r"^(?:parameter '(?P<param>[^']+)'|(?P<field>[a-z_]+)(?: and [a-z_]+)?):")


def _unit(unit: str) -> str:
    return "" if unit in ("", "1") else f" [{unit}]"


class ParameterPanel(QWidget):
    """Edit the run request of one system; always knows whether it is valid."""

    validity = Signal(bool, str)  # valid?, the reason when not
    edited = Signal(str, object)  # key, new value (after a user edit)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.tree = ParameterTree(showHeader=False)
        self.error = QLabel("")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020; padding: 4px;")
        self.error.hide()
        # what the run will do differently from what the fields show (the automatic step)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #5f6368; padding: 4px;")
        self.note.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        layout.addWidget(self.error)
        layout.addWidget(self.note)
        self.system: System | None = None
        self.preset: str | None = None
        self.root: Parameter | None = None
        self.items: dict[str, Parameter] = {}
        self.valid = False
        self.message = "choose a system"
        self._loading = False

    # -- building --------------------------------------------------------------
    def load(self, system_name: str, preset: str | None = None, config: RunConfig | None = None) -> None:
        """Show the parameters of a system, from a preset or from a stored config."""
        system = get_system(system_name)
        self.system = system
        self.preset = config.preset if config is not None else preset
        if config is None:
            config = make_config(system.name, preset=preset, seed=0)
        self._loading = True
        try:
            self.items = {}
            groups = [
                self._model_group(system, config),
                self._initial_group(system, config),
                self._numerics_group(system, config),
            ]
            self.root = Parameter.create(name="run", type="group", children=[g for g in groups if g is not None])
            self.tree.setParameters(self.root, showTop=False)
            self.root.sigTreeStateChanged.connect(self._changed)
            self._show_interval()
        finally:
            self._loading = False
        self.validate()

    def _add(self, key: str, **opts) -> dict:
        opts.setdefault("name", key)
        opts["key"] = key
        return opts

    def _model_group(self, system: System, config: RunConfig) -> dict | None:
        children = [self._param_opts(p, config.params[p.name]) for p in system.parameters if p.role == "model"]
        return {"name": "Model parameters", "type": "group", "children": children} if children else None

    def _param_opts(self, p, value) -> dict:
        tip = f"{p.meaning}. Allowed: {p.bounds_text() if p.kind != 'choice' else ', '.join(p.choices)}"
        if p.structural:
            tip += ". Changing it restarts the run."
        title = f"{p.name}{_unit(p.unit)}"
        if p.kind == "choice":
            return self._add(f"param.{p.name}", title=title, type="list", limits=list(p.choices), value=value, tip=tip)
        opts = self._add(f"param.{p.name}", title=title, type=p.kind, value=value, tip=tip)
        if p.kind == "float":
            opts["dec"] = True  # steps scale with the value (sigma 10 → 1, nu 1e-3 → 1e-4)
            opts["decimals"] = 10
        return opts

    def _initial_group(self, system: System, config: RunConfig) -> dict:
        children = [self._param_opts(p, config.params[p.name]) for p in system.parameters if p.role == "initial"]
        if system.pde is None and system.initial_state is None and config.initial is not None:
            names = []
            for v in system.variables:
                size = v.size if isinstance(v.size, int) else config.params[v.size]
                names += [v.name] if size == 1 else [f"{v.name}[{i}]" for i in range(size)]
            if len(names) == len(config.initial):
                units = {v.name: v.unit for v in system.variables}
                for name, value in zip(names, config.initial):
                    unit = _unit(units.get(name.split("[")[0], "1"))
                    children.append(
                        self._add(f"initial.{name}", title=f"{name}(0){unit}", type="float", value=value, decimals=12)
                    )
        if system.pde is not None or system.initial_state is not None:
            children.append(
                self._add(
                    "preset_note",
                    title="initial fields" if system.pde is not None else "initial state",
                    type="str",
                    value=f"from preset {self.preset}" if self.preset else "the system's default",
                    readonly=True,
                )
            )
        children.append(
            self._add(
                "seed",
                title="random seed",
                type="int",
                value=config.seed or 0,
                limits=(0, 2**62),
                tip="seed of random initial data",
            )
        )
        return {"name": "Initial condition", "type": "group", "children": children}

    def _numerics_group(self, system: System, config: RunConfig) -> dict:
        kids = [
            self._add("method", type="list", limits=list(system.methods), value=config.method, tip="time integrator"),
            self._add(
                "dt", title="dt (fixed step)", type="float", value=config.dt or system.default_dt, dec=True, decimals=10
            ),
            self._add("rtol", type="float", value=config.rtol or 1e-9, dec=True, decimals=6),
            self._add("atol", type="float", value=config.atol or 1e-12, dec=True, decimals=6),
        ]
        unit = "iterations" if system.kind == "map" else system.time_unit
        finite = not math.isinf(config.t_end)
        kids += [
            self._add("until_stopped", title="run until stopped", type="bool", value=not finite),
            self._add(
                "t_end",
                title=f"duration{_unit(unit)}",
                type="float",
                value=config.t_end if finite else system.default_t_end,
                dec=True,
            ),
            self._add("samples", type="int", value=config.samples or system.default_samples, limits=(2, 10**9)),
            self._add(
                "sample_interval",
                title=f"sample interval{_unit(unit)}",
                type="float",
                value=config.sample_interval,
                dec=True,
                decimals=12,
            ),
        ]
        if system.pde is not None and config.grid is not None:
            n = config.grid["n"]
            domain = np.asarray(config.grid["domain"], dtype=float).reshape(-1, 2)
            kids.append(
                self._add("n", title="grid points per axis", type="int", value=int(np.ravel(n)[0]), limits=(4, 8192))
            )
            for axis, (a, b) in zip("xy", domain):
                kids.append(self._add(f"domain.{axis}0", title=f"{axis} from", type="float", value=float(a)))
                kids.append(self._add(f"domain.{axis}1", title=f"{axis} to", type="float", value=float(b)))
        return {"name": "Numerics", "type": "group", "children": kids}

    # -- reading ---------------------------------------------------------------
    def _walk(self):
        stack = list(self.root.children()) if self.root is not None else []
        while stack:
            p = stack.pop(0)
            if p.type() == "group":
                stack[:0] = p.children()
            else:
                yield p

    def values(self) -> dict[str, Any]:
        return {p.opts["key"]: p.value() for p in self._walk()}

    def param(self, key: str) -> Parameter:
        for p in self._walk():
            if p.opts["key"] == key:
                return p
        raise KeyError(key)

    def set_value(self, key: str, value: Any) -> None:
        """Set a value as if the user typed it (for scripts and tests)."""
        self.param(key).setValue(value)

    def config(self) -> RunConfig:
        """The validated request; raises ValueError naming what is wrong."""
        if self.system is None:
            raise ValueError("system: choose a system first")
        v = self.values()
        system = self.system
        params = {k.split(".", 1)[1]: val for k, val in v.items() if k.startswith("param.")}
        initial = None
        states = [val for k, val in v.items() if k.startswith("initial.")]
        if states:
            initial = states
        meth = METHODS.get(v["method"])
        kwargs: dict[str, Any] = {}
        if meth is not None and meth.fixed_step and v["dt"] != system.default_step(self.preset):
            # the preset's own step is left to make_config, which lowers it (and
            # says so) when the grid asked for is too fine for it
            kwargs["dt"] = v["dt"]
        elif meth is not None and meth.adaptive:
            kwargs["rtol"], kwargs["atol"] = v["rtol"], v["atol"]
        if v["until_stopped"]:
            kwargs["t_end"] = math.inf
            kwargs["sample_interval"] = v["sample_interval"]
        else:
            kwargs["t_end"] = v["t_end"]
            kwargs["samples"] = v["samples"]
        if "n" in v:
            axes = [a for a in "xy" if f"domain.{a}0" in v]
            dom = [(v[f"domain.{a}0"], v[f"domain.{a}1"]) for a in axes]
            kwargs["n"] = v["n"]
            kwargs["domain"] = dom[0] if len(dom) == 1 else dom
        return make_config(
            system.name,
            preset=self.preset,
            params=params,
            initial=initial,
            method=v["method"],
            seed=int(v["seed"]),
            **kwargs,
        )

    # -- validation ----------------------------------------------------------------
    def validate(self) -> bool:
        for p in self._walk():
            for item in p.items:
                item.setForeground(0, QBrush())
                item.setToolTip(0, p.opts.get("tip", ""))
        self.note.hide()
        try:
            cfg = self.config()
        except ValueError as exc:
            self.valid, self.message = False, str(exc)
            self._mark(str(exc))
            self.error.setText(f"Cannot run: {exc}")
            self.error.show()
        else:
            self.valid, self.message = True, ""
            self.error.hide()
            shown = self.values().get("dt")
            if METHODS[cfg.method].fixed_step and cfg.dt is not None and shown is not None and cfg.dt < shown:
                # make_config lowered the preset's step to the stability limit of this finer grid
                self.note.setText(
                    f"dt = {shown:g} is beyond the stability (CFL) limit on this grid: "
                    f"the run will take dt = {step_used(cfg):.4g}"
                )
                self.note.show()
        self.validity.emit(self.valid, self.message)
        return self.valid

    def _mark(self, message: str) -> None:
        m = _NAMED.match(message)
        if not m:
            return
        name = m.group("param") or m.group("field")
        keys = {f"param.{name}", name}
        if name == "initial":
            keys |= {p.opts["key"] for p in self._walk() if p.opts["key"].startswith("initial.")}
        if name == "domain":
            keys |= {p.opts["key"] for p in self._walk() if p.opts["key"].startswith("domain.")}
        for p in self._walk():
            if p.opts["key"] in keys:
                for item in p.items:
                    item.setForeground(0, QBrush(RED))
                    item.setToolTip(0, message)

    def _show_interval(self) -> None:
        v = self.values()
        until = v.get("until_stopped", False)
        self.param("samples").setOpts(visible=not until)
        self.param("t_end").setOpts(visible=not until)
        self.param("sample_interval").setOpts(visible=bool(until))
        meth = METHODS.get(v.get("method"))
        if meth is not None:
            self.param("dt").setOpts(visible=meth.fixed_step)
            self.param("rtol").setOpts(visible=meth.adaptive)
            self.param("atol").setOpts(visible=meth.adaptive)

    def _changed(self, root, changes) -> None:
        if self._loading:
            return
        for param, change, data in changes:
            if change != "value":
                continue
            self._show_interval()
            self.validate()
            self.edited.emit(param.opts["key"], data)

    def is_live(self, key: str) -> bool:
        """Whether an edit of ``key`` can reach a running run through its mailbox."""
        if not key.startswith("param."):
            return False
        p = self.system.parameter(key.split(".", 1)[1])
        return p.role == "model" and not p.structural
