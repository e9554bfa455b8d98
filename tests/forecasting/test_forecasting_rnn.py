"""Forecasters over recurrent nets: the carried state, reproducibility, scikit-learn's search tools."""

import copy
import re

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_validate

from seqforecast.estimators import RNNRegressor
from seqforecast.forecasting import DirectForecaster, EnsembleForecaster, RecursiveForecaster, Seq2SeqForecaster


def tiny(**kw):
    params = dict(hidden_size=4, max_epochs=2, batch_size=16, random_state=0)
    params.update(kw)
    return RNNRegressor(**params)


def series(n=60, name="y"):
    rng = np.random.default_rng(0)
    t = np.arange(n)
    return pd.Series(
        10 + np.sin(t / 3) + rng.normal(0, 0.1, n), index=pd.period_range("2000-01", periods=n, freq="M"), name=name
    )


def test_carried_state_equals_running_the_net_over_window_plus_forecasts():
    y = series()
    for cell in ("rnn", "lstm", "gru"):
        f = RecursiveForecaster(tiny(cell=cell), window_length=6).fit(None, y)
        fc = f.forecast(5).to_numpy()
        # by hand: the net reads the last window followed by its own (scaled) forecasts
        module = f.estimator_.net_.module_
        z = (y.to_numpy()[-6:] - f.scale_loc_[0]) / f.scale_[0]
        seq = list(z)
        with torch.no_grad():
            for _ in range(5):
                x = torch.tensor(np.array(seq)[None, :, None], dtype=torch.float32)
                seq.append(float(module(x)[0, 0]))
        expected = np.array(seq[6:]) * f.scale_[0] + f.scale_loc_[0]
        np.testing.assert_allclose(fc, expected, rtol=1e-5)


def test_first_step_is_the_same_with_and_without_carrying_the_state():
    y = series()
    f = RecursiveForecaster(tiny(), window_length=6).fit(None, y)
    carried = f.forecast(4)
    reencoded = f.set_params(carry_state=False).fit(None, y).forecast(4)  # the same seed: the same net
    np.testing.assert_allclose(carried.iloc[:1], reencoded.iloc[:1], rtol=1e-6)
    assert not np.allclose(carried.iloc[1:], reencoded.iloc[1:])  # later steps differ: more context


def test_bidirectional_nets_fall_back_to_reencoding():
    y = series()
    f = RecursiveForecaster(tiny(bidirectional=True), window_length=6).fit(None, y)
    a = f.forecast(3)
    b = f.set_params(carry_state=False).fit(None, y).forecast(3)
    pd.testing.assert_series_equal(a, b)


def test_same_random_state_gives_identical_forecasts():
    y = pd.DataFrame({"a": series(), "b": series() * 2})
    for make in (
        lambda: RecursiveForecaster(tiny(), window_length=6),
        lambda: DirectForecaster(tiny(), window_length=6, horizon=3),
        lambda: Seq2SeqForecaster(tiny(architecture="seq2seq"), window_length=6, horizon=3),
    ):
        first, second = make().fit(None, y).forecast(3), make().fit(None, y).forecast(3)
        pd.testing.assert_frame_equal(first, second)
        assert list(first.columns) == ["a", "b"]


def test_grid_search_over_window_length_and_hidden_size():
    y = series(72)
    search = GridSearchCV(
        RecursiveForecaster(tiny(), window_length=6),
        {"window_length": [4, 8], "estimator__hidden_size": [2, 4]},
        cv=TimeSeriesSplit(n_splits=2, test_size=6),
        scoring="neg_mean_absolute_error",
    ).fit(pd.DataFrame(index=y.index), y)
    assert set(search.cv_results_["params"][0]) == {"window_length", "estimator__hidden_size"}
    assert len(search.cv_results_["mean_test_score"]) == 4
    assert search.best_estimator_.forecast(6).index.equals(pd.period_range("2006-01", periods=6, freq="M"))


def test_cross_validate_direct_rnn():
    y = series(60)
    res = cross_validate(
        DirectForecaster(tiny(), window_length=6, horizon=6),
        pd.DataFrame(index=y.index),
        y,
        cv=TimeSeriesSplit(n_splits=2, test_size=6),
        scoring="neg_mean_absolute_error",
    )
    assert res["test_score"].shape == (2,) and np.isfinite(res["test_score"]).all()


def test_window_step_keeps_every_kth_window_anchored_at_the_end():
    from sklearn.linear_model import LinearRegression

    y = pd.Series(np.random.default_rng(3).normal(size=20))  # noise: another set of windows fits other weights
    f = RecursiveForecaster(LinearRegression(), window_length=3, window_step=4, scaling=None).fit(None, y)
    # 17 windows of 3 steps; every 4th from the end starts at 16, 12, 8, 4, 0 (targets y[19], y[15], ... y[3])
    starts = [0, 4, 8, 12, 16]
    expected = LinearRegression().fit([y[s : s + 3] for s in starts], y[[s + 3 for s in starts]])
    np.testing.assert_allclose(f.estimator_.coef_, expected.coef_, rtol=1e-10)
    np.testing.assert_allclose(f.estimator_.intercept_, expected.intercept_, rtol=1e-10)
    every = RecursiveForecaster(LinearRegression(), window_length=3, scaling=None).fit(None, y)
    assert not np.allclose(every.estimator_.coef_, expected.coef_)  # all 17 windows give other weights


def test_patch_length_feeds_the_net_whole_patches():
    y = series()
    f = DirectForecaster(tiny(), window_length=6, horizon=2, patch_length=3).fit(None, y)
    assert (f.estimator_.n_timesteps_, f.estimator_.n_features_per_step_) == (2, 3)  # [N, 6, 1] -> [N, 2, 3]
    assert f.forecast(2).shape == (2,)


def test_ensemble_is_the_mean_of_its_seeded_members():
    y = series()
    ens = EnsembleForecaster(RecursiveForecaster(tiny(), window_length=6), n_members=3, random_state=7).fit(None, y)
    assert [m.estimator_.random_state for m in ens.forecasters_] == [7, 8, 9]
    single = [RecursiveForecaster(tiny(random_state=s), window_length=6).fit(None, y).forecast(3) for s in (7, 8, 9)]
    np.testing.assert_allclose(ens.forecast(3), np.mean(single, axis=0), rtol=1e-12)


# ---------------------------------------------------------------------------- the carried-state recursion
def _carried_by_hand(module, windows, n_steps, next_cov=None):
    """encode the windows, then one cell step per further step, feeding back the prediction (and the shared
    covariates of the next step): the recursion written out with the net's one-step state API."""
    module = copy.deepcopy(module).double()  # predictions run in float64 on the float32 weights
    with torch.no_grad():
        state = module.encode(torch.as_tensor(windows, dtype=torch.float32).double())  # X is read as float32
        pred = module.readout(state)[:, 0]
        out = [pred.numpy()]
        for k in range(1, n_steps):
            x = pred[:, None]
            if next_cov is not None:
                cov = torch.as_tensor(np.array(next_cov[k - 1]), dtype=torch.float64).expand(len(windows), -1)
                x = torch.cat([x, cov], dim=1)
            pred, state = module.step(x, state)
            pred = pred[:, 0]
            out.append(pred.numpy())
    return np.stack(out, axis=1).astype(np.float64)  # [S, n_steps]


def test_forecasts_with_covariates_are_exactly_the_hand_rolled_recursion():
    y = pd.DataFrame({"a": series(), "b": series() * 0.5 + 3})
    X = pd.DataFrame({"x": np.cos(np.arange(60) / 5)}, index=y.index)
    f = RecursiveForecaster(tiny(cell="lstm", num_layers=2), window_length=6).fit(X, y)
    X_next = pd.DataFrame({"x": [0.3, -0.2, 0.9, 0.1]}, index=f.time_index_.future(4))
    z = (y.to_numpy() - f.scale_loc_) / f.scale_
    # row s of a window: y[s] (scaled) and the covariate of step s + 1; the last row takes the first future one
    x_shifted = np.r_[X["x"].to_numpy()[1:], X_next["x"].iloc[0]]
    windows = np.stack([np.c_[z[-6:, j], x_shifted[-6:]] for j in range(2)])  # [S, L, 2]
    by_hand = _carried_by_hand(f.estimator_.net_.module_, windows, 4, X_next.to_numpy()[1:])
    np.testing.assert_array_equal(f.forecast(4, X_next).to_numpy(), by_hand.T * f.scale_ + f.scale_loc_)
    np.testing.assert_array_equal(f.estimator_.predict_recursive(windows, 4, X_next.to_numpy()[1:]), by_hand)


def test_predict_recursive_steps_from_the_state_and_starts_with_predict():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(20, 5, 3))
    est = tiny(cell="gru").fit(X, X[:, -1, 0])
    assert est.can_carry_state()
    shared = rng.normal(size=(3, 2))
    out = est.predict_recursive(X, 4, shared)
    assert out.shape == (20, 4) and out.dtype == np.float64
    np.testing.assert_array_equal(out, _carried_by_hand(est.net_.module_, X, 4, shared))
    np.testing.assert_allclose(out[:, 0], est.predict(X), rtol=1e-6, atol=1e-7)
    per_sample = np.broadcast_to(shared, (20, 3, 2)).copy()
    per_sample[0] += 1.0  # only the first sequence's covariates change: only its later steps move
    changed = est.predict_recursive(X, 4, per_sample)
    np.testing.assert_array_equal(changed[1:], out[1:])
    assert not np.array_equal(changed[0, 1:], out[0, 1:]) and changed[0, 0] == out[0, 0]
    np.testing.assert_array_equal(est.predict_recursive(X, 1), out[:, :1])  # one step needs no step_features


def test_predict_recursive_refuses_nets_that_cannot_carry_state_and_wrong_step_features():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(12, 4, 2))
    for params, y, what in [
        ({"bidirectional": True}, X[:, -1, 0], "bidirectional=True"),
        ({"architecture": "many_to_many"}, X[:, :, 0], "architecture='many_to_many'"),
        ({}, X[:, -1, :], "2 outputs"),
    ]:
        est = tiny(**params).fit(X, y)
        assert not est.can_carry_state()
        msg = (
            "RNNRegressor.predict_recursive carries the recurrent state forward in time and feeds back one "
            "predicted value, so it needs a unidirectional many_to_one net with one output; this one was "
            f"fitted with {what}. Call predict on each new window instead."
        )
        with pytest.raises(ValueError, match=re.escape(msg)):
            est.predict_recursive(X, 3, np.zeros((2, 1)))
    est = tiny().fit(X, X[:, -1, 0])
    with pytest.raises(
        ValueError,
        match=re.escape(
            "RNNRegressor.predict_recursive: the sequences have 2 features per step, so each of the 2 further "
            "step(s) needs its features 1..1 (feature 0 is the fed-back prediction); pass step_features of "
            "shape (2, 1)."
        ),
    ):
        est.predict_recursive(X, 3)
    with pytest.raises(
        ValueError,
        match=re.escape(
            "RNNRegressor.predict_recursive expects step_features of shape (2, 1) (the same for every sequence) "
            "or (12, 2, 1) (per sequence): one row per step after the first and one column per feature after "
            "feature 0; got shape (3, 1)."
        ),
    ):
        est.predict_recursive(X, 3, np.zeros((3, 1)))
    with pytest.raises(
        ValueError,
        match=re.escape(
            "The 'n_steps' parameter of RNNRegressor.predict_recursive must be an int in the range [1, inf). Got "
            "0 instead."
        ),
    ):
        est.predict_recursive(X, 0)
    est.set_params(bidirectional=True)  # a parameter changed without a refit: the fitted net decides
    assert est.can_carry_state()


def test_the_forecaster_asks_the_estimator_to_carry_the_state():
    from sklearn.linear_model import LinearRegression

    class Carrier(LinearRegression):
        """A regressor that says it carries a state and answers predict_recursive with known values."""

        def can_carry_state(self):
            return True

        def predict_recursive(self, X, n_steps, step_features=None):
            self.asked_ = (X.shape, n_steps, step_features)
            return np.tile(np.arange(1.0, n_steps + 1), (len(X), 1))  # [S, n_steps]: 1, 2, 3...

    y = pd.Series(np.arange(30.0))
    f = RecursiveForecaster(Carrier(), window_length=4, scaling=None).fit(None, y)
    np.testing.assert_array_equal(f.forecast(3), [1.0, 2.0, 3.0])
    assert f.estimator_.asked_ == ((1, 4, 1), 3, None)  # the 3-D windows, not flattened rows
    # forecasting reads the fitted setting: set_params alone changes nothing, a refit does
    np.testing.assert_array_equal(f.set_params(carry_state=False).forecast(3), [1.0, 2.0, 3.0])
    np.testing.assert_allclose(f.fit(None, y).forecast(3), [30.0, 31.0, 32.0], atol=1e-8)


def test_training_history_is_the_estimators_history():
    from sklearn.linear_model import LinearRegression

    y = series()
    f = RecursiveForecaster(tiny(max_epochs=3), window_length=6).fit(None, y)
    history = f.training_history()
    assert [row["epoch"] for row in history] == [1, 2, 3] and history == f.estimator_.history_
    history[0]["epoch"] = 99  # a copy: the fitted estimator's history is untouched
    assert f.estimator_.history_[0]["epoch"] == 1
    assert DirectForecaster(LinearRegression(), window_length=6, horizon=2).fit(None, y).training_history() is None
    ens = EnsembleForecaster(DirectForecaster(tiny(), window_length=6, horizon=2), n_members=2).fit(None, y)
    assert ens.training_history() == ens.forecasters_[0].estimator_.history_
    assert ens.training_history() != ens.forecasters_[1].estimator_.history_  # the first member's, not another's
