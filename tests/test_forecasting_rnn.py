"""Forecasters over recurrent nets: the carried state, reproducibility, scikit-learn's search tools."""

import numpy as np
import pandas as pd
import torch
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_validate

from seqforecast.estimators import RNNRegressor
from seqforecast.forecasting import DirectForecaster, RecursiveForecaster, Seq2SeqForecaster


def tiny(**kw):
    params = dict(hidden_size=4, max_epochs=2, batch_size=16, random_state=0)
    params.update(kw)
    return RNNRegressor(**params)


def series(n=60, name="y"):
    rng = np.random.default_rng(0)
    t = np.arange(n)
    return pd.Series(10 + np.sin(t / 3) + rng.normal(0, 0.1, n), index=pd.period_range("2000-01", periods=n, freq="M"),
                     name=name)


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
    f.set_params(carry_state=False)
    reencoded = f.forecast(4)
    np.testing.assert_allclose(carried.iloc[:1], reencoded.iloc[:1], rtol=1e-6)
    assert not np.allclose(carried.iloc[1:], reencoded.iloc[1:])  # later steps differ: more context


def test_bidirectional_nets_fall_back_to_reencoding():
    y = series()
    f = RecursiveForecaster(tiny(bidirectional=True), window_length=6).fit(None, y)
    a = f.forecast(3)
    b = f.set_params(carry_state=False).forecast(3)
    pd.testing.assert_series_equal(a, b)


def test_same_random_state_gives_identical_forecasts():
    y = pd.DataFrame({"a": series(), "b": series() * 2})
    for make in (lambda: RecursiveForecaster(tiny(), window_length=6),
                 lambda: DirectForecaster(tiny(), window_length=6, horizon=3),
                 lambda: Seq2SeqForecaster(tiny(architecture="seq2seq"), window_length=6, horizon=3)):
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
    res = cross_validate(DirectForecaster(tiny(), window_length=6, horizon=6), pd.DataFrame(index=y.index), y,
                         cv=TimeSeriesSplit(n_splits=2, test_size=6), scoring="neg_mean_absolute_error")
    assert res["test_score"].shape == (2,) and np.isfinite(res["test_score"]).all()


def test_window_step_keeps_every_kth_window_anchored_at_the_end():
    from sklearn.linear_model import LinearRegression

    y = pd.Series(np.arange(20.0))
    f = RecursiveForecaster(LinearRegression(), window_length=3, window_step=4, scaling=None).fit(None, y)
    # windows end at 16, 12, 8, 4 (targets 19, 15, 11, 7): 17 possible windows, every 4th from the end -> 5
    assert f.estimator_.coef_.shape == (3,)
    np.testing.assert_allclose(f.forecast(2), [20.0, 21.0], atol=1e-8)


def test_patch_length_feeds_the_net_whole_patches():
    y = series()
    f = DirectForecaster(tiny(), window_length=6, horizon=2, patch_length=3).fit(None, y)
    assert (f.estimator_.n_timesteps_, f.estimator_.n_features_per_step_) == (2, 3)  # [N, 6, 1] -> [N, 2, 3]
    assert f.forecast(2).shape == (2,)


def test_ensemble_is_the_mean_of_its_seeded_members():
    from seqforecast.forecasting import EnsembleForecaster

    y = series()
    ens = EnsembleForecaster(RecursiveForecaster(tiny(), window_length=6), n_members=3, random_state=7).fit(None, y)
    assert [m.estimator_.random_state for m in ens.forecasters_] == [7, 8, 9]
    single = [RecursiveForecaster(tiny(random_state=s), window_length=6).fit(None, y).forecast(3) for s in (7, 8, 9)]
    np.testing.assert_allclose(ens.forecast(3), np.mean(single, axis=0), rtol=1e-12)
