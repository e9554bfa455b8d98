"""Seeds under concurrency: a ``random_state`` gives the same numbers whether fits run one after another or in
threads (plain threads, joblib's threading backend in ``backtest``, scikit-learn's ``n_jobs`` with threads)."""

from concurrent.futures import ThreadPoolExecutor

import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.model_selection import cross_val_predict
from skorch.callbacks import Callback

from seqforecast.estimators import RNNClassifier, RNNRegressor, _training
from seqforecast.estimators._training import _GLOBAL_RNG_LOCK, global_rng_users
from seqforecast.evaluation.backtest import backtest
from seqforecast.forecasting import RecursiveForecaster

TINY = dict(hidden_size=4, max_epochs=3, batch_size=8, random_state=0)
RNG = np.random.default_rng(0)
X = RNG.normal(size=(32, 5, 2))
Y_REG = RNG.normal(size=32)
Y_CLF = (Y_REG > 0).astype(int)

CONFIGS = {
    "lstm": (lambda: RNNRegressor(**TINY), Y_REG),
    "gru-dropout-2-layers": (lambda: RNNRegressor(**TINY, cell="gru", num_layers=2, dropout=0.3), Y_REG),
    "rnn-bidirectional": (lambda: RNNRegressor(**TINY, cell="rnn", bidirectional=True), Y_REG),
    "seq2seq-teacher-forcing": (
        lambda: RNNRegressor(**TINY, architecture="seq2seq", teacher_forcing=0.5),
        X[:, -2:, 0],
    ),
    "classifier-bidirectional-dropout": (lambda: RNNClassifier(**TINY, bidirectional=True, dropout=0.2), Y_CLF),
    "classifier-attention": (lambda: RNNClassifier(**TINY, cell="gru", pooling="attention"), Y_CLF),
}


def _fit(make, y):
    est = make().fit(X, y)
    state = {key: value.clone() for key, value in est.net_.module_.state_dict().items()}
    return state, est.predict(X), [row["train_loss"] for row in est.history_]


def _same(a, b):
    (state_a, pred_a, loss_a), (state_b, pred_b, loss_b) = a, b
    return (
        state_a.keys() == state_b.keys()
        and all(torch.equal(state_a[key], state_b[key]) for key in state_a)
        and np.array_equal(pred_a, pred_b)
        and loss_a == loss_b
    )


@pytest.mark.slow  # 5 fits per configuration
@pytest.mark.parametrize("config", list(CONFIGS))
def test_four_threads_fitting_one_seeded_net_get_the_sequential_fit_bit_for_bit(config):
    make, y = CONFIGS[config]
    sequential = _fit(make, y)
    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(lambda _: _fit(make, y), range(4)))
    assert [_same(result, sequential) for result in threaded] == [True] * 4


@pytest.mark.slow  # 5 fits
def test_unseeded_fits_in_other_threads_do_not_change_a_seeded_fit():
    make, y = CONFIGS["gru-dropout-2-layers"]
    sequential = _fit(make, y)

    def unseeded():
        RNNRegressor(**{**TINY, "random_state": None, "dropout": 0.5, "num_layers": 2}).fit(X, Y_REG)

    with ThreadPoolExecutor(max_workers=4) as pool:
        others = [pool.submit(unseeded) for _ in range(2)]
        seeded = [pool.submit(_fit, make, y) for _ in range(2)]
        [other.result() for other in others]
        assert [_same(future.result(), sequential) for future in seeded] == [True, True]


def test_a_training_outside_the_lock_draws_nothing_from_the_global_generator():
    est = RNNRegressor(**TINY)
    assert global_rng_users(est, "cpu") == []  # default settings: trained outside the lock
    torch.manual_seed(3)
    before = torch.get_rng_state()
    est.fit(X, Y_REG)  # the seeded initialisation runs in a fork: only the training could move the state
    assert torch.equal(torch.get_rng_state(), before)


def test_what_draws_from_the_global_generator_is_trained_under_the_lock():
    class Noop(Callback):
        pass

    cases = [
        (dict(dropout=0.2), ["dropout=0.2"]),
        (dict(architecture="seq2seq", teacher_forcing=0.5), ["teacher forcing with a ratio below 1"]),
        (
            dict(architecture="seq2seq", teacher_forcing=1.0, teacher_forcing_decay=0.9),
            ["teacher forcing with a ratio below 1"],
        ),
        (dict(architecture="seq2seq", teacher_forcing=1.0), []),  # always the true value: no coin
        (dict(architecture="seq2seq", teacher_forcing=0.0), []),
        (dict(callbacks=[Noop()]), ["callbacks"]),
        (dict(optimizer=torch.optim.Adagrad), ["optimizer=Adagrad"]),
    ]
    for params, users in cases:
        assert global_rng_users(RNNRegressor(**params), "cpu") == users, params
    assert global_rng_users(RNNClassifier(dropout=0.1), "cpu") == ["dropout=0.1"]


@pytest.mark.parametrize("dropout, locked", [(0.2, True), (0.0, False)])
def test_the_lock_is_held_while_training_only_when_training_draws(monkeypatch, dropout, locked):
    owned = []
    iterate = _training._BatchLoader.__iter__

    def recording(loader):
        owned.append(_GLOBAL_RNG_LOCK._is_owned())  # by this thread: the one that fits
        return iterate(loader)

    monkeypatch.setattr(_training._BatchLoader, "__iter__", recording)
    RNNRegressor(**TINY, dropout=dropout).fit(X, Y_REG)
    assert owned == [locked] * TINY["max_epochs"]
    assert not _GLOBAL_RNG_LOCK._is_owned()


def _airline(n=40):
    t = np.arange(n)
    return pd.Series(100 + 10 * np.sin(2 * np.pi * t / 12) + t, index=pd.period_range("2000-01", periods=n, freq="M"))


def _without_timings(frame):
    return frame.drop(columns=["fit_seconds", "predict_seconds"])


@pytest.mark.slow  # 6 fits
@pytest.mark.parametrize("dropout", [0.0, 0.3])
def test_backtest_on_joblib_threads_gives_the_sequential_frame(dropout):
    net = RNNRegressor(cell="gru", hidden_size=4, max_epochs=2, batch_size=8, dropout=dropout, random_state=0)
    forecaster = RecursiveForecaster(net, window_length=6)
    kwargs = dict(horizon=2, step=2, initial_window=34)
    sequential = backtest(forecaster, _airline(), **kwargs, n_jobs=1)
    with joblib.parallel_backend("threading"):
        threaded = backtest(forecaster, _airline(), **kwargs, n_jobs=3)
    assert sequential["cutoff"].nunique() == 3
    pd.testing.assert_frame_equal(_without_timings(threaded), _without_timings(sequential), check_exact=True)


@pytest.mark.slow  # 6 fits
def test_scikit_learn_n_jobs_on_threads_gives_the_sequential_predictions():
    est = RNNClassifier(**TINY, dropout=0.2)
    sequential = cross_val_predict(est, X, Y_CLF, cv=3, method="predict_proba")
    with joblib.parallel_backend("threading"):
        threaded = cross_val_predict(est, X, Y_CLF, cv=3, method="predict_proba", n_jobs=3)
    np.testing.assert_array_equal(threaded, sequential)
