"""Sonification: exact pitch mapping (12-TET and 5-TET), tempo and loudness
rules, WAV files read back (rate, length, dominant frequency), MIDI read back
with mido, bad input."""

import sys
import wave

import numpy as np
import pytest
from scipy.io import wavfile

from solvers.diagnostics import sonify as S


def read_wav(path):
    with wave.open(str(path), "rb") as w:
        assert w.getnchannels() == 1
        assert w.getsampwidth() == 2
        rate, frames = w.getframerate(), w.getnframes()
        data = np.frombuffer(w.readframes(frames), dtype="<i2")
    return rate, data


# ---------------------------------------------------------------- pitch


def test_twelve_tone_equal_temperament():
    assert S.midi_to_hz(69) == 440.0
    assert S.midi_to_hz(81) == 880.0
    assert S.midi_to_hz(57) == 220.0
    assert S.midi_to_hz(60) == pytest.approx(261.6255653005986, rel=1e-15)
    m = np.arange(128)
    np.testing.assert_allclose(S.midi_to_hz(m), 440.0 * 2.0 ** ((m - 69) / 12), rtol=1e-15)
    np.testing.assert_allclose(S.hz_to_midi(S.midi_to_hz(m)), m, atol=1e-12)


@pytest.mark.parametrize(
    ("scale", "low", "high", "root", "expected"),
    [
        ("pelog", 60, 84, 60, [60, 61, 63, 67, 68, 72, 73, 75, 79, 80, 84]),
        ("slendro", 60, 84, 60, [60, 62, 63, 67, 69, 72, 74, 75, 79, 81, 84]),
        ("major_pentatonic", 60, 72, 60, [60, 62, 64, 67, 69, 72]),
        ("chromatic", 57, 62, 60, [57, 58, 59, 60, 61, 62]),
        ("major_pentatonic", 50, 60, 62, [50, 52, 54, 57, 59]),  # D pentatonic: D E F♯ A B
        ("pelog", 55, 66, 60, [55, 56, 60, 61, 63]),  # below the root: G3 A♭3 C4 D♭4 E♭4
        ([0, 5], 60, 78, 60, [60, 65, 72, 77]),  # a scale given as steps
    ],
)
def test_scale_pitches(scale, low, high, root, expected):
    np.testing.assert_array_equal(S.scale_pitches(scale, low, high, root), expected)


def test_true_five_tone_equal_slendro():
    p = S.scale_pitches("slendro_5tet", 60, 84)
    np.testing.assert_allclose(p, 60 + 2.4 * np.arange(11), atol=1e-9)
    f = S.midi_to_hz(p)
    np.testing.assert_allclose(f[1:] / f[:-1], 2.0 ** (1 / 5), rtol=1e-12)
    assert f[5] / f[0] == pytest.approx(2.0, rel=1e-12)  # five steps make an octave
    assert f[0] == pytest.approx(261.6255653005986, rel=1e-12)


def test_values_map_onto_the_scale_by_rank():
    pitches = S.scale_pitches("pelog", 60, 84)
    ramp = np.arange(pitches.size, dtype=float) * 0.37 - 2.0
    np.testing.assert_array_equal(S.map_to_pitches(ramp, "pelog"), pitches)
    x = np.array([-1.0, 1.0, 0.0, 0.26, 5.0])
    # vmin/vmax fix the range; values beyond it clip; u = 0.63 → index round(6.3) = 6
    np.testing.assert_array_equal(S.map_to_pitches(x, "pelog", vmin=-1, vmax=1), [60, 84, 72, 73, 84])
    assert np.all(S.map_to_pitches(np.full(4, 3.0), "pelog") == 72)  # a constant sits in the middle


# ---------------------------------------------------------------- notes


def test_tempo_and_loudness_rules():
    x = np.array([0.0, 2.0, -1.0, 3.0])
    n = S.notes_from_series(x, rate=8.0, gate=0.5, velocity_range=(20, 100))
    np.testing.assert_allclose(n.onset, [0, 0.125, 0.25, 0.375])
    np.testing.assert_allclose(n.duration, 0.0625)
    assert n.span == 0.5
    assert n.end == 0.5
    np.testing.assert_array_equal(n.velocity, 100)  # "constant"
    amp = S.notes_from_series(x, loudness="amplitude", velocity_range=(20, 100))
    # |x − 1| = 1, 1, 2, 2 → 20, 20, 100, 100
    np.testing.assert_array_equal(amp.velocity, [20, 20, 100, 100])
    change = S.notes_from_series(x, loudness="change", velocity_range=(20, 100))
    # |Δx| = 0, 2, 3, 4 → 20 + 80·(0, 0.5, 0.75, 1)
    np.testing.assert_array_equal(change.velocity, [20, 60, 80, 100])
    second = S.notes_from_series(x, loudness=np.array([5.0, 6.0, 7.0, 9.0]), velocity_range=(1, 125))
    np.testing.assert_array_equal(second.velocity, [1, 32, 63, 125])
    np.testing.assert_allclose(amp.frequency, S.midi_to_hz(amp.pitch))


# ---------------------------------------------------------------- audio


def test_wav_has_the_stated_duration(tmp_path):
    x = np.sin(np.linspace(0, 12, 37))
    notes = S.notes_from_series(x, "slendro", rate=5.0, loudness="amplitude")
    path = tmp_path / "piece.wav"
    seconds = S.write_wav(path, notes, sample_rate=22050)
    assert seconds == pytest.approx(37 / 5.0)
    rate, data = read_wav(path)
    assert rate == 22050
    assert data.size == round(37 / 5.0 * 22050)
    rate2, data2 = wavfile.read(path)  # an independent reader agrees
    assert rate2 == 22050
    np.testing.assert_array_equal(data2, data)
    assert np.abs(data).max() <= round(0.8 * 32767)  # gain 0.8, no clipping


def test_streamed_wav_equals_the_synthesized_audio(tmp_path):
    notes = S.notes_from_series(np.random.default_rng(0).standard_normal(20), "pelog", rate=6.0, gate=1.7)
    audio = S.synthesize(notes, 8000, harmonics=(1.0, 0.5, 0.25))
    assert np.abs(audio).max() <= 0.8  # overlapping notes (gate 1.7) are scaled, not clipped
    S.write_wav(tmp_path / "a.wav", notes, 8000, harmonics=(1.0, 0.5, 0.25), block=777)
    _, data = read_wav(tmp_path / "a.wav")
    np.testing.assert_array_equal(data, np.rint(audio * 32767).astype(np.int16))


@pytest.mark.parametrize("pitch", [69.0, 62.4])
def test_one_note_file_sounds_the_note(tmp_path, pitch):
    """One note of 1 s at 44.1 kHz: the FFT peak (1 Hz bins) is the note's
    frequency, to within half a bin; the envelope starts and ends at zero."""
    f0 = float(S.midi_to_hz(pitch))
    notes = S.Notes(np.array([pitch]), np.array([f0]), np.array([100]), np.array([0.0]), np.array([1.0]), span=1.0)
    S.write_wav(tmp_path / "one.wav", notes, 44100)
    rate, data = read_wav(tmp_path / "one.wav")
    assert data.size == 44100
    spectrum = np.abs(np.fft.rfft(data.astype(float)))
    freqs = np.fft.rfftfreq(data.size, 1.0 / rate)
    assert abs(freqs[np.argmax(spectrum)] - f0) <= 0.5
    assert data[0] == 0
    assert abs(int(data[-1])) < 0.001 * 32767


def test_raw_samples_to_wav(tmp_path):
    t = np.arange(4000) / 8000
    samples = 0.5 * np.sin(2 * np.pi * 1000 * t)
    assert S.write_wav(tmp_path / "raw.wav", samples, 8000) == 0.5
    rate, data = read_wav(tmp_path / "raw.wav")
    assert rate == 8000
    np.testing.assert_array_equal(data, np.rint(samples * 32767).astype(np.int16))


# ---------------------------------------------------------------- MIDI


def test_midi_round_trip(tmp_path):
    mido = pytest.importorskip("mido")
    notes = S.notes_from_series(np.array([0.0, 1.0, 2.0, 3.0]), "pelog", low=60, high=72, rate=2.0, gate=1.0)
    S.write_midi(tmp_path / "p.mid", notes, tempo_bpm=60)
    mid = mido.MidiFile(tmp_path / "p.mid")
    ons = [m for m in mid.tracks[0] if m.type == "note_on"]
    assert [m.note for m in ons] == [60, 63, 67, 72]  # ranks 0, 5/3, 10/3, 5 of 60 61 63 67 68 72, rounded
    assert [m.velocity for m in ons] == [120] * 4
    assert mid.length == pytest.approx(2.0)  # four notes at 2 per second
    t, starts = 0.0, []
    for m in mid:  # iterating a MidiFile yields times in seconds
        t += m.time
        if m.type == "note_on":
            starts.append(t)
    np.testing.assert_allclose(starts, [0, 0.5, 1.0, 1.5])


def test_midi_bends_five_tone_equal_pitches(tmp_path):
    mido = pytest.importorskip("mido")
    notes = S.notes_from_series(np.arange(6.0), "slendro_5tet", low=60, high=72)
    S.write_midi(tmp_path / "s.mid", notes)
    msgs = [m for m in mido.MidiFile(tmp_path / "s.mid").tracks[0] if m.type in ("pitchwheel", "note_on")]
    keys = [m.note for m in msgs if m.type == "note_on"]
    bends = [m.pitch for m in msgs if m.type == "pitchwheel"]
    assert keys == [60, 62, 64, 67, 69, 72]  # 60, 62.4, 64.8, 67.2, 69.6, 72
    # fraction of a semitone / 2 semitones of bend range × 8192
    assert bends == [0, round(0.4 / 2 * 8192), round(0.8 / 2 * 8192), round(0.2 / 2 * 8192), round(0.6 / 2 * 8192), 0]


def test_midi_without_mido_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "mido", None)  # makes `import mido` fail
    notes = S.notes_from_series(np.arange(3.0))
    with pytest.raises(ImportError, match="mido"):
        S.write_midi(tmp_path / "x.mid", notes)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: S.scale_pitches("raga"), "scale"),
        (lambda: S.scale_pitches([0, 12]), "scale"),
        (lambda: S.scale_pitches([3, 1]), "scale"),
        (lambda: S.scale_pitches("pelog", 70, 60), "high"),
        (lambda: S.scale_pitches("pelog", -1, 60), "low"),
        (lambda: S.scale_pitches("pelog", 64, 66), "low, high"),
        (lambda: S.hz_to_midi(-5.0), "f"),
        (lambda: S.map_to_pitches([1.0, np.nan]), "x"),
        (lambda: S.map_to_pitches(np.ones((2, 2))), "x"),
        (lambda: S.map_to_pitches([1.0, 2.0], vmin=3, vmax=1), "vmax"),
        (lambda: S.notes_from_series([1.0, 2.0], rate=0), "rate"),
        (lambda: S.notes_from_series([1.0, 2.0], gate=0), "gate"),
        (lambda: S.notes_from_series([1.0, 2.0], loudness="loud"), "loudness"),
        (lambda: S.notes_from_series([1.0, 2.0], loudness=np.ones(3)), "loudness"),
        (lambda: S.notes_from_series([1.0, 2.0], velocity_range=(0, 200)), "velocity_range"),
        (lambda: S.synthesize("notes"), "notes"),
        (lambda: S.synthesize(S.notes_from_series([1.0, 2.0]), 100), "sample_rate"),
        (lambda: S.synthesize(S.notes_from_series([1.0, 2.0]), harmonics=(0.0,)), "harmonics"),
        (lambda: S.synthesize(S.notes_from_series([1.0, 2.0]), gain=2.0), "gain"),
        (lambda: S.write_wav("/tmp/never.wav", np.array([0.1, np.inf])), "notes_or_audio"),
        (lambda: S.write_midi("/tmp/never.mid", S.notes_from_series([1.0, 2.0]), program=300), "program"),
    ],
)
def test_bad_input_names_the_parameter(call, name):
    with pytest.raises(ValueError, match=f"^{name}:"):
        call()
