"""The chunked run loop: stop, parameter mailbox, blow-ups, reproducibility."""

import math
import threading

import numpy as np
import pytest

import solvers
from solvers.run import BLOWUP, DONE, RUNNING, STOPPED, ParameterMailbox
from solvers.spec import RunConfig


def test_result_api():
    r = solvers.simulate("lorenz", preset="classic", t_end=5.0, samples=501)
    assert r.status == DONE
    assert r.t.shape == (501,) and r.t[0] == 0.0 and r.t[-1] == 5.0
    for name in ("x", "y", "z"):
        assert r[name].shape == (501,)
    assert r["x"][0] == 1.0 and r["y"][0] == 1.0 and r["z"][0] == 1.0
    assert r.config.params == {"sigma": 10.0, "rho": 28.0, "beta": 8.0 / 3.0}
    with pytest.raises(KeyError, match="'w' is not a variable"):
        r["w"]


def test_run_until_stopped_is_bounded_and_stops():
    config = solvers.make_config("lorenz", preset="classic", t_end=math.inf, sample_interval=0.01)
    assert config.samples is None
    stop = threading.Event()
    seen = 0
    last_t = -1.0
    for chunk in solvers.run(config, stop=stop):
        assert chunk.y.shape[0] == chunk.t.shape[0]
        if chunk.t.size:
            assert chunk.t[0] > last_t
            last_t = chunk.t[-1]
        seen += chunk.t.size
        if seen > 20_000:
            stop.set()
        if chunk.status != RUNNING:
            break
    assert chunk.status == STOPPED and "stopped" in chunk.message
    assert seen > 20_000
    # samples are exactly i * interval
    assert last_t == pytest.approx((seen - 1) * 0.01, rel=1e-12)


def test_each_kernel_call_is_bounded():
    """A chunk is one kernel call of a bounded number of steps, calibrated
    from the measured step rate, so a GUI can stop or pause promptly."""
    config = solvers.make_config("lorenz", preset="classic", t_end=50.0, samples=11, rtol=1e-12)
    steps = [c.steps for c in solvers.run(config, chunk_seconds=1e-7)]
    increments = np.diff([0, *steps])
    assert len(steps) > 100
    # the first call's budget is 16 steps (plus any rejected trial steps); later ones 1-4
    assert increments.max() <= 20
    assert np.median(increments) <= 4


def test_mailbox_applies_between_chunks():
    """A parameter change mid-run equals stopping, changing, and restarting."""
    mailbox = ParameterMailbox()
    config = solvers.make_config("lorenz", preset="classic", t_end=4.0, samples=401, method="rk4", dt=0.001)
    ts, ys, events = [], [], []
    for chunk in solvers.run(config, mailbox=mailbox, chunk_seconds=1e-7):
        ts.append(chunk.t)
        ys.append(chunk.y)
        events += chunk.events
        if not events and sum(t.size for t in ts) >= 201:
            mailbox.post(rho=15.0, N=3, sigma=-1.0)
    t = np.concatenate(ts)
    y = np.concatenate(ys)
    assert len(events) == 1
    ev = events[0]
    assert ev["applied"] == {"rho": 15.0}
    assert set(ev["refused"]) == {"N", "sigma"}
    # reproduce: run to the change time with rho=28, continue from there with rho=15
    t_change = ev["t"]
    k = int(np.searchsorted(t, t_change))
    assert t[k] == pytest.approx(t_change) or t[k] > t_change
    first = solvers.simulate("lorenz", preset="classic", t_end=t_change, samples=2, method="rk4", dt=0.001)
    # the run's fixed step is interval/ceil(interval/dt); the reference uses the same step
    second = solvers.simulate(
        "lorenz",
        params={"rho": 15.0},
        initial=first.states[-1],
        t_end=4.0 - t_change,
        samples=2,
        method="rk4",
        dt=0.001,
    )
    assert abs(y[-1] - second.states[-1]).max() < 1e-6


def test_blow_up_keeps_data_adaptive(toys):
    r = solvers.simulate("toy_blowup", preset="unit", t_end=2.0, samples=201)
    assert r.status == BLOWUP
    assert "t = 0.99" in r.message or "t = 1" in r.message
    # every sample before the singularity at t = 1 is kept and accurate
    assert 0.99 - 1e-12 <= r.t[-1] <= 1.0
    before = r.t < 1.0
    assert before.sum() == 100
    np.testing.assert_allclose(r["y"][before], 1.0 / (1.0 - r.t[before]), rtol=1e-6)


def test_blow_up_keeps_data_fixed_step(toys):
    r = solvers.simulate("toy_blowup", preset="unit", t_end=2.0, samples=201, method="rk4", dt=0.01)
    assert r.status == BLOWUP
    assert "non-finite" in r.message
    assert 0.98 <= r.t[-1] < 1.3
    assert np.all(np.isfinite(r.states))
    np.testing.assert_allclose(r["y"][r.t < 0.9], 1.0 / (1.0 - r.t[r.t < 0.9]), rtol=1e-4)


def test_config_json_round_trip_reproduces_bit_for_bit():
    config = solvers.make_config("lorenz", preset="classic", t_end=20.0, samples=1001)
    text = config.to_json()
    again = RunConfig.from_json(text)
    assert again == config
    a = solvers.simulate_config(config)
    b = solvers.simulate_config(again)
    np.testing.assert_array_equal(a.states, b.states)
    np.testing.assert_array_equal(a.t, b.t)


def test_config_json_infinite_t_end():
    config = solvers.make_config("lorenz", t_end=math.inf, sample_interval=0.5)
    again = RunConfig.from_json(config.to_json())
    assert math.isinf(again.t_end) and again == config


def test_config_from_json_rejects_junk():
    with pytest.raises(ValueError, match="not valid JSON"):
        RunConfig.from_json("{not json")
    with pytest.raises(ValueError, match="unknown field"):
        RunConfig.from_json('{"system": "lorenz", "evil": 1}')


def test_default_seed_is_recorded():
    config = solvers.make_config("lorenz", t_end=1.0)
    assert isinstance(config.seed, int)
