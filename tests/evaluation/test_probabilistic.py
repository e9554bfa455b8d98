"""Tests of seqforecast.evaluation.probabilistic: hand-computed values, M4's MSIS and ACD worked out by hand,
invariants (CRPS of a point mass, pinball at the median, convergence to the Gaussian CRPS), libraries as
references where installed, and the validation messages."""

import re

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy.stats import norm

from seqforecast.evaluation import (
    acd,
    crps_from_quantiles,
    crps_from_samples,
    interval_coverage,
    interval_width,
    msis,
    pinball_loss,
)
from seqforecast.evaluation.metrics import mae, mase

# --------------------------------------------------------------------------------------------------------------
# quantile forecasts: two series (columns) over a horizon of 2, levels 0.1, 0.5, 0.9
# --------------------------------------------------------------------------------------------------------------
LEVELS = [0.1, 0.5, 0.9]
Y_TRUE = np.array([[1.0, 10.0], [3.0, 10.0]])
Y_QUANT = np.array(
    [
        [[0.0, 1.0, 2.0], [8.0, 9.0, 10.0]],  # step 0: series A, series B
        [[2.0, 2.0, 5.0], [11.0, 12.0, 13.0]],  # step 1
    ]
)
# rho_tau(u = y - q) = tau * u if u >= 0 else (tau - 1) * u
# A step 0: u = [1, 0, -1]   -> 0.1, 0,   0.1        sum 0.2
# A step 1: u = [1, 1, -2]   -> 0.1, 0.5, 0.2        sum 0.8    A: 1.0 / 6
# B step 0: u = [2, 1, 0]    -> 0.2, 0.5, 0          sum 0.7
# B step 1: u = [-1, -2, -3] -> 0.9, 1.0, 0.3        sum 2.2    B: 2.9 / 6
PINBALL = [1.0 / 6, 2.9 / 6]


def test_pinball_loss_hand_computed():
    assert_allclose(pinball_loss(Y_TRUE, Y_QUANT, LEVELS, multioutput="raw_values"), PINBALL, rtol=1e-12)
    assert pinball_loss(Y_TRUE, Y_QUANT, LEVELS) == pytest.approx(3.9 / 12, rel=1e-12)  # mean over series
    assert pinball_loss(Y_TRUE[:, 0], Y_QUANT[:, 0], LEVELS) == pytest.approx(PINBALL[0], rel=1e-12)  # 1-D
    assert type(pinball_loss(Y_TRUE, Y_QUANT, LEVELS)) is float


def test_pinball_at_the_median_is_half_the_mae():
    rng = np.random.default_rng(1)
    y, pred = rng.normal(size=(7, 3)), rng.normal(size=(7, 3))
    assert pinball_loss(y, pred[..., None], [0.5]) == pytest.approx(mae(y, pred) / 2, rel=1e-12)


def test_crps_from_quantiles_hand_computed_and_equal_to_the_samples_crps_on_midpoint_levels():
    # one series, levels 0.25 and 0.75 (the midpoints of K = 2); y = [0, 4]
    y, q = np.array([0.0, 4.0]), np.array([[-1.0, 1.0], [1.0, 2.0]])
    # step 0: u = [1, -1] -> 0.25, 0.25; step 1: u = [3, 2] -> 0.75, 1.5; CRPS = 2 * mean = 2 * 2.75 / 4
    assert crps_from_quantiles(y, q, [0.25, 0.75]) == pytest.approx(1.375, rel=1e-12)
    # as samples: step 0 E|X - y| = 1, E|X - X'| = 1 -> 0.5; step 1 2.5 - 0.5 / 2 = 2.25; mean 1.375
    assert crps_from_samples(y, q) == pytest.approx(1.375, rel=1e-12)
    # the identity holds for any samples: sorted, they are the quantiles at the midpoint levels
    rng = np.random.default_rng(2)
    y, draws = rng.normal(size=(5, 3)), rng.normal(size=(5, 3, 9))
    levels = (np.arange(9) + 0.5) / 9
    assert_allclose(
        crps_from_quantiles(y, np.sort(draws, axis=-1), levels, multioutput="raw_values"),
        crps_from_samples(y, draws, multioutput="raw_values"),
        rtol=1e-12,
    )


def test_crps_from_samples_hand_computed():
    # step 0: y = 2, samples [5, 0, 1]: E|X - y| = (3 + 2 + 1) / 3 = 2, E|X - X'| = 2 (5 + 4 + 1) / 9 = 20 / 9,
    #         CRPS = 2 - 10 / 9 = 8 / 9
    # step 1: y = 0, samples [1, 1, 1]: a point mass at 1, CRPS = |1 - 0| = 1
    y, samples = np.array([2.0, 0.0]), np.array([[5.0, 0.0, 1.0], [1.0, 1.0, 1.0]])
    assert crps_from_samples(y, samples) == pytest.approx((8 / 9 + 1) / 2, rel=1e-12)


def test_crps_of_a_point_mass_is_the_absolute_error():
    rng = np.random.default_rng(3)
    y, pred = rng.normal(size=(6, 4)), rng.normal(size=(6, 4))
    point_mass = np.repeat(pred[..., None], 5, axis=-1)  # five equal draws
    assert_allclose(crps_from_samples(y, point_mass, multioutput="raw_values"), mae(y, pred, multioutput="raw_values"))
    assert crps_from_samples(y, pred[..., None]) == pytest.approx(mae(y, pred), rel=1e-12)  # one draw
    assert crps_from_samples(y, point_mass) >= 0.0


def _gaussian_crps(y, mu, sigma):
    """Closed form (Gneiting & Raftery 2007): sigma * [z (2 Phi(z) - 1) + 2 phi(z) - 1 / sqrt(pi)]."""
    z = (y - mu) / sigma
    return sigma * (z * (2 * norm.cdf(z) - 1) + 2 * norm.pdf(z) - 1 / np.sqrt(np.pi))


def test_crps_estimates_converge_to_the_gaussian_closed_form():
    mu, sigma = 1.0, 2.0
    y = np.array([[-3.0, 0.5, 1.0, 4.0]])  # four series of one step
    exact = _gaussian_crps(y[0], mu, sigma)
    errors = []
    for k in (10, 100, 1000):
        levels = (np.arange(k) + 0.5) / k
        quantiles = np.broadcast_to(mu + sigma * norm.ppf(levels), (1, 4, k))
        got = crps_from_quantiles(y, quantiles, levels, multioutput="raw_values")
        errors.append(np.max(np.abs(got / exact - 1)))
    assert errors[0] > errors[1] > errors[2]
    assert errors[2] < 1e-5  # the midpoint rule: 3.4e-6 at K = 1000
    draws = np.random.default_rng(4).normal(mu, sigma, size=(1, 4, 20_000))
    assert_allclose(crps_from_samples(y, draws, multioutput="raw_values"), exact, rtol=0.02)


def test_crps_from_samples_agrees_with_scoringrules():
    scoringrules = pytest.importorskip("scoringrules")
    rng = np.random.default_rng(5)
    y, draws = rng.normal(size=(6, 3)), rng.normal(size=(6, 3, 50))
    reference = scoringrules.crps_ensemble(y, draws, estimator="nrg").mean(axis=0)
    assert_allclose(crps_from_samples(y, draws, multioutput="raw_values"), reference, rtol=1e-10)


def test_crps_from_samples_agrees_with_properscoring():
    properscoring = pytest.importorskip("properscoring")
    rng = np.random.default_rng(6)
    y, draws = rng.normal(size=(6, 3)), rng.normal(size=(6, 3, 50))
    reference = properscoring.crps_ensemble(y, draws).mean(axis=0)
    assert_allclose(crps_from_samples(y, draws, multioutput="raw_values"), reference, rtol=1e-10)


# --------------------------------------------------------------------------------------------------------------
# intervals: M4's MSIS and ACD worked out by hand, alpha = 0.05 so 2 / alpha = 40
# --------------------------------------------------------------------------------------------------------------
Y_TEST = np.array([[10.0, 5.0], [12.0, 5.0], [14.0, 5.0]])  # columns: series A, B
LOWER = np.array([[9.0, 4.0], [13.0, 4.0], [10.0, 5.0]])
UPPER = np.array([[11.0, 6.0], [15.0, 5.5], [13.0, 7.0]])
# A: step 0 inside, width 2; step 1 y = 12 < L = 13: 2 + 40 * 1 = 42; step 2 y = 14 > U = 13: 3 + 40 * 1 = 43
#    mean 87 / 3 = 29
# B: every value inside (5 on the lower bound 5 counts as inside): widths 2, 1.5, 2, mean 11 / 6
# training series: A = [10, 11, 13, 12]; B starts two steps later = [4, 6]
TRAIN = pd.DataFrame({"A": [10.0, 11.0, 13.0, 12.0], "B": [np.nan, np.nan, 4.0, 6.0]})


def test_msis_hand_computed_m4_definition():
    # scales (sp = 1): A mean |[1, 2, -1]| = 4 / 3, B |2| = 2 -> A 29 * 3 / 4 = 21.75, B (11 / 6) / 2 = 11 / 12
    sp, expected = 1, [21.75, 11 / 12]
    assert_allclose(msis(Y_TEST, LOWER, UPPER, y_train=TRAIN, sp=sp, multioutput="raw_values"), expected, rtol=1e-12)
    assert msis(Y_TEST, LOWER, UPPER, y_train=TRAIN, sp=sp) == pytest.approx(np.mean(expected), rel=1e-12)
    # a list of training series of different lengths gives the same scales as leading NaN
    listed = [TRAIN["A"].to_numpy(), TRAIN["B"].dropna().to_numpy()]
    assert msis(Y_TEST, LOWER, UPPER, y_train=listed, sp=sp) == pytest.approx(np.mean(expected), rel=1e-12)


def test_msis_seasonal_scale_and_nominal_coverage():
    one = (Y_TEST[:, 0], LOWER[:, 0], UPPER[:, 0])
    # sp = 2: scale mean |[13 - 10, 12 - 11]| = 2 -> 29 / 2
    assert msis(*one, y_train=TRAIN["A"].to_numpy(), sp=2) == pytest.approx(14.5, rel=1e-12)
    # 80 % intervals: 2 / alpha = 10 -> (2 + 12 + 13) / 3 = 9, over the scale 4 / 3: 6.75
    assert msis(*one, y_train=TRAIN["A"].to_numpy(), coverage=0.8) == pytest.approx(6.75, rel=1e-12)


def test_acd_and_coverage_hand_computed():
    # inside: A 1 of 3, B 3 of 3 -> pooled 4 / 6; ACD = |2 / 3 - 0.95|
    assert acd(Y_TEST, LOWER, UPPER) == pytest.approx(0.95 - 2 / 3, rel=1e-12)
    assert acd(Y_TEST, LOWER, UPPER, coverage=0.5) == pytest.approx(2 / 3 - 0.5, rel=1e-12)
    assert_allclose(interval_coverage(Y_TEST, LOWER, UPPER, multioutput="raw_values"), [1 / 3, 1.0])
    assert interval_coverage(Y_TEST, LOWER, UPPER) == pytest.approx(2 / 3, rel=1e-12)
    # widths: A [2, 2, 3] -> 7 / 3; B [2, 1.5, 2] -> 11 / 6
    assert_allclose(interval_width(LOWER, UPPER, multioutput="raw_values"), [7 / 3, 11 / 6], rtol=1e-12)
    assert type(acd(Y_TEST, LOWER, UPPER)) is float


def test_msis_of_an_interval_holding_every_value_is_its_mean_width_over_the_mase_scale():
    rng = np.random.default_rng(7)
    y = rng.normal(size=(8, 3))
    lower, upper = y - rng.uniform(0, 2, size=y.shape), y + rng.uniform(0, 2, size=y.shape)
    train = rng.normal(size=(30, 3))
    train[:4, 1] = np.nan  # a series that starts later
    train_frame = pd.DataFrame(train)
    # mase(w, 0) = mean(w) / scale: the same scale, from metrics.py
    expected = mase(upper - lower, np.zeros_like(y), y_train=train_frame, sp=3, multioutput="raw_values")
    got = msis(y, lower, upper, y_train=train_frame, sp=3, multioutput="raw_values")
    assert_allclose(got, expected, rtol=1e-12)
    assert interval_coverage(y, lower, upper) == 1.0


def test_msis_refuses_a_zero_scale_as_mase_does():
    message = (
        "msis: the scale of series 0 (the only series) is zero: its training values repeat exactly at lag sp=1 "
        "(e.g. a constant series), so a scaled error would divide by zero."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        msis([1.0, 2.0], [0.0, 0.0], [3.0, 3.0], y_train=np.array([4.0, 4.0, 4.0]))
    with pytest.raises(ValueError, match=re.escape("the training series 'B' (column 1) has 2 value(s)")):
        msis(Y_TEST, LOWER, pd.DataFrame(UPPER, columns=["A", "B"]), y_train=TRAIN, sp=2)


def test_values_near_the_float_limits():
    assert msis([1e308], [-1e308], [1e308], y_train=np.array([1e308, -1e308])) == pytest.approx(1.0)  # 2e308 / 2e308
    assert pinball_loss([1e308], [[-1e308]], [0.5]) == pytest.approx(1e308)
    with pytest.raises(OverflowError, match=r"interval_width: the mean width of series 0 \(the only series\) is about"):
        interval_width([-1e308], [1e308])
    with pytest.raises(OverflowError, match=r"crps_from_samples: the CRPS of series 0 \(the only series\)"):
        crps_from_samples([1e308], [[-1e308]])


# --------------------------------------------------------------------------------------------------------------
# validation messages
# --------------------------------------------------------------------------------------------------------------
def test_lower_above_upper_is_refused():
    message = (
        "acd: lower must be <= upper everywhere; got lower > upper at 1 position(s), the first at (step, series) "
        "(1, 0): lower 3.0, upper 2.0. Check that the bounds are not swapped (pass lower= and upper= by name)."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        acd([1.0, 2.0, 3.0], [0.0, 3.0, 1.0], [2.0, 2.0, 4.0])


def test_quantile_levels_are_checked():
    message = (
        "pinball_loss: quantiles must be strictly increasing; got 0.2 at position 2 after 0.9. Sort the levels and "
        "the last axis of the forecasts together"
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        pinball_loss(Y_TRUE, Y_QUANT, [0.1, 0.9, 0.2])
    with pytest.raises(
        ValueError, match=re.escape("quantiles must lie strictly between 0 and 1; got [90.0] at position(s) 2")
    ):
        pinball_loss(Y_TRUE, Y_QUANT, [0.1, 0.5, 90])
    with pytest.raises(ValueError, match=re.escape("got shape (). Pass [0.5] for the median alone.")):
        pinball_loss(Y_TRUE, Y_QUANT[..., 1], 0.5)
    message = (
        "crps_from_quantiles: quantiles must be evenly spaced, the CRPS being approximated by the midpoint rule; "
        "the step from position 2 to 3 is 0.05 against 0.4 at the start."
    )
    four = np.concatenate([Y_QUANT, Y_QUANT[..., -1:] + 1], axis=-1)  # a fourth level, 0.95
    with pytest.raises(ValueError, match=re.escape(message)):
        crps_from_quantiles(Y_TRUE, four, [0.1, 0.5, 0.9, 0.95])
    assert pinball_loss(Y_TRUE, four, [0.1, 0.5, 0.9, 0.95]) > 0  # uneven levels are fine for the pinball loss


def test_shapes_that_disagree_are_refused():
    message = (
        "pinball_loss: y_pred_quantiles must have shape (2, 2, 3), y_true's shape (2, 2) and a last axis of one value "
        "per quantile level (3 levels); got (3, 2, 2). The levels look to be on the first axis: move them last with "
        "np.moveaxis(y_pred_quantiles, 0, -1)."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        pinball_loss(Y_TRUE, np.moveaxis(Y_QUANT, -1, 0), LEVELS)
    with pytest.raises(ValueError, match=re.escape("samples must have shape (2, n_samples), y_true's shape (2,)")):
        crps_from_samples(Y_TRUE[:, 0], Y_QUANT)
    with pytest.raises(ValueError, match=re.escape("samples has no draw (its last axis has length 0)")):
        crps_from_samples(Y_TRUE, Y_QUANT[..., :0])
    message = "msis: y_true, lower and upper must have the same shape, (horizon,) or (horizon, n_series); got "
    with pytest.raises(ValueError, match=re.escape(message + "y_true (3, 2), lower (3, 2), upper (3,).")):
        msis(Y_TEST, LOWER, UPPER[:, 0], y_train=TRAIN)
    y = pd.Series([1.0, 2.0], index=[0, 1])
    with pytest.raises(ValueError, match="y_true and lower are pandas objects with different index"):
        interval_coverage(y, pd.Series([0.0, 0.0], index=[1, 2]), [3.0, 3.0])


def test_non_finite_values_and_bad_coverage_are_refused():
    samples = np.array([[1.0, np.nan], [2.0, 3.0]])
    message = "crps_from_samples: samples contains 1 NaN and 0 infinite value(s), the first at position (0, 1) = nan."
    with pytest.raises(ValueError, match=re.escape(message)):
        crps_from_samples([1.0, 2.0], samples)
    with pytest.raises(ValueError, match=re.escape("interval_width: upper contains 0 NaN and 1 infinite value(s)")):
        interval_width([0.0, 1.0], [1.0, np.inf])
    message = "The 'coverage' parameter of acd must be a float in the range (0.0, 1.0). Got 95 instead."
    with pytest.raises(ValueError, match=re.escape(message)):
        acd([1.0], [0.0], [2.0], coverage=95)
    with pytest.raises(ValueError, match="multioutput"):
        crps_from_samples([1.0], [[1.0]], multioutput="mean")
