"""Tests of seqforecast.metrics: hand-computed values, M4 conventions, validation messages, scorers."""

import pickle
import re

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from seqforecast.baselines._kernels import naive2_forecast
from seqforecast.evaluation.metrics import (
    m4_scores,
    mae,
    make_forecast_scorer,
    mape,
    mase,
    owa,
    rmse,
    rmsse,
    scores_per_series,
    smape,
)

# Two series over a horizon of 3 (columns): A and B.
Y_TRUE = np.array([[2.0, 10.0], [4.0, 10.0], [6.0, 10.0]])
Y_PRED = np.array([[1.0, 10.0], [4.0, 12.0], [8.0, 5.0]])
# abs errors: A [1, 0, 2], B [0, 2, 5]
# training series: A = [1, 2, 4, 7]; B starts one step later = [8, 10, 9]
TRAIN_A = np.array([1.0, 2.0, 4.0, 7.0])
TRAIN_B = np.array([8.0, 10.0, 9.0])
TRAIN_FRAME = pd.DataFrame({"A": TRAIN_A, "B": np.r_[np.nan, TRAIN_B]})


@pytest.mark.parametrize(
    ("metric", "per_series"),
    [
        (mae, [1.0, 7 / 3]),
        (rmse, [np.sqrt(5 / 3), np.sqrt(29 / 3)]),
        (mape, [100 * (1 / 2 + 0 + 2 / 6) / 3, 100 * (0 + 2 / 10 + 5 / 10) / 3]),
        # 200|e| / (|y| + |y_hat|): A 200/3, 0, 400/14; B 0, 400/22, 1000/15
        (smape, [(200 / 3 + 400 / 14) / 3, (400 / 22 + 1000 / 15) / 3]),
    ],
)
def test_scale_free_metrics_hand_computed(metric, per_series):
    assert_allclose(metric(Y_TRUE, Y_PRED, multioutput="raw_values"), per_series, rtol=1e-12)
    # several series: the per-series values, then their mean (the M4 way)
    assert metric(Y_TRUE, Y_PRED) == pytest.approx(np.mean(per_series), rel=1e-12)
    # one series as 1-D input
    assert metric(Y_TRUE[:, 0], Y_PRED[:, 0]) == pytest.approx(per_series[0], rel=1e-12)
    assert type(metric(Y_TRUE, Y_PRED)) is float  # a Python float, not a numpy scalar


def test_mase_rmsse_hand_computed_with_ragged_training_series():
    # sp = 1 scales: A mean|diff [1, 2, 3]| = 2; B mean|diff [2, -1]| = 1.5
    expected_mase = [1.0 / 2, (7 / 3) / 1.5]
    # RMSSE: A sqrt((5/3) / ((1 + 4 + 9)/3)); B sqrt((29/3) / ((4 + 1)/2))
    expected_rmsse = [np.sqrt((5 / 3) / (14 / 3)), np.sqrt((29 / 3) / (5 / 2))]
    for y_train in ([TRAIN_A, TRAIN_B], TRAIN_FRAME, TRAIN_FRAME.to_numpy()):
        assert_allclose(mase(Y_TRUE, Y_PRED, y_train=y_train, multioutput="raw_values"), expected_mase, rtol=1e-12)
        assert mase(Y_TRUE, Y_PRED, y_train=y_train) == pytest.approx(np.mean(expected_mase), rel=1e-12)
        assert_allclose(rmsse(Y_TRUE, Y_PRED, y_train=y_train, multioutput="raw_values"), expected_rmsse, rtol=1e-12)


def test_mase_seasonal_scale():
    # sp = 2 on A = [1, 2, 4, 7]: |4 - 1|, |7 - 2| -> scale 4; MAE of A is 1
    assert mase(Y_TRUE[:, 0], Y_PRED[:, 0], y_train=TRAIN_A, sp=2) == pytest.approx(0.25, rel=1e-12)
    assert rmsse(Y_TRUE[:, 0], Y_PRED[:, 0], y_train=TRAIN_A, sp=2) == pytest.approx(
        np.sqrt((5 / 3) / ((9 + 25) / 2)), rel=1e-12
    )


def test_pandas_inputs_give_the_same_values():
    index = pd.RangeIndex(4, 7)
    true = pd.DataFrame(Y_TRUE, index=index, columns=["A", "B"])
    pred = pd.DataFrame(Y_PRED, index=index, columns=["A", "B"])
    assert mase(true, pred, y_train=TRAIN_FRAME) == mase(Y_TRUE, Y_PRED, y_train=TRAIN_FRAME)
    assert smape(true["A"], pred["A"]) == smape(Y_TRUE[:, 0], Y_PRED[:, 0])


def test_smape_zero_over_zero_is_an_exact_forecast():
    # both 0 -> term 0 (not NaN); 0 against 5 -> 200
    assert smape([0.0, 0.0], [0.0, 5.0]) == pytest.approx(100.0)
    assert smape([0.0], [0.0]) == 0.0


def test_metrics_are_zero_on_a_perfect_forecast_and_symmetric_where_expected():
    rng = np.random.default_rng(7)
    y = rng.uniform(1, 5, size=(6, 3))
    f = rng.uniform(1, 5, size=(6, 3))
    for metric in (mae, rmse, mape, smape):
        assert metric(y, y) == 0.0
    assert smape(y, f) == pytest.approx(smape(f, y), rel=1e-12)
    assert mae(y, f) == pytest.approx(mae(f, y), rel=1e-12)
    assert rmse(y, f) >= mae(y, f)


# ---------------------------------------------------------------------------------------------------- validation
@pytest.mark.parametrize(
    ("call", "exc", "msg"),
    [
        (
            lambda: mae([1.0, 2.0], [1.0, 2.0, 3.0]),
            ValueError,
            "mae: y_true and y_pred must have the same shape, (horizon,) or (horizon, n_series); got y_true (2,) "
            "and y_pred (3,).",
        ),
        (lambda: smape([], []), ValueError, "smape: y_true is empty (shape (0,)); there is nothing to score."),
        (
            lambda: rmse([1.0, np.nan, np.nan, np.inf], [1.0, 2.0, 3.0, 4.0]),
            ValueError,
            "rmse: y_true contains 2 NaN and 1 infinite value(s), the first at position 1 = nan. Metrics do not "
            "skip or impute values: drop or fill them before scoring.",
        ),
        (
            lambda: mae(Y_TRUE, np.where(Y_PRED > 9, np.nan, Y_PRED)),
            ValueError,
            "mae: y_pred contains 2 NaN and 0 infinite value(s), the first at position (0, 1) = nan.",
        ),
        (
            lambda: mae(np.ones((2, 2, 2)), np.ones((2, 2, 2))),
            ValueError,
            "mae: y_true must be 1-D of shape (horizon,) or 2-D of shape (horizon, n_series); got 3-D with shape "
            "(2, 2, 2).",
        ),
        (lambda: mae(["a"], ["b"]), TypeError, "mae: y_true must hold numbers; got list"),
        (
            lambda: mae(Y_TRUE, Y_PRED, multioutput="variance_weighted"),
            ValueError,
            "The 'multioutput' parameter of mae must be a str among {'raw_values', 'uniform_average'}. Got "
            "'variance_weighted' instead.",
        ),
        (
            lambda: mape([1.0, 0.0, 0.0], [1.0, 1.0, 1.0]),
            ValueError,
            "mape: y_true has 2 zero value(s) (first at (step, series) (1, 0)); MAPE divides by the actual value "
            "and is undefined there. Use smape or mase for series that reach zero.",
        ),
        (
            lambda: mase(Y_TRUE, Y_PRED, y_train=[TRAIN_A]),
            ValueError,
            "mase: y_train holds 1 series but y_true has 2 (its columns); pass one training series per column of "
            "y_true.",
        ),
        (
            lambda: mase(Y_TRUE, Y_PRED, y_train=[TRAIN_A, TRAIN_B], sp=0),
            ValueError,
            "The 'sp' parameter of mase must be an int in the range [1, inf). Got 0 instead. sp is the seasonal "
            "period of the scale: 1 for none, 12 for monthly data, 24 for hourly...",
        ),
        (
            lambda: mase(Y_TRUE, Y_PRED, y_train=[TRAIN_A, TRAIN_B], sp=3),
            ValueError,
            "mase: the training series at column 1 has 3 value(s); the scale at lag sp=3 needs at least sp + 1 = 4.",
        ),
        (
            lambda: mase(Y_TRUE, Y_PRED, y_train=TRAIN_FRAME.assign(B=[np.nan, 8.0, np.nan, 9.0])),
            ValueError,
            "mase: y_train column 1 (after its 1 leading NaN) contains 1 NaN and 0 infinite value(s), the first at "
            "position 1 = nan.",
        ),
        (
            lambda: mase(Y_TRUE, Y_PRED, y_train=[TRAIN_A, np.ones((3, 1))]),
            ValueError,
            "mase: y_train as a list must hold 1-D series; y_train[1] has shape (3, 1).",
        ),
        (
            lambda: mase(Y_TRUE, Y_PRED, y_train=np.ones((2, 2, 2))),
            ValueError,
            "mase: y_train must be 1-D (one series), 2-D of shape (n_timesteps, n_series) or a list of 1-D series; "
            "got 3-D with shape (2, 2, 2).",
        ),
        (
            lambda: mase(pd.Series([1.0, 2.0]), pd.Series([1.0, 2.0], index=[5, 6]), y_train=TRAIN_A),
            ValueError,
            "mase: y_true and y_pred are pandas objects with different index ([0, 1]... vs [5, 6]...); metrics "
            "compare values position by position and do not realign.",
        ),
    ],
)
def test_validation_messages(call, exc, msg):
    with pytest.raises(exc, match=re.escape(msg)):
        call()


@pytest.mark.parametrize("metric", [mase, rmsse])
def test_zero_scale_raises_naming_the_series(metric):
    name = metric.__name__
    flat = TRAIN_FRAME.assign(B=[np.nan, 3.0, 3.0, 3.0])
    with pytest.raises(
        ValueError,
        match=re.escape(
            f"{name}: the scale of series 'B' (column 1) is zero: its training values repeat exactly at lag sp=1 "
            "(e.g. a constant series), so a scaled error would divide by zero. Score that series with a "
            "scale-free metric (mae, smape) or leave it out of the scaled score."
        ),
    ):
        metric(Y_TRUE, Y_PRED, y_train=flat)
    # a season that repeats exactly has a zero seasonal scale but a non-zero lag-1 scale
    seasonal = np.array([1.0, 5.0, 1.0, 5.0, 1.0])
    assert metric(Y_TRUE[:, 0], Y_PRED[:, 0], y_train=seasonal, sp=1) > 0
    with pytest.raises(ValueError, match=re.escape(f"{name}: the scale of series 0 (the only series) is zero")):
        metric(Y_TRUE[:, 0], Y_PRED[:, 0], y_train=seasonal, sp=2)


def test_scores_per_series_are_the_metrics_per_series():
    scores = scores_per_series(Y_TRUE, Y_PRED, y_train=TRAIN_FRAME)
    assert list(scores) == ["mase", "smape", "mae", "rmse", "scale"]
    assert_allclose(scores["mase"], mase(Y_TRUE, Y_PRED, y_train=TRAIN_FRAME, multioutput="raw_values"), rtol=1e-15)
    for metric in (smape, mae, rmse):
        assert_allclose(scores[metric.__name__], metric(Y_TRUE, Y_PRED, multioutput="raw_values"), rtol=1e-15)
    assert_allclose(scores["scale"], [2.0, 1.5])  # as in test_mase_rmsse_hand_computed_with_ragged_training_series


def test_scores_per_series_give_nan_where_the_mase_scale_is_undefined():
    # B constant (zero scale): mase raises, the report's scores give NaN for its MASE and score the rest
    flat = TRAIN_FRAME.assign(B=[np.nan, 3.0, 3.0, 3.0])
    with pytest.raises(ValueError, match=re.escape("mase: the scale of series 'B' (column 1) is zero")):
        mase(Y_TRUE, Y_PRED, y_train=flat)
    scores = scores_per_series(Y_TRUE, Y_PRED, y_train=flat)
    assert scores["mase"][0] == pytest.approx(0.5) and np.isnan(scores["mase"][1])
    assert scores["scale"].tolist() == [2.0, 0.0]
    assert_allclose(scores["mae"], [1.0, 7 / 3])
    assert_allclose(scores["smape"], smape(Y_TRUE, Y_PRED, multioutput="raw_values"))
    # too short for the scale at lag sp=3 (B has 3 values): NaN scale, NaN MASE
    short = scores_per_series(Y_TRUE, Y_PRED, y_train=[TRAIN_A, TRAIN_B], sp=3)
    assert short["scale"][0] == pytest.approx(6.0) and np.isnan(short["scale"][1]) and np.isnan(short["mase"][1])
    assert short["mase"][0] == pytest.approx(1 / 6)


# ----------------------------------------------------------------------------------------------------------- OWA
def test_owa_reproduces_official_m4_values():
    # m4_official_point_results_by_frequency.csv (from the organisers' "Evaluation and Ranks.xlsx"):
    # Hourly sNaive 13.912 / 1.193, Naive2 18.383 / 2.395 -> OWA 0.627453623361059;
    # Weekly Theta 9.093 / 2.637, Naive2 9.161 / 2.777 -> OWA 0.9710815568038125
    assert owa(13.912, 1.193, 18.383, 2.395) == pytest.approx(0.627453623361059, rel=1e-12)
    assert owa(9.093, 2.637, 9.161, 2.777) == pytest.approx(0.9710815568038125, rel=1e-12)
    assert owa(18.383, 2.395, 18.383, 2.395) == 1.0


@pytest.mark.parametrize(
    ("args", "msg"),
    [
        ((np.nan, 1.0, 1.0, 1.0), "owa: smape must be a finite number >= 0 (a mean error); got nan."),
        ((1.0, -1.0, 1.0, 1.0), "owa: mase must be a finite number >= 0 (a mean error); got -1.0."),
        (
            (1.0, 1.0, 0.0, 1.0),
            "owa: smape_naive2 is 0, so the relative error is undefined; OWA needs Naive2 errors > 0.",
        ),
        ((1.0, 1.0, 1.0, "2"), "owa: mase_naive2 must be a finite number >= 0 (a mean error); got '2'."),
    ],
)
def test_owa_validation(args, msg):
    with pytest.raises(ValueError, match=re.escape(msg)):
        owa(*args)


def test_m4_scores_computes_naive2_itself():
    rng = np.random.default_rng(3)
    train = [10 + rng.uniform(size=30).cumsum(), 20 + rng.uniform(size=25).cumsum()]
    y_true = np.column_stack([s[-1] + rng.uniform(size=4).cumsum() for s in train])
    naive2 = np.column_stack([naive2_forecast(s, 4, sp=1) for s in train])
    scores = m4_scores(y_true, naive2, y_train=train)
    assert scores["owa"] == pytest.approx(1.0, rel=1e-12)
    assert scores["n_series"] == 2
    assert scores["smape"] == scores["smape_naive2"] == smape(y_true, naive2)
    assert scores["mase"] == mase(y_true, naive2, y_train=train)
    better = m4_scores(y_true, y_true + 0.01, y_train=train)
    assert better["owa"] < 1.0
    assert better == m4_scores(y_true, y_true + 0.01, y_train=train, y_pred_naive2=naive2)
    frame = pd.DataFrame(y_true, columns=["a", "b"])
    assert m4_scores(frame, frame + 0.01, y_train=train) == better
    assert m4_scores(y_true[:, 0], y_true[:, 0] + 0.01, y_train=train[0])["n_series"] == 1


# ------------------------------------------------------------------------------------------------------ scorers
class _LastValueForecaster(RegressorMixin, BaseEstimator):
    """A fake forecaster (rows are time steps): predicts the last training value, plus an offset."""

    def __init__(self, offset=0.0):
        self.offset = offset

    def fit(self, X, y):
        self.y_train_ = pd.Series(np.asarray(y, dtype=float))
        return self

    def predict(self, X):
        return np.full(len(X), self.y_train_.iloc[-1] + self.offset)


def test_mase_scorer_reads_the_scale_from_y_train_():
    y = np.array([1.0, 3.0, 2.0, 6.0, 5.0, 7.0])
    X = np.zeros((6, 1))
    est = _LastValueForecaster().fit(X[:4], y[:4])  # train [1, 3, 2, 6]: scale (2 + 1 + 4)/3 = 7/3
    scorer = make_forecast_scorer("mase")
    # forecast 6, 6 against 5, 7: MAE 1 -> MASE 3/7, negated
    assert scorer(est, X[4:], y[4:]) == pytest.approx(-3 / 7, rel=1e-12)
    # sp = 2: scale (|2 - 1| + |6 - 3|)/2 = 2 -> MASE 1/2
    assert make_forecast_scorer("mase", sp=2)(est, X[4:], y[4:]) == pytest.approx(-0.5, rel=1e-12)
    # RMSSE: sqrt(1 / ((4 + 1 + 16)/3))
    assert make_forecast_scorer("rmsse")(est, X[4:], y[4:]) == pytest.approx(-np.sqrt(1 / 7), rel=1e-12)
    # through a Pipeline: the scale comes from the last step
    pipe = make_pipeline(FunctionTransformer(), _LastValueForecaster()).fit(X[:4], y[:4])
    assert scorer(pipe, X[4:], y[4:]) == pytest.approx(-3 / 7, rel=1e-12)
    assert repr(make_forecast_scorer("mase", sp=24)) == "make_forecast_scorer('mase', sp=24)"
    assert pickle.loads(pickle.dumps(scorer))(est, X[4:], y[4:]) == pytest.approx(-3 / 7, rel=1e-12)


def test_scale_free_scorers_are_sklearn_make_scorer():
    y = np.array([1.0, 3.0, 2.0, 6.0, 5.0, 7.0])
    X = np.zeros((6, 1))
    est = _LastValueForecaster().fit(X[:4], y[:4])
    assert make_forecast_scorer("smape")(est, X[4:], y[4:]) == pytest.approx(-smape(y[4:], [6.0, 6.0]))
    assert make_forecast_scorer("mae")(est, X[4:], y[4:]) == pytest.approx(-1.0)


def test_scorers_in_grid_search_and_cross_validate():
    y = np.array([1.0, 3.0, 2.0, 6.0, 5.0, 7.0, 6.0, 9.0, 8.0, 10.0])
    X = np.zeros((10, 1))
    cv = TimeSeriesSplit(n_splits=2, test_size=2)  # folds: train [:6] test [6:8]; train [:8] test [8:10]
    search = GridSearchCV(
        _LastValueForecaster(),
        {"offset": [3.0, 0.5]},
        cv=cv,
        scoring={"mase": make_forecast_scorer("mase"), "smape": make_forecast_scorer("smape")},
        refit="mase",
    ).fit(X, y)
    # fold 1 scale: mean|diff [1, 3, 2, 6, 5, 7]| = (2+1+4+1+2)/5 = 2; fold 2 adds 6, 9: (10+1+3)/7 = 2
    # offset 3: forecasts 10 vs [6, 9] (MAE 2.5), 12 vs [8, 10] (MAE 3)
    # offset 0.5: forecasts 7.5 vs [6, 9] (MAE 1.5), 9.5 vs [8, 10] (MAE 1)
    expected = [-(2.5 / 2 + 3 / 2) / 2, -(1.5 / 2 + 1 / 2) / 2]
    assert_allclose(search.cv_results_["mean_test_mase"], expected, rtol=1e-12)
    assert search.best_params_ == {"offset": 0.5}
    result = cross_validate(_LastValueForecaster(), X, y, cv=cv, scoring=make_forecast_scorer("mase", sp=2))
    assert result["test_score"][0] == pytest.approx(-mase(y[6:8], [7.0, 7.0], y_train=y[:6], sp=2), rel=1e-12)


def test_scorer_errors():
    with pytest.raises(
        ValueError,
        match=re.escape(
            "a scaled-error scorer reads the training series from the fitted attribute `y_train_` of the "
            "estimator (or of a Pipeline's last step); DummyRegressor has none."
        ),
    ):
        from sklearn.dummy import DummyRegressor

        make_forecast_scorer("mase")(DummyRegressor().fit([[0]], [1.0]), [[0]], [1.0])
    with pytest.raises(
        ValueError,
        match=re.escape(
            "The 'name' parameter of make_forecast_scorer must be a str among {'mae', 'mape', 'mase', 'rmse', "
            "'rmsse', 'smape'}. Got 'mse' instead."
        ),
    ):
        make_forecast_scorer("mse")
    with pytest.raises(
        ValueError,
        match=re.escape("make_forecast_scorer: sp only applies to 'mase' and 'rmsse'; got sp=24 with 'mae'."),
    ):
        make_forecast_scorer("mae", sp=24)
    with pytest.raises(
        ValueError,
        match=re.escape(
            "The 'sp' parameter of make_forecast_scorer must be an int in the range [1, inf). Got 0 instead."
        ),
    ):
        make_forecast_scorer("mase", sp=0)
