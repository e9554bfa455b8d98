"""Tests for seqforecast.reporting: compare, leaderboard, errors by horizon, Diebold-Mariano, plots, writers."""

import base64
import json
import math
import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from seqforecast.base import BaseForecaster
from seqforecast.baselines import ARIMAForecaster, NaiveForecaster, SeasonalNaiveForecaster
from seqforecast.evaluation import metrics
from seqforecast.evaluation.reporting import ComparisonResult, compare, diebold_mariano
from seqforecast.evaluation.reporting.compare import BASELINES, _baseline_models
from seqforecast.evaluation.reporting.html import render_markdown
from seqforecast.exceptions import SeqforecastWarning

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# ---------------------------------------------------------------------------------------------------------
# test doubles
# ---------------------------------------------------------------------------------------------------------
class LastOfHistory(BaseForecaster):
    """The naive forecast, with an interval of +-1."""

    def _fit(self, Y, X):
        self.n_rows_ = len(Y)
        return self

    def _predict(self, horizon, Y, X, X_future):
        return np.tile(Y[-1], (horizon, 1))

    def _predict_interval(self, horizon, Y, X, X_future, coverage):
        point = self._predict(horizon, Y, X, X_future)
        return point - 1.0, point + 1.0


class Constant(BaseForecaster):
    def __init__(self, value=0.0):
        self.value = value

    def _fit(self, Y, X):
        self.fitted_ = True
        return self

    def _predict(self, horizon, Y, X, X_future):
        return np.full((horizon, Y.shape[1]), float(self.value))


class NaivePlusOffset(BaseForecaster):
    """Forecasts y[-1] + 1 + offsets[len(history)]: on a line of slope 1 its error is -offset."""

    def __init__(self, offsets=None):
        self.offsets = offsets

    def _fit(self, Y, X):
        self.fitted_ = True
        return self

    def _predict(self, horizon, Y, X, X_future):
        return np.tile(Y[-1] + 1.0 + self.offsets[len(Y)], (horizon, 1))


class FakeNet(LastOfHistory):
    """A naive forecaster with a training history, as the forecasters of nets have."""

    def training_history(self):
        n = self.n_rows_
        return [{"epoch": e, "train_loss": 1.0 / (e * n), "valid_loss": 1.5 / (e * n)} for e in (1, 2, 3)]


Y_TINY = pd.Series([1.0, 2.0, 4.0, 7.0, 8.0, 10.0, 13.0, 12.0], name="sales")


def tiny_comparison(**kwargs):
    # horizon 2, step 2, >= 4 training rows: origins with cutoffs at rows 3 and 5
    return compare(
        {"naive": LastOfHistory(), "nine": Constant(9.0)},
        Y_TINY,
        horizon=2,
        initial_window=4,
        baselines=False,
        **kwargs,
    )


# ---------------------------------------------------------------------------------------------------------
# scores against hand computation
# ---------------------------------------------------------------------------------------------------------
def test_leaderboard_hand_computed():
    board = tiny_comparison().leaderboard()
    # origin 1: train [1, 2, 4, 7] (MASE scale mean(1, 2, 3) = 2), truth [8, 10]
    # origin 2: train [1, 2, 4, 7, 8, 10] (scale mean(1, 2, 3, 1, 2) = 1.8), truth [13, 12]
    # naive forecasts 7, 7 then 10, 10: errors (1, 3) and (3, 2)
    #   MAE 2, 2.5; MASE 2 / 2 = 1, 2.5 / 1.8; RMSE sqrt(5), sqrt(6.5)
    #   sMAPE (200/15 + 600/17) / 2 and (600/23 + 400/22) / 2
    # nine forecasts 9, 9: errors (-1, 1) and (4, 3): MAE 1, 3.5; MASE 0.5, 3.5 / 1.8
    assert list(board.index) == ["naive", "nine"]  # 1.1944 < 1.2222
    naive_mase = [1.0, 2.5 / 1.8]
    assert_allclose(board.loc["naive", "mase"], np.mean(naive_mase))
    assert_allclose(board.loc["naive", "mase_std"], abs(naive_mase[0] - naive_mase[1]) / math.sqrt(2))
    assert_allclose(board.loc["naive", "mae"], 2.25)
    assert_allclose(board.loc["naive", "rmse"], (math.sqrt(5) + math.sqrt(6.5)) / 2)
    assert_allclose(board.loc["naive", "smape"], ((200 / 15 + 600 / 17) / 2 + (600 / 23 + 400 / 22) / 2) / 2)
    assert_allclose(board.loc["nine", "mase"], (0.5 + 3.5 / 1.8) / 2)
    assert_allclose(board.loc["nine", "mae"], 2.25)
    assert board["n_forecasts"].tolist() == [2, 2]
    assert board["baseline"].tolist() == [False, False]
    assert list(board.columns) == [
        "mase",
        "mase_std",
        "smape",
        "smape_std",
        "mae",
        "mae_std",
        "rmse",
        "rmse_std",
        "fit_seconds",
        "predict_seconds",
        "n_forecasts",
        "baseline",
    ]


def test_errors_by_horizon_hand_computed():
    result = tiny_comparison()
    table = result.errors_by_horizon("mase")
    assert table.index.tolist() == [1, 2] and table.columns.tolist() == ["naive", "nine"]
    # naive, step 1: 1 / 2 and 3 / 1.8; step 2: 3 / 2 and 2 / 1.8
    assert_allclose(table["naive"], [(0.5 + 3 / 1.8) / 2, (1.5 + 2 / 1.8) / 2])
    assert_allclose(result.errors_by_horizon("mae")["nine"], [(1 + 4) / 2, (1 + 3) / 2])
    assert_allclose(result.errors_by_horizon("rmse")["nine"], [math.sqrt((1 + 16) / 2), math.sqrt((1 + 9) / 2)])
    with pytest.raises(
        ValueError,
        match=re.escape(
            "The 'metric' parameter of errors_by_horizon must be a str among {'mae', 'mase', 'rmse', 'smape'}. Got "
            "'mape' instead."
        ),
    ):
        result.errors_by_horizon("mape")


def test_scores_agree_with_the_metrics_module():
    rng = np.random.default_rng(0)
    y = pd.DataFrame(rng.gamma(5.0, 10.0, size=(40, 2)), columns=["a", "b"])
    y.iloc[:5, 1] = np.nan  # series b starts later
    result = compare({"nine": Constant(40.0)}, y, horizon=4, step=3, initial_window=20, sp=4, baselines=False)
    scores = result.scores().set_index(["cutoff", "series"])
    for (cutoff, series), row in scores.iterrows():
        truth = y[series].iloc[cutoff + 1 : cutoff + 5].to_numpy()
        train = y[series].iloc[: cutoff + 1].dropna().to_numpy()
        pred = np.full(4, 40.0)
        assert_allclose(row["mase"], metrics.mase(truth, pred, y_train=train, sp=4))
        assert_allclose(row["smape"], metrics.smape(truth, pred))
        assert_allclose(row["mae"], metrics.mae(truth, pred))
        assert_allclose(row["rmse"], metrics.rmse(truth, pred))
    assert len(scores) == result.leaderboard().loc["nine", "n_forecasts"] == 2 * len(result.origins)


def test_sliding_window_scales_use_only_the_window():
    result = compare(
        {"naive": LastOfHistory()},
        Y_TINY,
        horizon=2,
        window="sliding",
        window_length=3,
        initial_window=4,
        baselines=False,
    )
    scores = result.scores()
    # origin 1 trains on [2, 4, 7] (scale 2.5), origin 2 on [7, 8, 10] (scale 1.5); MAE 2 and 2.5
    assert_allclose(scores["mase"], [2 / 2.5, 2.5 / 1.5])


def test_undefined_mase_is_warned_and_left_out():
    y = pd.Series([5.0, 5.0, 5.0, 5.0, 6.0, 8.0])
    with pytest.warns(
        SeqforecastWarning,
        match=re.escape(
            "MASE is undefined for 1 (origin, series) pair(s): 1 training window(s) repeat exactly at lag sp=1 (a zero "
            "scale, e.g. a constant series). Their MASE is NaN and left out of the MASE means"
        ),
    ):
        result = compare({"naive": LastOfHistory()}, y, horizon=1, initial_window=4, baselines=False)
        board = result.leaderboard()
    # origin 1 trains on a constant window (no MASE); origin 2 on [5, 5, 5, 5, 6]: scale 0.25, error 2
    assert_allclose(board.loc["naive", "mase"], 2 / 0.25)
    assert board.loc["naive", "n_forecasts"] == 2
    scores = result.scores()
    assert np.isnan(scores["mase"].iloc[0]) and scores["mase"].iloc[1] == 8.0
    assert_allclose(scores["mae"], [1.0, 2.0])  # forecasts 5 and 6 against 6 and 8: still scored
    assert_allclose(scores["smape"], [200 / 11, 400 / 14])


def test_a_constant_series_has_no_mase_and_keeps_its_other_scores():
    t = np.arange(12.0)
    y = pd.DataFrame({"flat": 3.0, "line": 10.0 + 2 * t})
    with pytest.warns(
        SeqforecastWarning,
        match=re.escape(
            "MASE is undefined for 2 (origin, series) pair(s): 2 training window(s) repeat exactly at lag sp=1"
        ),
    ) as record:
        result = compare(
            {"naive": LastOfHistory(), "nine": Constant(9.0)}, y, horizon=2, initial_window=8, baselines=False
        )
        scores = result.scores().set_index(["model", "cutoff", "series"])
        board = result.leaderboard()
    assert len([w for w in record if "MASE is undefined" in str(w.message)]) == 1  # once, not per table
    # the flat series: MASE NaN for both models, the scale-free scores as the metrics give them
    flat = scores.xs("flat", level="series")
    assert flat["mase"].isna().all()
    assert_allclose(flat.loc["naive", ["mae", "rmse", "smape"]].to_numpy(), 0.0)
    assert_allclose(flat.loc["nine", "mae"], 6.0)
    assert_allclose(flat.loc["nine", "smape"], 100.0)
    # the line (scale 2): naive errors 2 and 4 (MASE 1.5), so the means are over the line alone
    line = scores.xs("line", level="series")
    assert_allclose(line.loc["naive", "mase"], 1.5)
    assert_allclose(board.loc["naive", "mase"], 1.5)
    assert_allclose(board.loc["naive", "mae"], (0.0 + 3.0) / 2)  # every forecast, flat ones included
    assert board["n_forecasts"].tolist() == [4, 4]
    table = result.errors_by_horizon("mase")
    assert_allclose(table["naive"], [1.0, 2.0])  # step k: k * 2 / 2, the flat series left out


def test_only_constant_series_are_not_ranked_by_mase():
    y = pd.Series(np.full(10, 4.0), name="flat")
    with pytest.warns(SeqforecastWarning, match=re.escape("MASE is undefined for 2 (origin, series) pair(s)")):
        result = compare(
            {"nine": Constant(9.0), "NaiveForecaster": NaiveForecaster()},
            y,
            horizon=2,
            initial_window=6,
            baselines=False,
        )
        board = result.leaderboard()
        summary = result.summary()
    assert board["mase"].isna().all()
    assert list(board.index) == ["NaiveForecaster", "nine"]  # by name: no MASE to rank them
    assert_allclose(board["mae"], [0.0, 5.0])
    assert result.best_baseline() is None
    assert summary.startswith(
        "MASE is undefined for every forecast (see the warning), so the models are not "
        "ranked and no test is made; compare their sMAPE, MAE and RMSE in the leaderboard."
    )


# ---------------------------------------------------------------------------------------------------------
# Diebold-Mariano
# ---------------------------------------------------------------------------------------------------------
def test_diebold_mariano_hand_computed_h1():
    # d = |e1| - |e2| = [1, 3, 2, 4, 0]: mean 2, deviations [-1, 1, 0, 2, -2], gamma_0 = 10 / 5 = 2
    # DM = 2 / sqrt(2 / 5); HLN factor sqrt((5 + 1 - 2) / 5): statistic 2 * sqrt(2)
    result = diebold_mariano([1.0, -3.0, 2.0, 4.0, 0.0], np.zeros(5), loss="absolute")
    assert_allclose(result.statistic, 2 * math.sqrt(2))
    assert_allclose(result.pvalue, 2 * stats.t.sf(2 * math.sqrt(2), df=4))
    assert_allclose(result.pvalue, 0.04742, atol=5e-6)  # t(4) two-sided tail at 2.8284 (printed tables)
    assert (result.mean_difference, result.n, result.h) == (2.0, 5, 1)
    less = diebold_mariano([1.0, -3.0, 2.0, 4.0, 0.0], np.zeros(5), loss="absolute", alternative="less")
    assert_allclose(less.pvalue, 1 - result.pvalue / 2)


def test_diebold_mariano_hand_computed_h2():
    # d = [0, 1, 1, 3, 3, 4]: mean 2, deviations [-2, -1, -1, 1, 1, 2]
    # gamma_0 = 12 / 6 = 2, gamma_1 = (2 + 1 - 1 + 1 + 2) / 6 = 5 / 6; V = (2 + 2 * 5 / 6) / 6 = 11 / 18
    # DM = 2 / sqrt(11 / 18); HLN factor sqrt((6 + 1 - 4 + 2 / 6) / 6) = sqrt(5 / 9): statistic 2 sqrt(10 / 11)
    result = diebold_mariano(np.sqrt([0.0, 1, 1, 3, 3, 4]), np.zeros(6), h=2, loss="squared")
    assert_allclose(result.statistic, 2 * math.sqrt(10 / 11))
    assert_allclose(result.pvalue, 2 * stats.t.sf(2 * math.sqrt(10 / 11), df=5))
    assert result.h == 2


def test_diebold_mariano_falls_back_to_h1_when_the_long_run_variance_is_not_positive():
    # d = [1, 3, 2, 4, 0]: gamma_1 = (1 * -1 + 0 + 0 + 2 * -2) / 5 = -1, so V(h=2) = (2 - 2) / 5 = 0
    with pytest.warns(SeqforecastWarning, match=re.escape("using h=1 (the plain variance) instead")):
        result = diebold_mariano([1.0, 3.0, 2.0, 4.0, 0.0], np.zeros(5), h=2, loss="absolute")
    assert result.h == 1
    assert_allclose(result.statistic, 2 * math.sqrt(2))


def test_diebold_mariano_is_antisymmetric_and_checks_its_input():
    rng = np.random.default_rng(1)
    e1, e2 = rng.normal(size=30), rng.normal(scale=1.3, size=30)
    forward, backward = diebold_mariano(e1, e2, h=3), diebold_mariano(e2, e1, h=3)
    assert_allclose(forward.statistic, -backward.statistic)
    assert_allclose(forward.pvalue, backward.pvalue)
    with pytest.raises(
        ValueError,
        match=re.escape(
            "diebold_mariano: errors_1 and errors_2 must be 1-D of the same length; got shapes (3,) and (4,)."
        ),
    ):
        diebold_mariano(np.zeros(3), np.zeros(4))
    with pytest.raises(
        ValueError,
        match=re.escape(
            "The 'h' parameter of diebold_mariano must be an int in the range [1, 4). Got 4 instead. h must be below "
            "n, the number of errors (4)."
        ),
    ):
        diebold_mariano(np.zeros(4), np.ones(4), h=4)
    with pytest.raises(
        ValueError,
        match=re.escape(
            "The 'loss' parameter of diebold_mariano must be a str among {'absolute', 'squared'}. Got 'pinball' "
            "instead."
        ),
    ):
        diebold_mariano(np.zeros(4), np.ones(4), loss="pinball")


def line_comparison(offsets, **kwargs):
    y = pd.Series(np.arange(8.0), name="line")  # unit steps: every MASE scale (sp=1) is 1
    return compare(
        {"offset": NaivePlusOffset(offsets), "NaiveForecaster": NaiveForecaster()},
        y,
        horizon=1,
        step=1,
        initial_window=5,
        baselines=False,
        **kwargs,
    )


def test_significance_hand_computed():
    # histories of 5, 6, 7 rows; the naive error is 1 at each origin, the offset model's is |offset|
    result = line_comparison({5: 0.0, 6: 0.5, 7: -2.0})
    assert result.baselines == ["NaiveForecaster"] and result.best_baseline() == "NaiveForecaster"
    table = result.significance()
    assert table.index.tolist() == ["offset"]
    row = table.loc["offset"]
    # d = [0 - 1, 0.5 - 1, 2 - 1] = [-1, -0.5, 1]: mean -1/6, deviations [-5/6, -1/3, 7/6],
    # gamma_0 = (25 + 4 + 49) / 36 / 3 = 13 / 18, V = gamma_0 / 3 = 13 / 54, HLN factor sqrt((3 + 1 - 2) / 3):
    # statistic -(1/6) sqrt(54 / 13) sqrt(2 / 3) = -1 / sqrt(13)
    assert_allclose(row["mean_difference"], -1 / 6)
    assert_allclose(row["statistic"], -1 / math.sqrt(13))
    assert_allclose(row["p_value"], 2 * stats.t.sf(1 / math.sqrt(13), df=2))
    assert (row["reference"], row["loss"], row["n_origins"], row["h"]) == ("NaiveForecaster", "absolute", 3, 1)
    assert row["verdict"] == "no significant difference"
    squared = result.significance(loss="squared").loc["offset"]
    assert_allclose(squared["mean_difference"], np.mean([0 - 1, 0.25 - 1, 4 - 1]))


def test_summary_answers_honestly():
    result = line_comparison({5: 0.0, 6: 0.5, 7: -2.0})
    p = 2 * stats.t.sf(1 / math.sqrt(13), df=2)
    assert result.summary() == (
        "Does offset beat the best baseline? Not clearly: its MASE is lower, but the difference is not "
        f"significant at the 0.05 level (Diebold-Mariano p = {p:.3g}, 3 origins). offset has MASE 0.833 against "
        "1.000 for NaiveForecaster, the best of 1 baseline(s) (-16.7%). 1 series, 3 origins (expanding window, "
        "step 1), horizon 1, seasonal period 1."
    )
    worse = line_comparison({5: 2.0, 6: 1.5, 7: -3.0})
    assert worse.summary().startswith("Does offset beat the best baseline? No: its MASE is higher")


CONTEXT_FLAT = "1 series, 3 origins (expanding window, step 2), horizon 2, seasonal period 1."
CONTEXT_LINE = "1 series, 3 origins (expanding window, step 1), horizon 1, seasonal period 1."


def flat_comparison(models, **kwargs):
    y = pd.Series(np.full(12, 4.0), name="flat")  # every training window constant: no MASE anywhere
    with pytest.warns(SeqforecastWarning, match=re.escape("MASE is undefined for 3 (origin, series) pair(s)")):
        result = compare(models, y, horizon=2, initial_window=6, **kwargs)
        result.leaderboard()
    return result


def test_summary_of_a_constant_series_says_the_baselines_ran_and_ranks_nothing():
    """The issue's case: baselines did run; MASE is undefined, so nothing is ranked by NaN."""
    result = flat_comparison({"nine": Constant(9.0)}, baselines=["naive", "arima"])
    board = result.leaderboard()
    assert board["mase"].isna().all() and result.best_baseline() is None
    assert_allclose(board.loc[["ARIMAForecaster", "NaiveForecaster", "nine"], "mae"], [0.0, 0.0, 5.0])
    assert result.summary() == (
        "MASE is undefined for every forecast (see the warning), so the models are not ranked and no test is made; "
        "compare their sMAPE, MAE and RMSE in the leaderboard. Compared: 2 baselines (ARIMAForecaster, "
        f"NaiveForecaster) and 1 other model (nine). {CONTEXT_FLAT}"
    )
    # the reports: the summary, n/a for the undefined MASE, no significance section
    text = render_markdown(result)
    assert result.summary() in text
    assert "| nine | n/a ± n/a | 76.92 ± 0 | 5 ± 0 | 5 ± 0 |" in text
    assert "Diebold-Mariano" not in text
    assert "| 1 | n/a | n/a | n/a |" in text  # MASE by horizon step


@pytest.mark.slow  # renders the figures (matplotlib)
def test_reports_of_a_constant_series_are_written(tmp_path):
    result = flat_comparison({"nine": Constant(9.0)}, baselines=["naive"])
    files = result.save(tmp_path / "flat")
    assert "significance.csv" not in files  # no baseline with a MASE to test against
    html = files["report.html"].read_text(encoding="utf-8")
    assert "MASE is undefined for every forecast" in html and "n/a ± n/a" in html
    assert "<h2>MASE by horizon step</h2>" in html


def test_summary_of_one_model():
    alone = flat_comparison({"NaiveForecaster": NaiveForecaster()}, baselines=False)
    assert alone.summary() == (
        "Only one baseline was compared, NaiveForecaster (MASE undefined: see the warning), so there is nothing "
        f"to rank it against. {CONTEXT_FLAT}"
    )
    one = compare({"naive": LastOfHistory()}, Y_TINY, horizon=2, initial_window=4, baselines=False)
    assert one.summary().startswith(
        "Only one model was compared, naive (MASE 1.194), so there is nothing to rank it against."
    )
    assert "Diebold-Mariano" not in render_markdown(one)


def test_summary_of_a_tie_is_not_a_loss():
    y = pd.Series(np.arange(8.0), name="line")
    result = compare(
        {"same": LastOfHistory(), "NaiveForecaster": NaiveForecaster()},
        y,
        horizon=1,
        step=1,
        initial_window=5,
        baselines=False,
    )
    assert result.summary() == (
        "Does same beat the best baseline? No: its MASE equals the best baseline's (a tie). same has MASE 1.000 "
        f"against 1.000 for NaiveForecaster, the best of 1 baseline(s) (+0.0%). {CONTEXT_LINE}"
    )


def test_summary_against_a_perfect_baseline_and_of_baselines_alone():
    y = pd.Series(np.arange(8.0), name="line")
    drift = NaiveForecaster(strategy="drift")  # exact on a line: MASE 0, no relative change to give
    kwargs = dict(horizon=1, step=1, initial_window=5, baselines=False)
    worse = compare({"nine": Constant(9.0), "drift": drift}, y, **kwargs).summary()
    assert "nine has MASE 3.000 against 0.000 for drift, the best of 1 baseline(s). 1 series" in worse
    only = compare({"drift": drift, "NaiveForecaster": NaiveForecaster()}, y, **kwargs).summary()
    assert only == (
        "Only baselines were compared; the lowest MASE is drift's (0.000). Compared: 2 baselines (drift, "
        f"NaiveForecaster). {CONTEXT_LINE}"
    )


def test_compare_checks_n_jobs_before_any_fit():
    with pytest.raises(
        ValueError,
        match=re.escape(
            "The 'n_jobs' parameter of compare must be an int in the range [1, inf), an int in the range (-inf, -1] "
            "or None. Got 0 instead. n_jobs is the number of fits run at once: None or 1 for one at a time, -1 for "
            "every CPU, -2 for every CPU but one."
        ),
    ):
        compare({"c": Constant(1.0)}, Y_TINY, horizon=2, n_jobs=0)


def test_significance_needs_a_reference_and_enough_origins():
    with pytest.raises(
        ValueError,
        match=re.escape(
            "significance: there is no baseline among the models to test against; name one with reference=..., "
            "one of ['naive', 'nine']."
        ),
    ):
        tiny_comparison().significance()
    table = tiny_comparison().significance(reference="naive")
    assert table.loc["nine", "verdict"] == "too few origins" and np.isnan(table.loc["nine", "p_value"])
    with pytest.raises(ValueError, match=re.escape("significance: unknown reference 'arima'")):
        tiny_comparison().significance(reference="arima")


# ---------------------------------------------------------------------------------------------------------
# compare: models, baselines, intervals
# ---------------------------------------------------------------------------------------------------------
def test_compare_names_models_and_refuses_duplicates():
    result = compare([LastOfHistory(), Constant(9.0)], Y_TINY, horizon=2, initial_window=4, baselines=False)
    assert result.model_names == ["LastOfHistory", "Constant"]
    assert isinstance(result, ComparisonResult)
    with pytest.raises(
        ValueError,
        match=re.escape(
            "compare: two models are named 'Constant' (their class name); pass a dict with distinct names, e.g. "
            "{'Constant_a': ..., 'Constant_b': ...}."
        ),
    ):
        compare([Constant(1.0), Constant(2.0)], Y_TINY, horizon=2, baselines=False)
    with pytest.raises(
        ValueError,
        match=re.escape("The 'sp' parameter of compare must be an int in the range [1, inf). Got 0 instead."),
    ):
        compare([Constant(1.0)], Y_TINY, horizon=2, sp=0)
    with pytest.raises(
        ValueError,
        match=re.escape("The 'horizon' parameter of backtest must be an int in the range [1, inf). Got 0 instead."),
    ):
        compare([Constant(1.0)], Y_TINY, horizon=0, baselines=False)


def monthly(n=40):
    t = np.arange(n)
    return pd.Series(
        50 + t + 8 * np.sin(2 * np.pi * t / 12), name="m", index=pd.period_range("2000-01", periods=n, freq="M")
    )


def test_default_baselines_follow_the_seasonal_period():
    monthly_ones = _baseline_models(True, 12)
    assert list(monthly_ones) == ["NaiveForecaster", "SeasonalNaiveForecaster", "ARIMAForecaster"]
    assert monthly_ones["SeasonalNaiveForecaster"].sp == 12 and monthly_ones["ARIMAForecaster"].sp == 12
    # sp=1: no seasonal naive (it would be the naive forecast again)
    plain = _baseline_models(True, 1)
    assert list(plain) == ["NaiveForecaster", "ARIMAForecaster"] and plain["ARIMAForecaster"].sp == 1
    assert isinstance(plain["ARIMAForecaster"], ARIMAForecaster)
    assert _baseline_models(False, 12) == {} and _baseline_models(None, 12) == {}
    assert BASELINES == ("naive", "seasonal-naive", "arima")


def test_baselines_chosen_by_name():
    result = compare(
        {"c": Constant(60.0)}, monthly(), horizon=6, sp=12, initial_window=24, baselines=["naive", "seasonal-naive"]
    )
    assert result.model_names == ["c", "NaiveForecaster", "SeasonalNaiveForecaster"]
    assert result.baselines == ["NaiveForecaster", "SeasonalNaiveForecaster"]
    assert isinstance(result.models["SeasonalNaiveForecaster"], SeasonalNaiveForecaster)
    assert result.models["SeasonalNaiveForecaster"].sp == 12
    assert result.settings["baselines"] == ["naive", "seasonal-naive"]
    assert result.leaderboard()["baseline"].to_dict() == {
        "SeasonalNaiveForecaster": True,
        "c": False,
        "NaiveForecaster": True,
    }


def test_a_model_with_a_baselines_name_is_kept_and_counted_by_what_it_is():
    result = compare(
        {"c": Constant(60.0), "NaiveForecaster": Constant(1.0)},
        monthly(),
        horizon=6,
        sp=12,
        initial_window=24,
        baselines=["naive", "seasonal-naive"],
    )
    assert result.model_names == ["c", "NaiveForecaster", "SeasonalNaiveForecaster"]
    assert isinstance(result.models["NaiveForecaster"], Constant)  # not replaced by the baseline
    assert result.baselines == ["SeasonalNaiveForecaster"]  # a Constant is not a baseline, whatever its name
    # a baseline passed as a model counts as one
    given = compare({"naive": NaiveForecaster()}, monthly(), horizon=6, initial_window=24, baselines=False)
    assert given.baselines == ["naive"]


def test_unknown_baselines_are_refused():
    with pytest.raises(
        ValueError,
        match=re.escape(
            "The 'baselines' parameter of compare must be a str among {'arima', 'naive', 'seasonal-naive'}. Got "
            "'ets' instead. Each name of the list must be one of them."
        ),
    ):
        compare({"c": Constant(60.0)}, monthly(), horizon=6, baselines=["naive", "ets"])
    with pytest.raises(ValueError, match=re.escape("The 'baselines' parameter of compare must be True or False,")):
        compare({"c": Constant(60.0)}, monthly(), horizon=6, baselines="naive")


def test_intervals_are_nan_for_models_without_them():
    result = tiny_comparison(coverage=0.8)
    naive = result.results[result.results["model"] == "naive"]
    nine = result.results[result.results["model"] == "nine"]
    assert_allclose(naive["y_upper"] - naive["y_lower"], 2.0)
    assert nine[["y_lower", "y_upper"]].isna().all().all()


# ---------------------------------------------------------------------------------------------------------
# plots and writers
# ---------------------------------------------------------------------------------------------------------
class _Images(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images, self.tags = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "img":
            self.images.append(dict(attrs))


def net_comparison(coverage=0.8):
    return compare(
        {"net": FakeNet(), "NaiveForecaster": NaiveForecaster()},
        monthly(),
        horizon=4,
        step=2,
        initial_window=30,
        baselines=False,
        coverage=coverage,
    )


@pytest.mark.slow  # draws the training curves (matplotlib)
def test_training_histories_are_collected_per_fit():
    result = net_comparison()
    assert list(result.histories) == ["net"]
    cutoffs = list(result.histories["net"])
    assert cutoffs == list(result.results["cutoff"].drop_duplicates())
    # the fit at the first cutoff saw 30 rows
    assert_allclose(result.histories["net"][cutoffs[0]][0]["train_loss"], 1.0 / 30)
    figure = result.plot_training_curves()
    (ax,) = figure.axes
    # one solid (training) and one dashed (validation) line per fit, over epochs 1, 2, 3
    assert len(ax.lines) == 2 * len(cutoffs)
    assert [line.get_linestyle() for line in ax.lines[:2]] == ["-", "--"]
    assert_allclose(ax.lines[0].get_xdata(), [1, 2, 3])
    assert_allclose(ax.lines[1].get_ydata(), [1.5 / 30, 1.5 / 60, 1.5 / 90])
    assert tiny_comparison().plot_training_curves() is None


@pytest.mark.slow  # renders the three figures (matplotlib)
def test_html_is_one_self_contained_page(tmp_path):
    result = net_comparison()
    path = result.to_html(tmp_path / "report.html")
    text = path.read_text(encoding="utf-8")
    parser = _Images()
    parser.feed(text)
    parser.close()
    assert len(parser.images) == 3  # errors by horizon, forecasts, training curves
    for image in parser.images:
        assert image["src"].startswith("data:image/png;base64,")
        assert base64.b64decode(image["src"].split(",", 1)[1], validate=True).startswith(PNG_MAGIC)
        assert image["alt"]
    assert "script" not in parser.tags and "link" not in parser.tags
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", text)
    assert result.summary().split("?")[0] in text
    assert "<h2>Leaderboard</h2>" in text and "Diebold-Mariano" in text and "MASE by horizon step" in text


def test_markdown_holds_the_leaderboard(tmp_path):
    result = tiny_comparison()
    text = result.to_markdown(tmp_path / "report.md").read_text(encoding="utf-8")
    board = result.leaderboard()
    assert "| model | MASE | sMAPE % | MAE | RMSE | fit s/origin | predict s/origin | forecasts | baseline |" in text
    naive = board.loc["naive"]
    assert f"| naive | {naive['mase']:.4g} ± {naive['mase_std']:.4g} | " in text  # 1.194 ± 0.275
    assert "| nine | 1.222 ± 1.021 |" in text
    assert text.startswith("# seqforecast comparison report\n\nNo baseline was compared")


@pytest.mark.slow  # renders the three figures (matplotlib)
def test_save_writes_every_file(tmp_path):
    result = net_comparison()
    files = result.save(tmp_path / "out")
    assert sorted(files) == sorted(
        [
            "results.csv",
            "leaderboard.csv",
            "coverage.csv",  # net_comparison records intervals
            "significance.csv",
            "errors_by_horizon.csv",
            "forecasts.png",
            "errors_by_horizon.png",
            "training_curves.png",
            "report.md",
            "report.html",
            "metadata.json",
        ]
    )
    for path in files.values():
        assert path.is_file() and path.stat().st_size > 0
    assert (tmp_path / "out" / "forecasts.png").read_bytes().startswith(PNG_MAGIC)
    assert "![Forecasts](forecasts.png)" in (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    results = pd.read_csv(files["results.csv"])
    assert len(results) == len(result.results) and "y_lower" in results.columns
    board = pd.read_csv(files["leaderboard.csv"], index_col="model")
    assert_allclose(board["mase"], result.leaderboard()["mase"])
    meta = json.loads(files["metadata.json"].read_text(encoding="utf-8"))
    assert {"created_utc", "versions", "machine", "seeds", "settings", "models"} <= set(meta)
    assert meta["versions"]["numpy"] == np.__version__ and meta["machine"]["cpu_count"] >= 1
    assert meta["settings"]["horizon"] == 4 and meta["settings"]["n_origins"] == len(result.origins)
    assert meta["settings"]["cutoffs"][0] == "2002-06"
    assert meta["models"]["NaiveForecaster"]["baseline"] is True


def test_metadata_records_seeds():
    from sklearn.linear_model import SGDRegressor

    from seqforecast.forecasting import RecursiveForecaster

    model = RecursiveForecaster(SGDRegressor(random_state=7, max_iter=5, tol=None), window_length=3)
    result = compare({"sgd": model}, Y_TINY, horizon=2, initial_window=4, baselines=False)
    assert result.metadata()["seeds"] == {"sgd": {"estimator__random_state": 7}}


def test_metadata_records_versions_and_machine():
    import os

    import sklearn
    import torch

    import seqforecast

    meta = tiny_comparison().metadata()
    assert list(meta["versions"]) == [
        "python",
        "seqforecast",
        "torch",
        "skorch",
        "sklearn",
        "numpy",
        "pandas",
        "scipy",
        "statsmodels",
        "joblib",
        "matplotlib",
    ]
    assert meta["versions"]["seqforecast"] == seqforecast.__version__
    assert meta["versions"]["sklearn"] == sklearn.__version__ and meta["versions"]["torch"] == torch.__version__
    assert meta["versions"]["pandas"] == pd.__version__
    assert set(meta["machine"]) == {"platform", "machine", "processor", "cpu_count", "load_average_1min"}
    assert meta["machine"]["cpu_count"] == os.cpu_count()
