"""``explorer`` command line.

``explorer systems`` lists the catalog, ``explorer show NAME`` describes one
system, ``explorer run NAME`` runs it headless (``--out FILE.h5`` streams it
into a session file), ``explorer info FILE`` describes a session and
``explorer export FILE`` converts it to CSV, npz or netCDF-4; ``explorer define
FILE`` checks typed equations and defines them (docs/user-systems.md).  Bad input or a
bad file prints one line and exits with status 2; no tracebacks.  Ctrl-C stops
a run cleanly (exit status 130; a session file keeps every sample so far).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import math
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

import solvers
from solvers import get_system, list_systems
from solvers.integrators import METHODS
from solvers.run import make_config, simulate_config, step_used

from .session.schema import SessionError

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


class UsageError(Exception):
    """A bad value on the command line: printed as one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse's default prints usage; keep it to one line
        raise UsageError(message)


def _parse_sets(items: Sequence[str]) -> dict[str, str]:
    out = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--set: {item!r} is not of the form name=value")
        out[key.strip()] = value.strip()
    return out


def _float(text: str | None, name: str) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        raise UsageError(f"{name}: {text!r} is not a number") from None


def cmd_systems(args) -> int:
    rows = [get_system(n) for n in list_systems(args.kind)]
    if args.markdown:
        from .catalog_doc import catalog_markdown

        sys.stdout.write(catalog_markdown())
        return 0
    if args.json:
        data = [
            {
                "name": s.name,
                "title": s.title,
                "kind": s.kind,
                "variables": list(s.variable_names),
                "parameters": {p.name: p.default for p in s.parameters},
                "presets": [p.name for p in s.presets],
                "methods": list(s.methods),
                "reference": s.reference,
            }
            for s in rows
        ]
        print(json.dumps(data, indent=2))
        return 0
    if not rows:
        print(f"no systems of kind {args.kind!r}")
        return 0
    width = max(len(s.name) for s in rows)
    kwidth = max(len(s.kind) for s in rows)
    for s in rows:
        print(f"{s.name:<{width}}  {s.kind:<{kwidth}}  {s.title}")
    print(f"\n{len(rows)} systems; `explorer show NAME` for equations, parameters and presets")
    return 0


def cmd_show(args) -> int:
    s = get_system(args.name)
    print(s.describe())
    if s.presets:
        print("\nPresets:")
        for p in s.presets:
            print(f"  {p.name}: {p.title}\n      source: {p.source}")
    print("\nMethods: " + ", ".join(s.methods) + f" (default {s.default_method})")
    if s.invariants:
        print("Invariants: " + ", ".join(f"{i.name} ({i.meaning})" for i in s.invariants))
    return 0


def _method_line(cfg) -> str:
    """The method and its step: for fixed-step methods the step taken (the
    configured one lowered to whole steps per sample), for adaptive ones the
    first step if one was given, and the tolerances."""
    line = f"method   {cfg.method}"
    if cfg.dt and METHODS[cfg.method].fixed_step:
        line += f", dt={step_used(cfg):g}"
    elif cfg.dt:
        line += f", first dt={cfg.dt:g}"
    if cfg.rtol:
        line += f", rtol={cfg.rtol:g}, atol={cfg.atol:g}"
    return line


def _message_lines(messages) -> list[str]:
    """The run's warnings and notes (unresolved data, an automatic step), one a line."""
    return [f"message  {line}" for m in messages for line in str(m).splitlines() if line.strip()]


def _summary(result) -> str:
    cfg = result.config
    lines = [
        f"system   {cfg.system}" + (f" (preset {cfg.preset})" if cfg.preset else ""),
        "params   " + ", ".join(f"{k}={v!r}" for k, v in cfg.params.items()),
        _method_line(cfg),
        f"status   {result.status}: {result.message}",
        *_message_lines(result.messages),
        f"samples  {result.t.size} to t = {result.t[-1] if result.t.size else 0:.6g}",
    ]
    if result.t.size:
        last = []
        for name in result.variables:
            v = np.asarray(result[name][-1])
            last.append(f"{name}={v:.10g}" if v.ndim == 0 else f"{name}=[{v.size} values, mean {v.mean():.6g}]")
        lines.append("final    " + ", ".join(last))
    from solvers.validation import drift

    for name, values in result.invariants.items():
        if values.size:
            lines.append(f"drift    {name}: {drift(values):.3e} (relative; absolute where |initial value| < 1)")
    lines.append(f"steps    {result.steps} in {result.wall_time:.3g} s")
    return "\n".join(lines)


@contextlib.contextmanager
def _stop_on_signals(stop: threading.Event):
    """Ctrl-C (and SIGTERM) set ``stop``: the run ends at the next chunk
    boundary and its file is closed cleanly.  A second Ctrl-C aborts."""

    def handler(signum, frame):
        if stop.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        stop.set()

    previous = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def _progress_bar(config, quiet: bool):
    if quiet:
        return None
    from tqdm import tqdm

    return tqdm(
        total=config.samples,
        unit=" samples",
        unit_scale=True,
        file=sys.stderr,
        mininterval=0.25,
        dynamic_ncols=True,
        desc=config.system,
    )


def _stream_summary(config, recorded, session_size: int) -> str:
    lines = [
        f"system   {config.system}" + (f" (preset {config.preset})" if config.preset else ""),
        "params   " + ", ".join(f"{k}={v!r}" for k, v in config.params.items()),
        _method_line(config),
        f"status   {recorded.status}: {recorded.message}",
        *_message_lines(recorded.messages),
    ]
    last = recorded.last
    if last is not None:
        lines.append(f"samples  {recorded.rows} to t = {last.t[-1]:.6g}")
        from solvers.run import Result

        tail = Result(config, last.t[-1:], last.y[-1:], {}, recorded.status, "", 0, 0.0, [])
        values = []
        for name in tail.variables:
            v = np.asarray(tail[name][-1])
            values.append(f"{name}={v:.10g}" if v.ndim == 0 else f"{name}=[{v.size} values, mean {v.mean():.6g}]")
        lines.append("final    " + ", ".join(values))
        from solvers.validation import drift

        for name, first in recorded.first_invariants.items():
            pair = np.stack([np.asarray(first), np.asarray(recorded.last_invariants[name])])
            lines.append(f"drift    {name}: {drift(pair):.3e} (relative; absolute where |initial value| < 1)")
    else:
        lines.append("samples  0")
    lines.append(f"steps    {recorded.steps} in {recorded.wall_time:.3g} s")
    lines.append(f"saved    {recorded.path}, run {recorded.run!r} ({_size(session_size)} file)")
    return "\n".join(lines)


def _size(n: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"  # pragma: no cover


def cmd_run(args) -> int:
    params = _parse_sets(args.set or [])
    t_end = _float(args.t_end, "--t-end")
    domain = None if args.domain is None else [_float(v, "--domain") for v in args.domain]
    config = make_config(
        args.name,
        preset=args.preset,
        params=params,
        t_end=t_end,
        samples=args.samples,
        method=args.method,
        dt=_float(args.dt, "--dt"),
        rtol=_float(args.rtol, "--rtol"),
        atol=_float(args.atol, "--atol"),
        seed=args.seed,
        n=args.n,
        domain=domain,
    )
    if math.isinf(config.t_end):
        raise UsageError("--t-end: a finite duration is needed on the command line")
    if args.out is None and (args.dtype != "float64" or args.compression):
        raise UsageError("--dtype and --compression: they shape a session file; give --out FILE.h5")
    if args.verbose:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("explorer: %(message)s"))
        log = logging.getLogger("explorer.session")
        log.addHandler(handler)
        log.setLevel(logging.DEBUG)
    stop = threading.Event()
    bar = None
    try:
        with _stop_on_signals(stop):
            bar = _progress_bar(config, args.quiet)
            if args.out is None:
                progress = None if bar is None else (lambda f: bar.update(round(f * config.samples) - bar.n))
                result = simulate_config(config, stop=stop, progress=progress)
                status = result.status
            else:
                from .session import SessionWriter, record

                with SessionWriter(args.out) as writer:
                    recorded = record(
                        config,
                        writer,
                        stop=stop,
                        progress=None if bar is None else (lambda chunk: bar.update(chunk.t.size)),
                        dtype=args.dtype,
                        compression=args.compression,
                    )
                status = recorded.status
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    finally:
        if bar is not None:
            bar.close()
    if args.out is None:
        print(_summary(result))
    else:
        print(_stream_summary(config, recorded, args.out.stat().st_size))
    if args.json:
        print(config.to_json())
    if status == "stopped" and stop.is_set():
        return EXIT_INTERRUPTED
    return 0 if status == "done" else 1


def cmd_info(args) -> int:
    from .session import Session

    with Session(args.file) as session:
        info = _session_info(session)
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    head = info["session"]
    versions = ", ".join(f"{k} {v}" for k, v in head["versions"].items())
    print(
        f"session  {head['path']} ({_size(head['size'])}): schema {head['schema_version']}, "
        f"written by Dynamics Explorer {head['app_version']} on {head['created']}"
    )
    print(f"versions {versions}")
    print(f"runs     {len(info['runs'])}")
    for r in info["runs"]:
        cfg = r["config"]
        print(f"\n{r['name']}  {r['system']}" + (f" (preset {r['preset']})" if r["preset"] else "") + f", {r['kind']}")
        status = r["status"] + (f": {r['message']}" if r["message"] else "")
        if r["status"] == "incomplete":
            status += ": the writer never closed the file (killed or crashed); samples up to its last flush are kept"
        print(f"  status   {status}")
        span = f", t = {r['t_first']:.6g} … {r['t_last']:.6g}" if r["samples"] else ""
        planned = f" of {r['samples_planned']} planned" if r["samples_planned"] not in (-1, r["samples"]) else ""
        print(f"  samples  {r['samples']}{planned}{span}")
        print("  params   " + ", ".join(f"{k}={v!r}" for k, v in cfg["params"].items()))
        numerics = [f"method {cfg['method']}"]
        numerics += [f"{k}={cfg[k]:g}" for k in ("dt", "rtol", "atol") if cfg.get(k) is not None]
        numerics += [f"seed={cfg['seed']}"] if cfg.get("seed") is not None else []
        if cfg.get("grid"):
            numerics.append(f"grid n={cfg['grid']['n']} on {cfg['grid']['domain']}")
        print("  numerics " + ", ".join(numerics))
        data = ", ".join(f"{v['name']} {tuple(v['shape'])} {v['dtype']}" for v in r["variables"])
        print(f"  data     {data}; stored as {r['dtype']}, compression {r['compression']}")
        for role in ("invariants", "observables"):
            if r[role]:
                print(f"  {role:<8} " + ", ".join(r[role]))
        print(f"  size     {_size(r['bytes'])} on disk; {r['messages']} messages, {r['events']} events")
        if r["analyses"]:
            print("  analyses " + ", ".join(r["analyses"]))
    if info["analyses"]:
        print("\nsession analyses: " + ", ".join(info["analyses"]))
    return 0


def _session_info(session) -> dict:
    runs = []
    for run in session:
        t = run.series_of_t()
        runs.append(
            {
                "name": run.name,
                "system": run.system,
                "kind": run.system_kind,
                "preset": run.preset,
                "status": run.status,
                "message": run.message,
                "samples": run.rows,
                "samples_planned": run.samples_planned,
                "t_first": float(t[0]) if run.rows else None,
                "t_last": float(t[-1]) if run.rows else None,
                "config": run.config.to_dict(),
                "variables": [
                    {"name": v, "shape": list(run[v].shape), "dtype": str(run[v].dtype)} for v in run.variables
                ],
                "invariants": list(run.invariants),
                "observables": list(run.observables),
                "dtype": run.dtype,
                "compression": run.compression,
                "bytes": run.nbytes_on_disk,
                "messages": len(run.messages),
                "events": len(run.events),
                "analyses": run.analyses(),
                "steps": run.steps,
                "created": run.created,
                "finished": run.finished,
            }
        )
    return {
        "session": {
            "path": str(session.path),
            "size": session.size,
            "format": session.format,
            "schema_version": session.schema_version,
            "app_version": session.app_version,
            "created": session.created,
            "versions": session.versions,
        },
        "runs": runs,
        "analyses": session.analyses(),
    }


def cmd_export(args) -> int:
    from .session.export import export

    names = export(args.file, args.out, args.format, args.run)
    print(f"exported {', '.join(names)} of {args.file} to {args.out} ({args.format})")
    return 0


def cmd_validate(args) -> int:
    from solvers import validation

    selected = validation.checks(args.system)
    if not selected:
        print(f"no checks for {args.system!r}")
        return 0
    outcomes = []
    for outcome in validation.run_checks(selected):
        outcomes.append(outcome)
        if not args.markdown:
            mark = "pass" if outcome.passed else "FAIL"
            print(
                f"{mark}  {outcome.check.system:<20} {outcome.check.name:<32} error {outcome.error:.2e} "
                f"(≤ {outcome.check.tolerance:.0e})  drift {outcome.drift:.1e}  {outcome.seconds:6.2f} s  "
                f"{outcome.note}",
                flush=True,
            )
    failed = sum(not o.passed for o in outcomes)
    if args.markdown:
        print(validation.table(outcomes))
    print(f"\n{len(outcomes) - failed} passed, {failed} failed")
    return 1 if failed else 0


def cmd_define(args) -> int:
    """Validate a file of typed equations (solvers.userdef); define it, and with
    --save keep it in the user library, where `run` and `show` find it."""
    from solvers import userdef

    try:
        text = args.file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{args.file}: cannot be read ({exc})") from None
    name = args.name or args.file.stem
    userdef.build.check_name(name)
    check = userdef.validate(text)
    if not check.ok:
        for p in check.problems:  # compiler-style lines an editor can jump to
            print(f"{args.file}:{p.line}:{p.column}: {p.message}", file=sys.stderr)
        return EXIT_USAGE
    print(userdef.define_system(name, text).describe())
    if args.save:
        print(f"\nsaved as {name!r} in {userdef.save_to_library(name, text)}")
    return 0


def _define_library_systems() -> None:
    """The user library's systems, for commands that look systems up by name."""
    from solvers.userdef import load_library

    for name, exc in load_library()[1].items():
        print(f"explorer: warning: user system {name!r} in the library is not valid: {exc}", file=sys.stderr)


def cmd_gui(args) -> int:
    from explorer.gui.app import launch  # Qt is imported only when the window opens

    return launch(args)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="explorer", description="Dynamics Explorer: nonlinear dynamics and PDEs.")
    parser.add_argument("--version", action="version", version=f"Dynamics Explorer {solvers.__version__}")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p = sub.add_parser("systems", help="list the catalog")
    p.add_argument("--kind", choices=["flow", "map", "ensemble", "pde"], help="only systems of this kind")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--markdown", action="store_true", help="the whole catalog as a Markdown page")
    p.set_defaults(func=cmd_systems)

    p = sub.add_parser("show", help="equations, parameters and presets of a system")
    p.add_argument("name")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("run", help="run a system headless and print a summary")
    p.add_argument("name")
    p.add_argument("--preset")
    p.add_argument("--set", action="append", metavar="NAME=VALUE", help="set a parameter (repeatable)")
    p.add_argument("--t-end", help="duration (iterations for maps)")
    p.add_argument("--samples", type=int, help="number of samples from 0 to t-end inclusive")
    p.add_argument("--method")
    p.add_argument("--dt", help="step of fixed-step methods")
    p.add_argument("--rtol")
    p.add_argument("--atol")
    p.add_argument("--seed", type=int)
    p.add_argument("--n", type=int, help="PDEs: grid points per axis")
    p.add_argument("--domain", nargs=2, metavar=("A", "B"), help="PDEs: the interval [A, B) (each axis in 2-D)")
    p.add_argument("--json", action="store_true", help="also print the run's configuration as JSON")
    p.add_argument(
        "--out", type=Path, metavar="FILE.h5", help="stream the run into a session file (appended if it exists)"
    )
    p.add_argument(
        "--dtype", choices=["float64", "float32"], default="float64", help="with --out: storage of the state"
    )
    p.add_argument("--compression", choices=["gzip"], help="with --out: gzip+shuffle (for large smooth fields)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
    p.add_argument("-v", "--verbose", action="store_true", help="with --out: log every flush of the file")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("info", help="runs, systems, configs, sizes and status of a session file")
    p.add_argument("file", type=Path)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("export", help="export a session's runs to CSV, npz or netCDF-4")
    p.add_argument("file", type=Path)
    p.add_argument("--run", help="the run to export (needed for csv and npz when the file holds several)")
    p.add_argument("--format", required=True, choices=["csv", "npz", "netcdf"])
    p.add_argument("--out", required=True, type=Path, metavar="PATH")
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("gui", help="open the desktop explorer (what `explorer` with no arguments does)")
    p.add_argument("--system", help="select this system at start")
    p.add_argument("--preset", help="with --system: select this preset")
    p.add_argument("--session", type=Path, metavar="FILE.h5", help="open this session file at start")
    p.add_argument("--run-for", type=float, metavar="SECONDS", help="start the run and let it go this long")
    p.add_argument("--screenshot", type=Path, metavar="FILE.png", help="save a picture of the window (after --run-for)")
    p.add_argument("--save", type=Path, metavar="FILE.h5", help="save the session to this file (after --run-for)")
    p.add_argument("--quit", action="store_true", help="close the window after the above")
    p.add_argument("--size", default="1400x900", metavar="WxH", help="window size (default 1400x900)")
    p.set_defaults(func=cmd_gui)

    p = sub.add_parser("define", help="check a file of typed equations and define it as a system")
    p.add_argument("file", type=Path, metavar="FILE.txt", help="the equations (see docs/user-systems.md)")
    p.add_argument("--name", help="the system's name (default: the file name without its suffix)")
    p.add_argument("--save", action="store_true", help="keep it in the user library (then `run NAME` finds it)")
    p.set_defaults(func=cmd_define)

    p = sub.add_parser("validate", help="check every preset with an exact or published reference")
    p.add_argument("--system", help="only this system's checks")
    p.add_argument("--markdown", action="store_true", help="print the results as a Markdown table")
    p.set_defaults(func=cmd_validate)

    from .sweep.command import add_parser as add_sweep_parser  # `explorer sweep` lives in explorer/sweep

    add_sweep_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command is None:
            # no arguments: the desktop app
            args = parser.parse_args(["gui"])
        if args.command in ("run", "show"):
            _define_library_systems()
        return args.func(args)
    except (UsageError, ValueError, SessionError) as exc:
        print(f"explorer: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
