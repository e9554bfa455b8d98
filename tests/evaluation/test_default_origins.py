"""The one default rule of backtest origins (``default_origins``), shared by backtest, compare and the CLI,
and series that start later."""

import re

import numpy as np
import pandas as pd
import pytest

from seqforecast.baselines import NaiveForecaster
from seqforecast.evaluation import backtest, backtest_origins, compare, default_origins
from seqforecast.evaluation.splitters import MAX_DEFAULT_ORIGINS


def test_the_rule_by_hand():
    # airline: 144 months, horizon 12, sp 12 -> half the series, step 12, (144 - 12 - 72) // 12 + 1 origins
    assert default_origins(144, horizon=12, sp=12) == (72, 12, 6)
    # at least sp + 1 values for the MASE scale: max(20 // 2, 13) = 13, then (20 - 2 - 13) // 2 + 1 = 3
    assert default_origins(20, horizon=2, sp=12) == (13, 2, 3)
    # but never more than n - horizon (one origin)
    assert default_origins(14, horizon=2, sp=12) == (12, 2, 1)
    # a given step counts the origins
    assert default_origins(144, horizon=12, step=6) == (72, 6, 11)
    # at most 20 origins, the most recent: the first window grows to 1000 - 2 - 19 * 2
    assert MAX_DEFAULT_ORIGINS == 20
    assert default_origins(1000, horizon=2) == (960, 2, 20)


def test_a_series_that_starts_later_counts_from_its_first_value():
    # the third series has 48 values from row 96: it needs 96 + 24 time steps before the first cutoff
    assert default_origins(144, horizon=12, sp=12, first_observed=[0, 0, 96]) == (120, 12, 2)


def test_a_series_shorter_than_the_horizon_is_refused():
    with pytest.raises(
        ValueError,
        match=re.escape(
            "default_origins: a backtest with horizon=12 needs more than 12 values of every series (one before "
            "the last origin); the shortest has 10. Use a smaller horizon or a longer series."
        ),
    ):
        default_origins(144, horizon=12, first_observed=[0, 134])


def _late_frame():
    """Three series on 40 months; ``c`` starts at row 24 (16 values)."""
    index = pd.period_range("2000-01", periods=40, freq="M")
    values = np.arange(40.0)
    c = np.where(np.arange(40) >= 24, 100.0 + values, np.nan)
    return pd.DataFrame({"a": values, "b": 2 * values, "c": c}, index=index)


def test_backtest_chooses_origins_where_every_series_has_values():
    y = _late_frame()
    bt = backtest(NaiveForecaster(), y, horizon=4)
    # c needs 24 + 16 // 2 = 32 time steps: cutoffs at rows 31 and 35, every series scored at both
    assert sorted(bt["cutoff"].unique()) == [y.index[31], y.index[35]]
    assert bt.groupby("cutoff")["series"].unique().map(sorted).tolist() == [["a", "b", "c"], ["a", "b", "c"]]
    assert bt["y_pred"].notna().all()


def test_origins_before_a_series_starts_are_refused_with_the_window_that_works():
    y = _late_frame()
    with pytest.raises(
        ValueError,
        match=re.escape(
            "backtest: 1 series have no value up to the first origin's cutoff Period('2001-08', 'M') (row 19, "
            "initial_window=20): 'c' starts at row 24 (Period('2002-01', 'M')) with 16 values. Use "
            "initial_window >= 25 (command line: --initial-window 25) for at least one value of each, or leave "
            "initial_window None: the default origins give every series half its values before the first cutoff "
            "(here initial_window=32)."
        ),
    ):
        backtest(NaiveForecaster(), y, horizon=4, initial_window=20)


def test_a_series_too_short_for_the_horizon_is_named():
    y = _late_frame()
    with pytest.raises(
        ValueError,
        match=re.escape(
            "backtest: with horizon=16 every series needs more than 16 values (at least one before the last "
            "origin); 1 series have fewer: 'c' (16 values). Use a smaller horizon, or leave these series out of y."
        ),
    ):
        backtest(NaiveForecaster(), y, horizon=16)


def test_compare_and_backtest_use_the_same_default_origins():
    y = pd.Series(np.sin(np.arange(60.0) / 3) + np.arange(60.0) / 10)
    result = compare({}, y, horizon=6, baselines=["naive"])
    expected = backtest_origins(60, horizon=6)
    np.testing.assert_array_equal(result.origins, expected)
    assert default_origins(60, horizon=6) == (30, 6, 5) and len(expected) == 5
    assert result.settings["initial_window"] == 30 and result.settings["origins"] == "default rule"
    cutoffs = backtest(NaiveForecaster(), y, horizon=6)["cutoff"].unique()
    assert list(cutoffs) == list(y.index[expected[:, 1] - 1])
