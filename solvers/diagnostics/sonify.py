"""Sonification: a time series as notes on a scale, audio synthesized in numpy,
written as WAV (standard library ``wave``, 16-bit PCM) and, with the optional
``mido`` package (``pip install dynamics-explorer[audio]``), as a MIDI file.

Pitch convention: pitches are MIDI note numbers, possibly fractional
(69 = A4 = 440 Hz, 60 = middle C = C4); 12-tone equal temperament gives
f = 440 · 2^((m − 69)/12) Hz.  A scale is a tuple of steps in semitones
above its root, repeating every octave (12 semitones):

=================  =================================  ==========================
name               steps (semitones)                  source / note
=================  =================================  ==========================
chromatic          0 1 2 … 11                         12-TET
major_pentatonic   0 2 4 7 9                          12-TET
pelog              0 1 3 7 8                          12-TET approximation
slendro            0 2 3 7 9                          12-TET approximation
slendro_5tet       0 2.4 4.8 7.2 9.6                  five equal steps per
                                                      octave (ratio 2^(1/5))
=================  =================================  ==========================

The pelog and slendro rows are the 12-TET approximations used by the ENSO
sonification study (S. H. S. Herho et al., arXiv:2602.14560, 2026: pelog
C–D♭–E♭–G–A♭, slendro C–D–E♭–G–A).  Other tables approximate slendro as
{0, 2, 5, 7, 9}; measured gamelan tunings differ from ensemble to ensemble,
and slendro is close to five equal steps of 240 cents — hence
``slendro_5tet``.

The mapping (:func:`notes_from_series`): values are scaled linearly from
[vmin, vmax] (default the data range) onto the available pitches of the
scale between ``low`` and ``high`` (inclusive), ordered by rank, and rounded
to the nearest: the lowest value plays the lowest pitch, the highest the
highest.  Tempo is in notes per second; loudness is a MIDI velocity 1–127.
"""

from __future__ import annotations

import itertools
import math
import numbers
import os
import wave
from dataclasses import dataclass

import numpy as np

A4_MIDI = 69
A4_HZ = 440.0

SCALES: dict[str, tuple[float, ...]] = {
    "chromatic": tuple(float(k) for k in range(12)),
    "major_pentatonic": (0.0, 2.0, 4.0, 7.0, 9.0),
    "pelog": (0.0, 1.0, 3.0, 7.0, 8.0),
    "slendro": (0.0, 2.0, 3.0, 7.0, 9.0),
    "slendro_5tet": tuple(12.0 * k / 5.0 for k in range(5)),
}

LOUDNESS = ("constant", "amplitude", "change")


def _real(name: str, value, *, low=None, high=None, low_open=False) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
        raise ValueError(f"{name}: {value!r} is not allowed; expected a finite number")
    v = float(value)
    if low is not None and (v < low or (low_open and v == low)):
        raise ValueError(f"{name}: {value!r} is not allowed; expected a number {'>' if low_open else '≥'} {low}")
    if high is not None and v > high:
        raise ValueError(f"{name}: {value!r} is not allowed; expected a number ≤ {high}")
    return v


def midi_to_hz(m):
    """Frequency in Hz of MIDI note number(s) ``m`` (fractional allowed): 440 · 2^((m − 69)/12)."""
    return A4_HZ * np.exp2((np.asarray(m, dtype=np.float64) - A4_MIDI) / 12.0)


def hz_to_midi(f):
    """MIDI note number(s) of frequency(ies) ``f`` in Hz: 69 + 12 log₂(f/440)."""
    f = np.asarray(f, dtype=np.float64)
    if np.any(~np.isfinite(f)) or np.any(f <= 0):
        raise ValueError(f"f: {f!r} is not allowed; expected positive finite frequencies in Hz")
    return A4_MIDI + 12.0 * np.log2(f / A4_HZ)


def _scale_steps(scale) -> tuple[float, ...]:
    if isinstance(scale, str):
        if scale not in SCALES:
            raise ValueError(f"scale: {scale!r} is not allowed; choose one of {', '.join(SCALES)} or give steps")
        return SCALES[scale]
    try:
        steps = tuple(float(s) for s in scale)
    except (TypeError, ValueError):
        raise ValueError(f"scale: {scale!r} is not allowed; expected a scale name or semitone steps") from None
    if (
        not steps
        or not all(math.isfinite(s) and 0 <= s < 12 for s in steps)
        or any(b <= a for a, b in itertools.pairwise(steps))
    ):
        raise ValueError(f"scale: {scale!r} is not allowed; expected increasing steps in [0, 12) semitones")
    return steps


def scale_pitches(scale="pelog", low: float = 60, high: float = 84, root: float = 60) -> np.ndarray:
    """All pitches of a scale between ``low`` and ``high`` (MIDI numbers, inclusive).

    ``scale``: a name from :data:`SCALES` or increasing steps in [0, 12)
    semitones; the scale is anchored at ``root`` (a MIDI number; default 60 =
    C4) and repeats every octave.  Returns sorted, possibly fractional MIDI
    numbers (rounded to 1e-9 to absorb floating-point noise).
    """
    steps = _scale_steps(scale)
    low = _real("low", low, low=0.0, high=127.0)
    high = _real("high", high, low=0.0, high=127.0)
    root = _real("root", root, low=0.0, high=127.0)
    if high < low:
        raise ValueError(f"high: {high!r} is below low = {low!r}")
    k0 = math.floor((low - root) / 12.0) - 1
    k1 = math.ceil((high - root) / 12.0) + 1
    p = np.array([root + 12.0 * k + s for k in range(k0, k1 + 1) for s in steps])
    p = np.round(p, 9)
    p = p[(p >= low - 1e-9) & (p <= high + 1e-9)]
    if p.size == 0:
        raise ValueError(f"low, high: no pitch of the scale lies in [{low:g}, {high:g}]")
    return np.sort(p)


def map_to_pitches(x, scale="pelog", low: float = 60, high: float = 84, root: float = 60, vmin=None, vmax=None):
    """Pitches (MIDI numbers) for the values of a series; see the module docstring.

    u = (x − vmin)/(vmax − vmin) clipped to [0, 1] (a constant series maps to
    u = 0.5); index = round(u · (K − 1)) into the K pitches of
    :func:`scale_pitches` (rounding half to even).  ``vmin``/``vmax`` default
    to the data's minimum and maximum.
    """
    a = np.asarray(x, dtype=np.float64)
    if a.ndim != 1 or a.size < 1:
        raise ValueError(f"x: an array of shape {a.shape} is not allowed; expected a non-empty 1-D series")
    if not np.all(np.isfinite(a)):
        raise ValueError("x: contains NaN or inf; expected finite values")
    pitches = scale_pitches(scale, low, high, root)
    lo = float(a.min()) if vmin is None else _real("vmin", vmin)
    hi = float(a.max()) if vmax is None else _real("vmax", vmax)
    if hi < lo:
        raise ValueError(f"vmax: {hi!r} is below vmin = {lo!r}")
    if hi == lo:
        u = np.full(a.size, 0.5)
    else:
        u = np.clip((a - lo) / (hi - lo), 0.0, 1.0)
    idx = np.rint(u * (pitches.size - 1)).astype(np.int64)
    return pitches[idx]


@dataclass(frozen=True)
class Notes:
    """A monophonic or polyphonic note list (all arrays of one length).

    ``pitch``: MIDI numbers (fractional for non-12-TET scales); ``frequency``:
    Hz; ``velocity``: MIDI velocity 1–127; ``onset`` and ``duration``:
    seconds.  ``span``: the length of the piece in seconds (N/rate for
    :func:`notes_from_series`: the last note's slot includes its gap).
    """

    pitch: np.ndarray
    frequency: np.ndarray
    velocity: np.ndarray
    onset: np.ndarray
    duration: np.ndarray
    span: float = 0.0

    @property
    def end(self) -> float:
        """Length of the audio in seconds: the later of ``span`` and the time
        the last note stops sounding."""
        last = float(np.max(self.onset + self.duration)) if self.onset.size else 0.0
        return max(self.span, last)


def _scale01(v: np.ndarray) -> np.ndarray:
    lo, hi = float(v.min()), float(v.max())
    if hi == lo:
        return np.ones_like(v)
    return (v - lo) / (hi - lo)


def notes_from_series(
    x,
    scale="pelog",
    *,
    low: float = 60,
    high: float = 84,
    root: float = 60,
    rate: float = 4.0,
    gate: float = 0.9,
    loudness="constant",
    velocity_range: tuple[int, int] = (40, 120),
    vmin=None,
    vmax=None,
) -> Notes:
    """One note per sample of ``x``: pitch from the value, loudness from a rule.

    Pitch: :func:`map_to_pitches` (``scale``, ``low``, ``high``, ``root``,
    ``vmin``, ``vmax``).  Tempo: ``rate`` notes per second; note i starts at
    i/rate seconds and lasts ``gate``/rate seconds (0 < gate ≤ 4; gate ≤ 1
    leaves a gap, > 1 overlaps notes).  Loudness → MIDI velocity in
    ``velocity_range`` = (v_lo, v_hi):

    - ``"constant"`` (default): every note at v_hi;
    - ``"amplitude"``: the local amplitude |x_i − mean x|, scaled linearly so
      its minimum plays v_lo and its maximum v_hi;
    - ``"change"``: the rate of change |x_i − x_{i−1}| (0 for the first note),
      scaled the same way;
    - an array of N values (a second series): scaled the same way.

    Velocities are rounded to integers.  A rule with no variation plays at v_hi.
    """
    pitch = map_to_pitches(x, scale, low, high, root, vmin, vmax)
    a = np.asarray(x, dtype=np.float64)
    n = a.size
    rate = _real("rate", rate, low=0.0, low_open=True)
    gate = _real("gate", gate, low=0.0, high=4.0, low_open=True)
    try:
        v_lo, v_hi = velocity_range
    except (TypeError, ValueError):
        raise ValueError(f"velocity_range: {velocity_range!r} is not allowed; expected (low, high)") from None
    if not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in (v_lo, v_hi)) or not (
        1 <= v_lo <= v_hi <= 127
    ):
        raise ValueError(f"velocity_range: {velocity_range!r} is not allowed; expected integers 1 ≤ low ≤ high ≤ 127")
    if isinstance(loudness, str):
        if loudness not in LOUDNESS:
            raise ValueError(f"loudness: {loudness!r} is not allowed; choose one of {', '.join(LOUDNESS)} or an array")
        if loudness == "constant":
            level = np.ones(n)
        elif loudness == "amplitude":
            level = _scale01(np.abs(a - a.mean()))
        else:
            level = _scale01(np.abs(np.diff(a, prepend=a[0])))
    else:
        v = np.asarray(loudness, dtype=np.float64)
        if v.shape != (n,) or not np.all(np.isfinite(v)):
            raise ValueError(f"loudness: an array must hold {n} finite values (one per sample), not shape {v.shape}")
        level = _scale01(v)
    velocity = np.rint(v_lo + level * (v_hi - v_lo)).astype(np.int64)
    onset = np.arange(n) / rate
    duration = np.full(n, gate / rate)
    return Notes(pitch, midi_to_hz(pitch), velocity, onset, duration, n / rate)


def _check_notes(notes) -> Notes:
    if not isinstance(notes, Notes):
        raise ValueError(f"notes: {type(notes).__name__} is not allowed; expected a Notes (see notes_from_series)")
    if notes.onset.size == 0:
        raise ValueError("notes: the note list is empty")
    return notes


def _sample_rate(sample_rate) -> int:
    if (
        isinstance(sample_rate, bool)
        or not isinstance(sample_rate, numbers.Integral)
        or not 1000 <= sample_rate <= 384000
    ):
        raise ValueError(f"sample_rate: {sample_rate!r} is not allowed; expected an integer from 1000 to 384000 Hz")
    return int(sample_rate)


def _synth_params(sample_rate, harmonics, attack, release, gain):
    sample_rate = _sample_rate(sample_rate)
    h = np.asarray(harmonics, dtype=np.float64).ravel()
    if h.size < 1 or not np.all(np.isfinite(h)) or np.any(h < 0) or not h.sum() > 0:
        raise ValueError(f"harmonics: {harmonics!r} is not allowed; expected non-negative amplitudes, not all zero")
    attack = _real("attack", attack, low=0.0)
    release = _real("release", release, low=0.0)
    gain = _real("gain", gain, low=0.0, high=1.0, low_open=True)
    return int(sample_rate), h / h.sum(), attack, release, gain


class _Renderer:
    """Renders any block of samples of a note list (amplitude velocity/127)."""

    def __init__(self, notes: Notes, sr: int, harm: np.ndarray, attack: float, release: float):
        start = np.rint(notes.onset * sr).astype(np.int64)
        order = np.argsort(start, kind="stable")
        self.start = start[order]
        self.length = np.maximum(np.rint(notes.duration * sr).astype(np.int64), 1)[order]
        self.freq = notes.frequency[order]
        self.amp = notes.velocity[order] / 127.0
        self.longest = int(self.length.max())
        self.sr, self.harm, self.attack, self.release = sr, harm, attack, release

    def __call__(self, s0: int, s1: int) -> np.ndarray:
        sr = self.sr
        out = np.zeros(s1 - s0)
        # notes starting in [s0 − longest, s1) are the only ones that can sound here
        first = np.searchsorted(self.start, s0 - self.longest, side="left")
        last = np.searchsorted(self.start, s1, side="left")
        for i in range(first, last):
            st, ln = int(self.start[i]), int(self.length[i])
            a, b = max(s0, st), min(s1, st + ln)
            if b <= a:
                continue
            t = np.arange(a - st, b - st) / sr  # time within the note
            dur = ln / sr
            # linear attack and release ramps inside the note: no clicks at either end
            env = np.ones(t.size)
            if self.attack > 0:
                env = np.minimum(env, t / min(self.attack, dur / 2))
            if self.release > 0:
                env = np.minimum(env, (dur - t) / min(self.release, dur / 2))
            np.clip(env, 0.0, 1.0, out=env)
            tone = np.zeros(t.size)
            f0 = self.freq[i]
            for n, amp in enumerate(self.harm, start=1):
                if amp > 0 and n * f0 < sr / 2.0:
                    tone += amp * np.sin(2.0 * np.pi * n * f0 * t)
            out[a - s0 : b - s0] += self.amp[i] * env * tone
        return out


def _peak_bound(notes: Notes) -> float:
    """An upper bound of |signal|: the largest sum of velocity/127 of notes
    sounding at one time (harmonic amplitudes sum to 1)."""
    ev = np.concatenate([notes.onset, notes.onset + notes.duration])
    dv = np.concatenate([notes.velocity / 127.0, -notes.velocity / 127.0])
    order = np.lexsort((dv, ev))  # at equal times, endings (negative) first
    return float(max(np.max(np.cumsum(dv[order])), 1e-12))


def synthesize(
    notes: Notes,
    sample_rate: int = 44100,
    *,
    harmonics=(1.0,),
    attack: float = 0.01,
    release: float = 0.05,
    gain: float = 0.8,
) -> np.ndarray:
    """Audio samples (float64 in [−gain, gain]) of a note list.

    Each note is Σ_n a_n sin(2π n f t) with the ``harmonics`` amplitudes a_n
    (normalised to sum 1; default a pure sine; partials above the Nyquist
    frequency are dropped), times velocity/127, times an envelope rising
    linearly over ``attack`` seconds and falling linearly to zero over the
    last ``release`` seconds of the note (each capped at half the note) so
    that notes start and stop without clicks.  The sum is scaled by ``gain``
    divided by the largest total velocity/127 of overlapping notes, so it
    never clips.  Length: round(end · sample_rate) samples, with ``end`` the
    later of ``notes.span`` and the time the last note stops (N/rate seconds
    for :func:`notes_from_series` with gate ≤ 1).
    """
    notes = _check_notes(notes)
    sr, harm, attack, release, gain = _synth_params(sample_rate, harmonics, attack, release, gain)
    total = round(notes.end * sr)
    scale = gain / max(_peak_bound(notes), 1.0)
    return _Renderer(notes, sr, harm, attack, release)(0, total) * scale


def _pcm16(block: np.ndarray) -> bytes:
    return np.clip(np.rint(block * 32767.0), -32768, 32767).astype("<i2").tobytes()


def write_wav(
    path,
    notes_or_audio,
    sample_rate: int = 44100,
    *,
    harmonics=(1.0,),
    attack: float = 0.01,
    release: float = 0.05,
    gain: float = 0.8,
    block: int = 1 << 16,
) -> float:
    """Write a mono 16-bit PCM WAV file; returns its duration in seconds.

    ``notes_or_audio``: a :class:`Notes` list — synthesized block by block as
    :func:`synthesize` would, so memory stays O(block) however long the piece
    — or a 1-D array of samples in [−1, 1] (values outside are clipped).
    Written with the standard library ``wave`` module.
    """
    sample_rate = _sample_rate(sample_rate)
    block = int(block)
    if block < 1:
        raise ValueError(f"block: {block!r} is not allowed; expected a positive number of samples")
    path = os.fspath(path)
    if isinstance(notes_or_audio, Notes):
        notes = _check_notes(notes_or_audio)
        sr, harm, attack, release, gain = _synth_params(sample_rate, harmonics, attack, release, gain)
        total = round(notes.end * sr)
        scale = gain / max(_peak_bound(notes), 1.0)
        render = _Renderer(notes, sr, harm, attack, release)
        with wave.open(path, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(sr)
            for s0 in range(0, total, block):
                s1 = min(total, s0 + block)
                w.writeframes(_pcm16(render(s0, s1) * scale))
        return total / sr
    audio = np.asarray(notes_or_audio, dtype=np.float64)
    if audio.ndim != 1 or audio.size == 0 or not np.all(np.isfinite(audio)):
        raise ValueError(
            f"notes_or_audio: expected a Notes list or a non-empty finite 1-D array of samples, got shape {audio.shape}"
        )
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(int(sample_rate))
        for s0 in range(0, audio.size, block):
            w.writeframes(_pcm16(audio[s0 : s0 + block]))
    return audio.size / int(sample_rate)


def write_midi(path, notes: Notes, *, tempo_bpm: float = 120.0, program: int = 0, bend_range: float = 2.0) -> None:
    """Write a single-track (type 0) standard MIDI file of a note list (needs ``mido``).

    Channel 0, General MIDI ``program`` (0 = acoustic grand piano), tempo
    ``tempo_bpm`` with 480 ticks per beat (times are converted exactly from
    seconds, so the tempo only changes how notation software shows beats).
    Fractional pitches (non-12-TET scales such as ``slendro_5tet``) are
    played as the nearest lower key plus a pitch-bend message before the
    note; ``bend_range`` is the synthesizer's bend range in semitones
    (the General MIDI default is ±2).  Pitch bend acts on the whole channel,
    so overlapping notes with different bends are refused.
    """
    try:
        import mido
    except ImportError:
        raise ImportError(
            "write_midi needs the optional package mido: pip install 'dynamics-explorer[audio]' (or pip install mido)"
        ) from None
    notes = _check_notes(notes)
    tempo_bpm = _real("tempo_bpm", tempo_bpm, low=0.0, low_open=True)
    bend_range = _real("bend_range", bend_range, low=0.0, low_open=True)
    if isinstance(program, bool) or not isinstance(program, numbers.Integral) or not 0 <= program <= 127:
        raise ValueError(f"program: {program!r} is not allowed; expected an integer from 0 to 127")
    key = np.floor(notes.pitch + 1e-9).astype(np.int64)
    frac = notes.pitch - key
    frac[np.abs(frac) < 1e-9] = 0.0
    if np.any(key < 0) or np.any(key > 127):
        raise ValueError("notes: pitches must lie in the MIDI range 0–127")
    if np.any(frac > bend_range):
        raise ValueError(f"bend_range: {bend_range} semitones cannot reach the fractional pitches of these notes")
    bend = np.rint(frac / bend_range * 8192).astype(np.int64)
    bend = np.minimum(bend, 8191)
    tpb = 480
    tempo = mido.bpm2tempo(tempo_bpm)
    ticks_per_s = tpb * 1e6 / tempo
    on = np.rint(notes.onset * ticks_per_s).astype(np.int64)
    off = np.rint((notes.onset + notes.duration) * ticks_per_s).astype(np.int64)
    off = np.maximum(off, on + 1)
    uses_bend = bool(np.any(bend != 0))
    if uses_bend:
        active: list[tuple[int, int]] = []  # (off tick, bend) of the notes sounding
        for i in np.argsort(on, kind="stable"):
            active = [(o, b) for o, b in active if o > on[i]]
            if any(b != bend[i] for _, b in active):
                raise ValueError("notes: overlapping notes need different pitch bends; MIDI bends the whole channel")
            active.append((int(off[i]), int(bend[i])))
    events = []  # (tick, priority, message) — note-offs before bends before note-ons at one tick
    for i in range(notes.onset.size):
        if uses_bend:
            events.append((int(on[i]), 1, mido.Message("pitchwheel", channel=0, pitch=int(bend[i]))))
        vel = int(notes.velocity[i])
        events.append((int(on[i]), 2, mido.Message("note_on", channel=0, note=int(key[i]), velocity=vel)))
        events.append((int(off[i]), 0, mido.Message("note_off", channel=0, note=int(key[i]), velocity=0)))
    events.sort(key=lambda e: (e[0], e[1]))
    track = mido.MidiTrack()
    track.append(mido.MetaMessage("set_tempo", tempo=tempo, time=0))
    track.append(mido.Message("program_change", channel=0, program=int(program), time=0))
    now = 0
    for tick, _, msg in events:
        track.append(msg.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=0))
    mid = mido.MidiFile(type=0, ticks_per_beat=tpb)
    mid.tracks.append(track)
    mid.save(os.fspath(path))
