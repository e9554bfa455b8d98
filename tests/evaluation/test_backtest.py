"""Tests for seqforecast.evaluation.backtest: origins, tidy frame, no leakage, refit, parallel backends."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from pandas.testing import assert_frame_equal
from sklearn.linear_model import LinearRegression

from seqforecast._utils.validation import check_n_jobs
from seqforecast.base import BaseForecaster
from seqforecast.evaluation.backtest import BACKTEST_COLUMNS, TIMING_COLUMNS, backtest, backtest_origins
from seqforecast.evaluation.splitters import SlidingWindowSplitter
from seqforecast.exceptions import FrequencyWarning
from seqforecast.forecasting import RecursiveForecaster


# ---------------------------------------------------------------------------------------------------------
# test doubles: their forecasts say what they saw
# ---------------------------------------------------------------------------------------------------------
class LastSeenAtFit(BaseForecaster):
    """Forecasts, at every step, the last value its *fit* saw (ignores any later context)."""

    def _fit(self, Y, X):
        self.last_seen_ = Y[-1].copy()
        return self

    def _predict(self, horizon, Y, X, X_future):
        return np.tile(self.last_seen_, (horizon, 1))  # [S] -> [H, S]


class LastOfHistory(BaseForecaster):
    """The naive forecast of the history it forecasts from (training data or y_context)."""

    def _fit(self, Y, X):
        self.n_fit_rows_ = len(Y)
        return self

    def _predict(self, horizon, Y, X, X_future):
        return np.tile(Y[-1], (horizon, 1))

    def _predict_interval(self, horizon, Y, X, X_future, coverage):
        point = self._predict(horizon, Y, X, X_future)
        return point - coverage, point + 10 * coverage


class FitLength(BaseForecaster):
    """Forecasts the number of rows its fit saw."""

    def _fit(self, Y, X):
        self.n_rows_ = len(Y)
        return self

    def _predict(self, horizon, Y, X, X_future):
        return np.full((horizon, Y.shape[1]), float(self.n_rows_))


class EchoCovariates(BaseForecaster):
    """Checks that the fit's covariates end at the cutoff, and forecasts the future covariates' first column."""

    def _fit(self, Y, X):
        if X[-1, 0] != 10 * Y[-1, 0]:
            raise AssertionError("covariates and target are misaligned in the fit")
        return self

    def _predict(self, horizon, Y, X, X_future):
        return np.tile(X_future[:, [0]], (1, Y.shape[1]))


class NoContext(LastOfHistory):
    def _predict(self, horizon, Y, X, X_future):
        if len(Y) != self.n_fit_rows_:
            raise NotImplementedError("NoContext cannot forecast from a new history")
        return super()._predict(horizon, Y, X, X_future)


class FailsOnShortData(LastOfHistory):
    def _fit(self, Y, X):
        if len(Y) < 6:
            raise ValueError(f"needs 6 rows, got {len(Y)}")
        return super()._fit(Y, X)


def positions(n, name="v"):
    """A series whose values are their row positions: a forecast then names the row it came from."""
    return pd.Series(np.arange(n, dtype=float), name=name)


def without_timings(frame):
    return frame.drop(columns=TIMING_COLUMNS)


# ---------------------------------------------------------------------------------------------------------
# origins and the tidy frame
# ---------------------------------------------------------------------------------------------------------
def test_origins_hand_written():
    # the docstring's diagram: cutoffs at rows 4, 6, 8; the last window ends on the last row
    assert backtest_origins(12, horizon=3, step=2, initial_window=5).tolist() == [
        [0, 5, 5, 8],
        [0, 7, 7, 10],
        [0, 9, 9, 12],
    ]
    assert backtest_origins(12, horizon=3, step=2, initial_window=5, window="sliding", window_length=4).tolist() == [
        [1, 5, 5, 8],
        [3, 7, 7, 10],
        [5, 9, 9, 12],
    ]
    # default: half the series first (default_origins), then as many origins as fit, spaced by the horizon
    assert backtest_origins(20, horizon=2)[:, 1].tolist() == [10, 12, 14, 16, 18]
    assert backtest_origins(21, horizon=2, step=3)[:, 1].tolist() == [10, 13, 16, 19]


def test_sliding_origins_are_those_of_the_sliding_splitter():
    for n, L, h, step in [(10, 3, 2, 2), (25, 7, 3, 1), (30, 5, 4, 3)]:
        expected = SlidingWindowSplitter(window_length=L, test_size=h, step=step).fold_bounds(n)
        got = backtest_origins(n, horizon=h, step=step, window="sliding", window_length=L)
        assert_array_equal(got, expected)


def test_tidy_frame_hand_written():
    y = positions(8)
    # horizon 2, step 2, >= 3 training rows: test windows start at rows 6 and 4 (row 2 would train on 2)
    bt = backtest(LastOfHistory(), y, horizon=2, initial_window=3)
    assert list(bt.columns) == BACKTEST_COLUMNS + TIMING_COLUMNS
    expected = pd.DataFrame(
        {
            "model": ["LastOfHistory"] * 4,
            "series": ["v"] * 4,
            "cutoff": [3, 3, 5, 5],
            "timestamp": [4, 5, 6, 7],
            "horizon_step": [1, 2, 1, 2],
            "y_true": [4.0, 5.0, 6.0, 7.0],
            "y_pred": [3.0, 3.0, 5.0, 5.0],
        }
    )
    assert_frame_equal(without_timings(bt), expected, check_dtype=False)
    # one fit and one forecast per origin, timed, the same on each of the origin's rows
    assert (bt[TIMING_COLUMNS] > 0).all().all()
    assert (bt.groupby("cutoff")[TIMING_COLUMNS].nunique() == 1).all().all()


def test_several_series_rows_are_origin_then_series_then_step():
    y = pd.DataFrame({"a": np.arange(6.0), "b": [np.nan, np.nan, 20.0, 30.0, 40.0, 50.0]})
    bt = backtest(LastOfHistory(), y, horizon=1, initial_window=4, name="naive")
    assert bt["model"].unique().tolist() == ["naive"]
    assert bt[["series", "cutoff", "timestamp", "y_true", "y_pred"]].values.tolist() == [
        ["a", 3, 4, 4.0, 3.0],
        ["b", 3, 4, 40.0, 30.0],
        ["a", 4, 5, 5.0, 4.0],
        ["b", 4, 5, 50.0, 40.0],
    ]


def test_unnamed_series_is_called_y_and_period_labels_keep_their_dtype():
    y = pd.Series(np.arange(10.0), index=pd.period_range("2000-01", periods=10, freq="M"))
    bt = backtest(LastOfHistory(), y, horizon=3, initial_window=7)
    assert bt["series"].unique().tolist() == ["y"]
    assert isinstance(bt["cutoff"].dtype, pd.PeriodDtype)
    assert bt["cutoff"].iloc[0] == pd.Period("2000-07", "M")
    assert bt["timestamp"].tolist() == list(pd.period_range("2000-08", periods=3, freq="M"))


def test_datetime_without_freq_warns_once():
    index = pd.DatetimeIndex(pd.date_range("2021-01-01", periods=12, freq="D").to_list())  # freq=None
    y = pd.Series(np.arange(12.0), index=index)
    with pytest.warns(FrequencyWarning) as record:
        bt = backtest(LastOfHistory(), y, horizon=2, initial_window=6, step=1)
    assert len([w for w in record if issubclass(w.category, FrequencyWarning)]) == 1
    assert bt["timestamp"].iloc[-1] == pd.Timestamp("2021-01-12")
    assert len(bt) == 5 * 2


def test_prediction_intervals():
    bt = backtest(LastOfHistory(), positions(6), horizon=2, initial_window=4, coverage=0.5)
    assert list(bt.columns) == BACKTEST_COLUMNS + ["y_lower", "y_upper"] + TIMING_COLUMNS
    # cutoff row 3 (value 3.0): lower = 3 - coverage, upper = 3 + 10 * coverage
    assert bt["y_lower"].tolist() == [2.5, 2.5]
    assert bt["y_upper"].tolist() == [8.0, 8.0]


def test_covariates_are_split_at_the_cutoff():
    y = positions(10)
    X = pd.DataFrame({"ten_y": 10 * y.to_numpy(), "other": 1.0})
    bt = backtest(EchoCovariates(), y, X, horizon=3, step=1, initial_window=5)
    # the forecast is the covariate of the forecast step: 10 * its position
    assert_array_equal(bt["y_pred"].to_numpy(), 10 * bt["timestamp"].to_numpy())
    bt_numpy = backtest(EchoCovariates(), y, X.to_numpy(), horizon=3, step=1, initial_window=5)
    assert_frame_equal(without_timings(bt_numpy), without_timings(bt))


# ---------------------------------------------------------------------------------------------------------
# no leakage, refit policies, windows
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "refit, fitted_at",
    [
        (True, [3, 4, 5, 6, 7, 8]),
        (2, [3, 3, 5, 5, 7, 7]),
        (4, [3, 3, 3, 3, 7, 7]),
        (False, [3, 3, 3, 3, 3, 3]),
    ],
)
def test_no_fit_sees_past_its_cutoff(refit, fitted_at):
    y = positions(12)
    bt = backtest(LastSeenAtFit(), y, horizon=3, step=1, initial_window=4, refit=refit)
    per_origin = bt.groupby("cutoff", sort=True)["y_pred"].agg(["min", "max"])
    assert per_origin.index.tolist() == [3, 4, 5, 6, 7, 8]
    # the last value any fit saw is that of the latest refit at or before the cutoff, never later
    assert per_origin["max"].tolist() == fitted_at
    assert per_origin["min"].tolist() == fitted_at
    assert (bt["y_pred"] <= bt["cutoff"]).all()
    refitted = bt.groupby("cutoff")["fit_seconds"].first() > 0
    assert refitted.tolist() == [y == c for y, c in zip(fitted_at, per_origin.index)]


@pytest.mark.parametrize("refit", [True, 3, False])
def test_between_refits_the_forecast_starts_from_the_new_history(refit):
    bt = backtest(LastOfHistory(), positions(12), horizon=3, step=1, initial_window=4, refit=refit)
    assert_array_equal(bt["y_pred"].to_numpy(), bt["cutoff"].to_numpy())


def test_sliding_window_fits_see_window_length_rows():
    y = positions(12)
    sliding = backtest(FitLength(), y, horizon=2, step=2, window="sliding", window_length=4)
    assert sliding["y_pred"].unique().tolist() == [4.0]
    expanding = backtest(FitLength(), y, horizon=2, step=2, initial_window=4)
    assert_array_equal(expanding["y_pred"].to_numpy(), expanding["cutoff"].to_numpy() + 1.0)
    assert_array_equal(sliding["cutoff"].to_numpy(), expanding["cutoff"].to_numpy())


def test_forecaster_is_not_modified():
    forecaster = LastOfHistory()
    backtest(forecaster, positions(8), horizon=2, initial_window=4)
    assert not hasattr(forecaster, "n_fit_rows_")


def test_recursive_linear_forecaster_on_a_line_is_exact():
    y = pd.Series(3.0 + 2.0 * np.arange(30), name="line")
    bt = backtest(
        RecursiveForecaster(LinearRegression(), window_length=3, scaling=None), y, horizon=4, initial_window=10, step=3
    )
    np.testing.assert_allclose(bt["y_pred"], bt["y_true"], rtol=1e-9)
    assert bt["model"].iloc[0] == "RecursiveForecaster"


# ---------------------------------------------------------------------------------------------------------
# parallel: the frame does not depend on n_jobs or the joblib backend
# ---------------------------------------------------------------------------------------------------------
def airline_like(n=60):
    t = np.arange(n)
    return pd.Series(
        100 + t + 10 * np.sin(2 * np.pi * t / 12), name="air", index=pd.period_range("2000-01", periods=n, freq="M")
    )


@pytest.mark.slow  # two worker processes start (loky)
def test_n_jobs_2_gives_the_same_frame():
    y = airline_like()
    forecaster = RecursiveForecaster(LinearRegression(), window_length=12)
    kwargs = dict(horizon=6, step=6, initial_window=30)
    serial = backtest(forecaster, y, **kwargs, n_jobs=1)
    parallel = backtest(forecaster, y, **kwargs, n_jobs=2)
    assert len(serial) == 5 * 6
    assert_frame_equal(without_timings(parallel), without_timings(serial))


@pytest.fixture
def one_torch_thread():
    """Tiny nets: one intra-op thread is faster, and much faster on a busy machine (restored afterwards)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.mark.slow  # two worker processes start, each importing torch
def test_n_jobs_2_gives_the_same_frame_with_a_seeded_rnn(one_torch_thread):
    from seqforecast.estimators import RNNRegressor

    y = airline_like(40)
    net = RNNRegressor(cell="gru", hidden_size=4, max_epochs=2, batch_size=8, random_state=0)
    forecaster = RecursiveForecaster(net, window_length=6)
    kwargs = dict(horizon=3, step=3, initial_window=34)
    serial = backtest(forecaster, y, **kwargs)
    parallel = backtest(forecaster, y, **kwargs, n_jobs=2)
    assert serial["cutoff"].nunique() == 2
    assert_frame_equal(without_timings(parallel), without_timings(serial))


@pytest.mark.slow  # starts a dask cluster and client
def test_dask_backend_gives_the_same_frame():
    pytest.importorskip("dask")
    distributed = pytest.importorskip("distributed")
    import joblib

    y = airline_like()
    forecaster = RecursiveForecaster(LinearRegression(), window_length=12)
    kwargs = dict(horizon=6, step=6, initial_window=30)
    serial = backtest(forecaster, y, **kwargs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # distributed's own start-up deprecations
        with (
            distributed.LocalCluster(
                n_workers=1, threads_per_worker=2, processes=False, dashboard_address=None
            ) as cluster,
            distributed.Client(cluster),
            joblib.parallel_backend("dask"),
        ):
            on_dask = backtest(forecaster, y, **kwargs, n_jobs=-1)
    assert_frame_equal(without_timings(on_dask), without_timings(serial))


def test_verbose_shows_a_progress_bar_on_stderr(capsys):
    backtest(LastOfHistory(), positions(10), horizon=2, initial_window=4, verbose=1)
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "backtest LastOfHistory" in captured.err and "3/3" in captured.err
    backtest(LastOfHistory(), positions(10), horizon=2, initial_window=4)
    assert capsys.readouterr().err == ""


# ---------------------------------------------------------------------------------------------------------
# errors
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(horizon=0), "The 'horizon' parameter of backtest must be an int in the range [1, inf). Got 0 instead."),
        (
            dict(horizon=2, step=0),
            "The 'step' parameter of backtest must be an int in the range [1, inf). Got 0 instead.",
        ),
        (
            dict(horizon=2, window="rolling"),
            "The 'window' parameter of backtest must be a str among {'expanding', 'sliding'}. Got 'rolling' instead.",
        ),
        (
            dict(horizon=2, window="sliding"),
            "backtest: window='sliding' needs window_length, the number of time steps each fit sees (e.g. "
            "window_length=48).",
        ),
        (
            dict(horizon=2, window_length=5),
            "backtest: window_length=5 applies only to window='sliding'; with an expanding window every fit sees "
            "all the history up to its cutoff. Drop window_length or set window='sliding'.",
        ),
        (
            dict(horizon=2, window="sliding", window_length=5, initial_window=3),
            "backtest: initial_window=3 is shorter than window_length=5, so the first sliding windows would be "
            "shorter than the others; use initial_window >= window_length, or leave it None (then it is "
            "window_length).",
        ),
        (
            dict(horizon=2, initial_window=4, refit=0),
            "The 'refit' parameter of backtest must be True or False or an int in the range [1, inf). Got 0 instead. "
            "True refits at every origin, False fits once on the first window, an int k every k origins.",
        ),
        (
            dict(horizon=2, initial_window=4, coverage=1.5),
            "The 'coverage' parameter of backtest must be a float in the range (0.0, 1.0) or None. Got 1.5 instead. It "
            "is the probability the intervals should hold, e.g. 0.9.",
        ),
        (
            dict(horizon=2, initial_window=4, verbose=-1),
            "The 'verbose' parameter of backtest must be an int in the range [0, inf). Got -1 instead.",
        ),
        *[
            (
                dict(horizon=2, initial_window=4, n_jobs=n_jobs),
                "The 'n_jobs' parameter of backtest must be an int in the range [1, inf), an int in the range "
                f"(-inf, -1] or None. Got {n_jobs!r} instead. n_jobs is the number of fits run at once: None or 1 "
                "for one at a time, -1 for every CPU, -2 for every CPU but one.",
            )
            for n_jobs in (0, 1.5, True, "2")
        ],
    ],
)
def test_bad_parameters(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        backtest(LastOfHistory(), positions(12), **kwargs)


@pytest.mark.parametrize("n_jobs", [None, 1])
def test_n_jobs_takes_joblibs_values(n_jobs):
    frame = backtest(LastOfHistory(), positions(12), horizon=2, initial_window=4, n_jobs=n_jobs)
    serial = backtest(LastOfHistory(), positions(12), horizon=2, initial_window=4)
    assert_frame_equal(without_timings(frame), without_timings(serial))
    # negative counts as joblib reads them (-1 every CPU, -2 all but one), checked without starting workers
    assert [check_n_jobs(n, "backtest") for n in (-1, -2, 4)] == [-1, -2, 4]


def test_too_short_series_says_the_minimum():
    with pytest.raises(
        ValueError,
        match=re.escape(
            "backtest needs at least 13 time steps for one origin (initial_window=10 + horizon=3); y has 12. "
            "Use a smaller horizon or initial_window, or a longer series."
        ),
    ):
        backtest(LastOfHistory(), positions(12), horizon=3, initial_window=10)
    with pytest.raises(
        ValueError,
        match=re.escape(
            "backtest needs at least 13 time steps for one origin (1 training step + horizon=12); y has 12. Use a "
            "smaller horizon or a longer series."
        ),
    ):
        backtest(LastOfHistory(), positions(12), horizon=12, step=3)
    with pytest.raises(
        ValueError,
        match=re.escape(
            "backtest needs at least 14 time steps for one origin (window_length=12 + horizon=2); y has 12."
        ),
    ):
        backtest(LastOfHistory(), positions(12), horizon=2, window="sliding", window_length=12)


def test_bad_inputs_are_type_errors():
    with pytest.raises(
        TypeError,
        match=re.escape(
            "backtest: y must be a pandas Series (one series) or DataFrame (one column per series); got ndarray."
        ),
    ):
        backtest(LastOfHistory(), np.arange(10.0), horizon=2)
    with pytest.raises(
        TypeError,
        match=re.escape(
            "backtest needs a seqforecast forecaster (with fit(X, y) and forecast(steps, ...)); got LinearRegression."
        ),
    ):
        backtest(LinearRegression(), positions(10), horizon=2)


def test_covariates_must_match_y():
    y = positions(10)
    with pytest.raises(
        ValueError,
        match=re.escape("backtest: X has 9 rows but y has 10; the covariates need one row per time step of y."),
    ):
        backtest(EchoCovariates(), y, np.zeros((9, 1)), horizon=2, initial_window=4)
    shifted = pd.DataFrame({"x": np.zeros(10)}, index=pd.RangeIndex(1, 11))
    with pytest.raises(
        ValueError,
        match=re.escape(
            "backtest: X must have exactly y's index (same labels, same order); X starts at [1] and y at [0]. "
            "Build X on y.index."
        ),
    ):
        backtest(EchoCovariates(), y, shifted, horizon=2, initial_window=4)


def test_errors_inside_a_fit_name_the_origin():
    with pytest.raises(ValueError, match=re.escape("needs 6 rows, got 4")) as info:
        backtest(FailsOnShortData(), positions(12), horizon=2, step=2, initial_window=4)
    assert info.value.__notes__ == ["(raised by backtest at the origin with cutoff 3, the fit of FailsOnShortData)"]


def test_refit_false_needs_a_forecaster_that_takes_a_new_context():
    with pytest.raises(
        NotImplementedError,
        match=re.escape(
            "backtest forecasts from origins between refits with forecast(..., y_context=...), which NoContext "
            "(NoContext) cannot do (NoContext cannot forecast from a new history). Use refit=True."
        ),
    ):
        backtest(NoContext(), positions(12), horizon=2, initial_window=4, refit=False)
    bt = backtest(NoContext(), positions(12), horizon=2, initial_window=4, refit=True)
    assert_array_equal(bt["y_pred"].to_numpy(), bt["cutoff"].to_numpy())
