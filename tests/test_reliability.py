"""Reliability: interrupted and failed training, reproducibility, global random state, concurrent predictions."""

import re
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
import torch
from skorch.callbacks import Callback

from seqforecast.estimators import RNNClassifier, RNNRegressor
from seqforecast.exceptions import TrainingDivergedError
from seqforecast.forecasting import DirectForecaster, RecursiveForecaster, Seq2SeqForecaster

TINY = dict(hidden_size=4, max_epochs=2, batch_size=10, random_state=0)


@pytest.fixture
def windows():
    rng = np.random.RandomState(0)
    X = rng.normal(size=(40, 5, 2))
    return X, X[:, -1, 0] + 0.5 * X[:, -2, 1]


@pytest.fixture
def series():
    t = np.arange(80)
    return pd.Series(
        5 + np.sin(2 * np.pi * t / 12) + 0.02 * t, name="load", index=pd.date_range("2020-01-01", periods=80, freq="D")
    )


def _weights(est):
    return {k: v.clone() for k, v in est.net_.module_.state_dict().items()}


def _same(a, b):
    return a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


class _InterruptAt(Callback):
    """Raise KeyboardInterrupt (as Ctrl+C would) after ``batch`` training batches of epoch ``epoch``."""

    def __init__(self, epoch=2, batch=1):
        self.epoch, self.batch = epoch, batch

    def on_batch_end(self, net, training=None, **kwargs):
        row = net.history[-1]
        if training and len(net.history) == self.epoch and len(row["batches"]) == self.batch:
            raise KeyboardInterrupt


class _RecordWeights(Callback):
    """Keep a copy of the weights at the end of every epoch (class-level: callbacks are cloned by fit)."""

    states = []

    def on_epoch_end(self, net, **kwargs):
        type(self).states.append({k: v.clone() for k, v in net.module_.state_dict().items()})


# ---------------------------------------------------------------------------- interrupted training
def test_an_interrupt_is_re_raised_and_the_previous_fitted_state_is_kept(windows):
    X, y = windows
    est = RNNRegressor(**TINY).fit(X, y)
    net, before, history = est.net_, est.predict(X), est.history_
    est.set_params(callbacks=[_InterruptAt(epoch=2)], max_epochs=5)
    with pytest.raises(KeyboardInterrupt):  # skorch alone would swallow it and return a half-trained net
        est.fit(X, y)
    assert est.net_ is net and est.history_ is history and not est.interrupted_
    np.testing.assert_array_equal(est.predict(X), before)
    fresh = RNNClassifier(**TINY, callbacks=[_InterruptAt(epoch=1)])
    with pytest.raises(KeyboardInterrupt):
        fresh.fit(X, y > 0)
    assert not hasattr(fresh, "net_")


def test_keep_best_without_validation_keeps_the_last_completed_epoch(windows):
    X, y = windows
    one_epoch = RNNRegressor(**{**TINY, "max_epochs": 1}).fit(X, y)
    # interrupted after the first batch of epoch 2 has already changed the weights
    est = RNNRegressor(
        **{**TINY, "max_epochs": 5}, callbacks=[_InterruptAt(epoch=2, batch=1)], on_interrupt="keep_best"
    ).fit(X, y)
    assert est.interrupted_ is True
    assert [row["epoch"] for row in est.history_] == [1] and len(est.net_.history) == 2
    assert _same(_weights(est), _weights(one_epoch))
    np.testing.assert_array_equal(est.predict(X), one_epoch.predict(X))
    assert not est.net_.module_.training


def test_keep_best_with_validation_keeps_the_epoch_of_lowest_validation_loss(windows):
    X, y = windows
    _RecordWeights.states = []
    params = dict(hidden_size=4, batch_size=10, random_state=0, lr=0.2, patience=50, max_epochs=60)
    est = RNNRegressor(
        **params, callbacks=[_RecordWeights(), _InterruptAt(epoch=7, batch=2)], on_interrupt="keep_best"
    ).fit(X, y)
    losses = [row["valid_loss"] for row in est.history_]
    assert est.interrupted_ and len(losses) == 6 and len(_RecordWeights.states) == 6
    best = int(np.argmin(losses))
    assert best == 2 and losses[best] < losses[-1]  # meaningful: the best epoch (3) is not the last one
    assert _same(_weights(est), _RecordWeights.states[best])


def test_keep_best_before_the_first_epoch_ends_re_raises(windows):
    X, y = windows
    est = RNNRegressor(**TINY, callbacks=[_InterruptAt(epoch=1, batch=2)], on_interrupt="keep_best")
    with pytest.raises(KeyboardInterrupt):
        est.fit(X, y)
    assert not hasattr(est, "net_")


def test_early_stopping_is_not_an_interrupt(windows):
    X, y = windows
    est = RNNRegressor(hidden_size=4, batch_size=10, random_state=0, lr=0.05, patience=2, max_epochs=200).fit(X, y)
    assert len(est.history_) < 200 and est.interrupted_ is False  # stopped early, nothing raised


def test_an_interrupted_forecaster_fit_keeps_the_forecaster_as_it_was(series):
    f = RecursiveForecaster(RNNRegressor(**TINY), window_length=7).fit(None, series)
    before = f.forecast(5)
    f.set_params(estimator__callbacks=[_InterruptAt(epoch=2)], estimator__max_epochs=4)
    with pytest.raises(KeyboardInterrupt):
        f.fit(None, series.iloc[:60])
    pd.testing.assert_series_equal(f.forecast(5), before, check_exact=True)
    assert f.y_train_.index[-1] == series.index[-1]
    f.set_params(estimator__on_interrupt="keep_best").fit(None, series.iloc[:60])
    assert f.estimator_.interrupted_ and f.y_train_.index[-1] == series.index[59]


def test_a_diverging_forecaster_fit_names_the_epoch_and_keeps_the_previous_state(series):
    f = RecursiveForecaster(RNNRegressor(**TINY), window_length=7, scaling=None).fit(None, series)
    before = f.forecast(5)
    f.set_params(estimator__optimizer="sgd", estimator__lr=1e6, estimator__gradient_clip=None)
    msg = "RNNRegressor: the training loss became inf (batch 2) at epoch 1 of 2; training stopped"
    with pytest.raises(TrainingDivergedError, match=re.escape(msg)):
        f.fit(None, series * 1e15)
    pd.testing.assert_series_equal(f.forecast(5), before, check_exact=True)


# ---------------------------------------------------------------------------- reproducibility
def test_same_random_state_gives_identical_estimators(windows):
    X, y = windows
    params = {**TINY, "dropout": 0.3, "num_layers": 2, "patience": 5, "max_epochs": 3}  # every RNG consumer
    for make, target in ((RNNRegressor, y), (RNNClassifier, np.where(y > 0, "up", "down"))):
        a, b = make(**params).fit(X, target), make(**params).fit(X, target)
        assert _same(_weights(a), _weights(b))
        np.testing.assert_array_equal(a.predict(X), b.predict(X))
        assert [r["train_loss"] for r in a.history_] == [r["train_loss"] for r in b.history_]
        c = make(**{**params, "random_state": 1}).fit(X, target)
        assert not _same(_weights(a), _weights(c))  # the seed matters


@pytest.mark.parametrize(
    "make",
    [
        lambda: RecursiveForecaster(RNNRegressor(**TINY, dropout=0.3), window_length=7),
        lambda: DirectForecaster(RNNRegressor(**TINY), window_length=7, horizon=4),
        lambda: Seq2SeqForecaster(RNNRegressor(**TINY, architecture="seq2seq"), window_length=7, horizon=4),
    ],
    ids=["recursive", "direct", "seq2seq"],
)
def test_same_random_state_gives_identical_forecasters(make, series):
    a, b = make().fit(None, series), make().fit(None, series)
    assert _same(_weights(a.estimator_), _weights(b.estimator_))
    pd.testing.assert_series_equal(a.forecast(4), b.forecast(4), check_exact=True)


def test_seeded_fits_leave_the_global_torch_and_numpy_generators_untouched(windows, series):
    X, y = windows
    torch_before, numpy_before = torch.get_rng_state(), np.random.get_state()
    RNNRegressor(**TINY, dropout=0.3).fit(X, y)
    RecursiveForecaster(RNNRegressor(**TINY), window_length=7).fit(None, series).forecast(3)
    assert torch.equal(torch.get_rng_state(), torch_before)
    after = np.random.get_state()
    assert after[0] == numpy_before[0] and np.array_equal(after[1], numpy_before[1]) and after[2] == numpy_before[2]


def test_unseeded_fits_advance_the_torch_generator_but_never_reseed_it_nor_touch_numpy(windows, series):
    X, y = windows
    torch.manual_seed(2024)
    numpy_before = np.random.get_state()
    a = RNNRegressor(**{**TINY, "random_state": None}).fit(X, y)
    f = RecursiveForecaster(RNNRegressor(**{**TINY, "random_state": None}), window_length=7).fit(None, series)
    f.forecast(3)
    assert torch.initial_seed() == 2024  # no manual_seed: a user's torch.manual_seed stays in force
    # the torch stream moved on exactly as if the user had drawn from it: reseeding replays it
    torch.manual_seed(2024)
    b = RNNRegressor(**{**TINY, "random_state": None}).fit(X, y)
    assert _same(_weights(a), _weights(b))
    after = np.random.get_state()
    assert np.array_equal(after[1], numpy_before[1]) and after[2] == numpy_before[2]  # numpy untouched


# ---------------------------------------------------------------------------- concurrent predictions
def _concurrently(call, n_threads=4, n_calls=10):
    with ThreadPoolExecutor(max_workers=n_threads) as pool:
        batches = list(pool.map(lambda _: [call() for _ in range(n_calls)], range(n_threads)))
    return [out for batch in batches for out in batch]


def test_concurrent_predictions_of_one_fitted_rnn_regressor_equal_sequential_ones(windows):
    X, y = windows
    est = RNNRegressor(**TINY, dropout=0.5, num_layers=2).fit(X, y)
    expected = est.predict(X)
    outs = _concurrently(lambda: est.predict(X))
    assert len(outs) == 40 and all(np.array_equal(out, expected) for out in outs)


@pytest.mark.parametrize("carry_state", [True, False])
def test_concurrent_forecasts_of_one_fitted_recursive_forecaster_equal_sequential_ones(carry_state, series):
    # dropout > 0: a thread that saw the net in training mode would forecast with dropout, i.e. differently
    f = RecursiveForecaster(RNNRegressor(**TINY, dropout=0.5), window_length=7, carry_state=carry_state)
    f.fit(None, series)
    assert not f.estimator_.net_.module_.training  # fit leaves the net in inference mode
    expected = f.forecast(20)
    outs = _concurrently(lambda: f.forecast(20))
    assert len(outs) == 40 and all(out.equals(expected) for out in outs)
    assert not f.estimator_.net_.module_.training
