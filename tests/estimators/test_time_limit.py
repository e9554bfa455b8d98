"""TimeLimit: training ends before it would run past its seconds, and the estimator is fitted, not interrupted."""

import types

import numpy as np
import pytest

import seqforecast.estimators._training as training
from seqforecast import RNNRegressor
from seqforecast.estimators import TimeLimit


@pytest.fixture
def clock(monkeypatch):
    """A clock that advances 10 s each time TimeLimit reads it (once at the start, once per epoch)."""
    ticks = iter(range(0, 10_000, 10))
    monkeypatch.setattr(training, "time", types.SimpleNamespace(perf_counter=lambda: float(next(ticks))))


def data(n=40):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, 5, 1)).astype(np.float32), rng.normal(size=n).astype(np.float32)


def test_training_stops_at_the_epoch_that_would_pass_the_limit(clock):
    # start 0; epoch 1 ends at 10 (next projected to end at 20 <= 25: go on); epoch 2 ends at 20 (next at
    # 30 > 25: stop). Two epochs of 50, and the estimator is fitted as after early stopping.
    X, y = data()
    net = RNNRegressor(hidden_size=4, max_epochs=50, callbacks=[("time_limit", TimeLimit(25))], random_state=0)
    net.fit(X, y)
    assert len(net.history_) == 2 and net.interrupted_ is False
    assert dict(net.net_.callbacks_)["time_limit"].stopped_ is True
    assert np.isfinite(net.predict(X)).all()


def test_a_limit_never_reached_changes_nothing(clock):
    X, y = data()
    kwargs = dict(hidden_size=4, max_epochs=3, random_state=0)
    limited = RNNRegressor(**kwargs, callbacks=[("time_limit", TimeLimit(1e6))]).fit(X, y)
    plain = RNNRegressor(**kwargs).fit(X, y)
    assert len(limited.history_) == 3 and dict(limited.net_.callbacks_)["time_limit"].stopped_ is False
    np.testing.assert_array_equal(limited.predict(X), plain.predict(X))


def test_the_first_epoch_always_runs(clock):
    X, y = data()
    net = RNNRegressor(hidden_size=4, max_epochs=5, callbacks=[("time_limit", TimeLimit(1e-3))], random_state=0)
    assert len(net.fit(X, y).history_) == 1


@pytest.mark.parametrize("seconds", [0, -1.0, "60", None, True])
def test_a_limit_that_is_not_a_positive_number_is_refused(seconds):
    X, y = data()
    net = RNNRegressor(hidden_size=4, max_epochs=1, callbacks=[("time_limit", TimeLimit(seconds))])
    with pytest.raises(ValueError, match=rf"TimeLimit: seconds must be a positive number, got {seconds!r}\."):
        net.fit(X, y)


def test_only_timelimit_stops_quietly_an_interrupt_from_another_callback_still_raises():
    # a user callback that happens to have a stopped_ attribute is not mistaken for TimeLimit
    from skorch.callbacks import Callback

    class Interrupts(Callback):
        stopped_ = True

        def on_epoch_end(self, net, **kwargs):
            raise KeyboardInterrupt

    X, y = data()
    net = RNNRegressor(hidden_size=4, max_epochs=3, callbacks=[("user", Interrupts())], random_state=0)
    with pytest.raises(KeyboardInterrupt):
        net.fit(X, y)
