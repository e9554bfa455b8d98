"""Metrics near the float limits: computed in units of a power of two per series, so nothing overflows on the
way, ordinary values give the same bits as the plain formulas, and a result beyond the float range raises
``OverflowError`` with a message that says what to do.

Hand computation: with ``m = 1e308``, ``y_true = [m]`` and ``y_pred = [-m]`` the error is ``2m = 2e308``,
beyond the largest float (1.797e308); its sMAPE term is ``200 * 2m / (m + m) = 200``; with the training series
``[m, -m, m]`` the MASE scale is ``mean(|-2m|, |2m|) = 2m``, so the MASE is 1.
"""

import re

import numpy as np
import pytest
from numpy.testing import assert_allclose

from seqforecast.evaluation.metrics import m4_scores, mae, mape, mase, rmse, rmsse, scores_per_series, smape

M = 1e308


def test_an_error_beyond_the_float_range_raises():
    with pytest.raises(
        OverflowError,
        match=re.escape(
            "mae: the mean absolute error of series 0 (the only series) is about 2.0e+308, beyond the largest float "
            "(1.8e+308), so it cannot be returned. Divide y_true, y_pred (and y_train) by a common factor, e.g. "
            "1e6, and score again: MAE and RMSE scale with it, sMAPE and MASE do not."
        ),
    ):
        mae([M], [-M])
    with pytest.raises(
        OverflowError,
        match=re.escape("rmse: the root mean squared error of series 0 (the only series) is about 2.0e+308"),
    ):
        rmse([M], [-M])


def test_errors_that_overflow_on_the_way_give_representable_results():
    assert mae([M, 0.0], [-M, 0.0]) == M  # (2m + 0) / 2
    assert mae([[1.5e308, 1.5e308]], [[0.0, 0.0]]) == 1.5e308  # the mean over series does not overflow
    assert rmse([M, M], [-M, M]) == pytest.approx(np.sqrt(2.0) * M, rel=1e-15)  # sqrt((4m^2 + 0) / 2)


def test_unit_free_metrics_of_extreme_values_are_defined():
    assert smape([M], [-M]) == 200.0  # was NaN: inf / inf
    assert smape([M], [0.99999 * M]) == pytest.approx(200 * 1e-5 / 1.99999, rel=1e-9)  # was 0.0: finite / inf
    assert mape([M], [-M]) == 200.0
    assert mase([M], [-M], y_train=np.array([M, -M, M])) == 1.0  # was 0.0: inf / inf
    assert rmsse([M], [-M], y_train=np.array([M, -M, M])) == 1.0
    # a scale that overflows against a small error: 1 / 2e308, a subnormal, not 0
    assert mase([1.0], [2.0], y_train=np.array([M, -M, M])) == pytest.approx(1 / (2 * M), rel=1e-12)


def test_a_ratio_beyond_the_float_range_raises():
    with pytest.raises(
        OverflowError,
        match=re.escape(
            "mase: the MASE of series 0 (the only series) is about 2.0e+310, beyond the largest float (1.8e+308), "
            "so it cannot be returned. Its scale (the in-sample error of the seasonal naive forecast at lag sp=1) "
            "is tiny against the forecast errors; score that series with a scale-free metric (mae, smape)."
        ),
    ):
        mase([1e10], [-1e10], y_train=np.array([0.0, 1e-300, 0.0]))
    with pytest.raises(
        OverflowError,
        match=re.escape(
            "mape: the percentage error at (step, series) (0, 0) is beyond the largest float (1.8e+308): y_true "
            "there is 1e-300 against y_pred 10000000000.0. MAPE divides by the actual value, too close to zero for "
            "this error; use smape or mase."
        ),
    ):
        mape([1e-300], [1e10])


def test_a_zero_scale_still_raises():
    with pytest.raises(ValueError, match=re.escape("mase: the scale of series 0 (the only series) is zero")):
        mase([1e308], [0.0], y_train=np.full(4, 1e308))


def test_scores_per_series_refuse_a_scale_beyond_the_float_range():
    """A report divides by the scale: it must be a float."""
    with pytest.raises(
        OverflowError,
        match=re.escape(
            "scores_per_series: the MASE scale of series 0 (the only series) is about 2.0e+308, beyond the largest "
            "float (1.8e+308), so it cannot be returned."
        ),
    ):
        scores_per_series([1.0], [2.0], y_train=np.array([M, -M, M]))
    scores = scores_per_series([M], [0.5 * M], y_train=np.array([M, 0.5 * M]))
    assert_allclose([scores[k][0] for k in ("mase", "mae", "rmse", "scale")], [1.0, 0.5 * M, 0.5 * M, 0.5 * M])


def test_ordinary_values_give_the_same_bits_as_the_plain_formulas():
    rng = np.random.default_rng(0)
    true, pred, train = rng.normal(size=(12, 3)), rng.normal(size=(12, 3)), rng.normal(size=(30, 3))
    errors = true - pred
    plain_mae = np.mean(np.abs(errors), axis=0)
    plain_scale = np.array([np.mean(np.abs(np.diff(train[:, j]))) for j in range(3)])  # one series at a time
    plain_smape = np.mean(200 * np.abs(errors) / (np.abs(true) + np.abs(pred)), axis=0)
    np.testing.assert_array_equal(mae(true, pred, multioutput="raw_values"), plain_mae)
    np.testing.assert_array_equal(mase(true, pred, y_train=train, multioutput="raw_values"), plain_mae / plain_scale)
    np.testing.assert_array_equal(smape(true, pred, multioutput="raw_values"), plain_smape)
    assert mae(true, pred) == plain_mae.mean()


def test_m4_scores_of_huge_series_are_those_of_the_same_series_in_small_units():
    rng = np.random.default_rng(1)
    train = 100 + np.cumsum(rng.uniform(0.5, 1.5, size=(40, 2)), axis=0)
    true, pred = train[-1] + np.arange(1.0, 7.0)[:, None], train[-1] + 2.0 * np.ones((6, 2))
    small = m4_scores(true, pred, y_train=train)
    huge = m4_scores(true * 2.0**1000, pred * 2.0**1000, y_train=train * 2.0**1000)  # ~1e303: squares overflow
    assert huge == small
