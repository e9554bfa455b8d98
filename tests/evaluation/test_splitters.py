"""Tests for the time-series splitters in seqforecast.evaluation.splitters."""

import re

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, check_cv, cross_validate

from seqforecast.evaluation.splitters import ExpandingWindowSplitter, SlidingWindowSplitter


def folds(cv, n):
    return [(train.tolist(), test.tolist()) for train, test in cv.split(np.zeros((n, 1)))]


# ---------------------------------------------------------------------------------------------------------
# hand-written folds
# ---------------------------------------------------------------------------------------------------------
def test_expanding_with_gap():
    assert folds(ExpandingWindowSplitter(test_size=2, n_splits=3, gap=1), 12) == [
        ([0, 1, 2, 3, 4], [6, 7]),
        ([0, 1, 2, 3, 4, 5, 6], [8, 9]),
        ([0, 1, 2, 3, 4, 5, 6, 7, 8], [10, 11]),
    ]


def test_expanding_as_many_as_fit_from_initial_window():
    # need 4 + 3 = 7 rows for one fold; (12 - 7) // 3 + 1 = 2 folds; the first trains on 6 >= 4 rows
    cv = ExpandingWindowSplitter(test_size=3, initial_window=4)
    assert folds(cv, 12) == [([0, 1, 2, 3, 4, 5], [6, 7, 8]), ([0, 1, 2, 3, 4, 5, 6, 7, 8], [9, 10, 11])]
    assert cv.get_n_splits(np.zeros(12)) == 2


def test_expanding_step_one_gives_overlapping_rolling_origin_folds():
    assert folds(ExpandingWindowSplitter(test_size=3, n_splits=3, step=1), 8) == [
        ([0, 1, 2], [3, 4, 5]),
        ([0, 1, 2, 3], [4, 5, 6]),
        ([0, 1, 2, 3, 4], [5, 6, 7]),
    ]


def test_expanding_defaults_to_five_splits():
    cv = ExpandingWindowSplitter(test_size=1)
    assert folds(cv, 7) == [
        ([0, 1], [2]),
        ([0, 1, 2], [3]),
        ([0, 1, 2, 3], [4]),
        ([0, 1, 2, 3, 4], [5]),
        ([0, 1, 2, 3, 4, 5], [6]),
    ]
    assert cv.get_n_splits() == 5


def test_sliding_as_many_as_fit():
    cv = SlidingWindowSplitter(window_length=3, test_size=2)
    assert folds(cv, 10) == [([1, 2, 3], [4, 5]), ([3, 4, 5], [6, 7]), ([5, 6, 7], [8, 9])]
    assert cv.get_n_splits(np.zeros(10)) == 3


def test_sliding_with_gap_step_and_n_splits():
    cv = SlidingWindowSplitter(window_length=4, test_size=2, n_splits=2, step=3, gap=1)
    assert folds(cv, 12) == [([2, 3, 4, 5], [7, 8]), ([5, 6, 7, 8], [10, 11])]
    assert_array_equal(cv.fold_bounds(12), [[2, 6, 7, 9], [5, 9, 10, 12]])


def test_split_takes_a_dataframe_without_columns_and_ignores_groups():
    cv = ExpandingWindowSplitter(test_size=2, n_splits=2)
    X = pd.DataFrame(index=pd.period_range("2020-01", periods=6, freq="M"))
    with_groups = [(a.tolist(), b.tolist()) for a, b in cv.split(X, np.arange(6.0), groups=np.arange(6))]
    assert with_groups == folds(cv, 6) == [([0, 1], [2, 3]), ([0, 1, 2, 3], [4, 5])]
    train, test = next(cv.split(X))
    assert train.dtype == np.intp and test.dtype == np.intp
    assert check_cv(cv) is cv


# ---------------------------------------------------------------------------------------------------------
# agreement with scikit-learn's TimeSeriesSplit
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "n, n_splits, test_size, gap", [(20, 3, 4, 0), (20, 4, 3, 2), (11, 2, 5, 0), (30, 5, 1, 7), (9, 2, 4, 0)]
)
def test_expanding_agrees_with_time_series_split(n, n_splits, test_size, gap):
    X = np.zeros((n, 2))
    reference = TimeSeriesSplit(n_splits=n_splits, test_size=test_size, gap=gap).split(X)
    ours = ExpandingWindowSplitter(test_size=test_size, n_splits=n_splits, gap=gap).split(X)
    pairs = list(zip(reference, ours, strict=True))
    assert len(pairs) == n_splits
    for (ref_train, ref_test), (train, test) in pairs:
        assert_array_equal(train, ref_train)
        assert_array_equal(test, ref_test)


@pytest.mark.parametrize("n, n_splits, window_length, test_size, gap", [(20, 3, 5, 4, 0), (25, 4, 6, 3, 2)])
def test_sliding_agrees_with_time_series_split_max_train_size(n, n_splits, window_length, test_size, gap):
    # TimeSeriesSplit(max_train_size=w) keeps the last w rows before the gap: the same sliding window once
    # every fold has at least w rows before it (true for these sizes)
    X = np.zeros((n, 1))
    reference = TimeSeriesSplit(n_splits, max_train_size=window_length, test_size=test_size, gap=gap).split(X)
    ours = SlidingWindowSplitter(window_length, test_size, n_splits=n_splits, gap=gap).split(X)
    for (ref_train, ref_test), (train, test) in zip(reference, ours, strict=True):
        assert_array_equal(train, ref_train)
        assert_array_equal(test, ref_test)


# ---------------------------------------------------------------------------------------------------------
# as cv= in scikit-learn's tools
# ---------------------------------------------------------------------------------------------------------
def test_cross_validate_with_linear_regression_on_a_tiny_array():
    X = np.arange(10.0).reshape(-1, 1)
    y = 3.0 * X[:, 0] + 2.0  # exactly linear: every fold's error is 0
    cv = ExpandingWindowSplitter(test_size=2, n_splits=3)
    result = cross_validate(LinearRegression(), X, y, cv=cv, scoring="neg_mean_absolute_error", return_indices=True)
    assert_allclose(result["test_score"], 0.0, atol=1e-9)
    assert [t.tolist() for t in result["indices"]["test"]] == [[4, 5], [6, 7], [8, 9]]
    assert [t.tolist() for t in result["indices"]["train"]] == [
        [0, 1, 2, 3],
        [0, 1, 2, 3, 4, 5],
        [0, 1, 2, 3, 4, 5, 6, 7],
    ]


def test_grid_search_with_sliding_splitter():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 2))
    y = X @ np.array([1.0, -2.0])
    cv = SlidingWindowSplitter(window_length=10, test_size=5)
    search = GridSearchCV(Ridge(), {"alpha": [0.001, 100.0]}, cv=cv, scoring="r2").fit(X, y)
    assert search.best_params_ == {"alpha": 0.001}
    assert search.n_splits_ == 4  # (30 - 10 - 5) // 5 + 1


# ---------------------------------------------------------------------------------------------------------
# errors and repr
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "cv, n, message",
    [
        (
            ExpandingWindowSplitter(test_size=4, n_splits=3, initial_window=10),
            20,
            "ExpandingWindowSplitter needs at least 22 rows for n_splits=3 (initial_window=10 + gap=0 + "
            "(n_splits - 1) * step = 2 * 4 + test_size=4); got 20. Use fewer splits, a smaller test_size, "
            "step, gap or training window, or more data.",
        ),
        (
            ExpandingWindowSplitter(test_size=3),
            15,
            "ExpandingWindowSplitter needs at least 16 rows for n_splits=5 (1 training row + gap=0 + "
            "(n_splits - 1) * step = 4 * 3 + test_size=3); got 15. Use fewer splits, a smaller test_size, "
            "step, gap or training window, or more data.",
        ),
        (
            SlidingWindowSplitter(window_length=20, test_size=4, gap=1),
            20,
            "SlidingWindowSplitter needs at least 25 rows for one split (window_length=20 + gap=1 + "
            "test_size=4); got 20. Use a smaller test_size, gap or training window, or more data.",
        ),
    ],
)
def test_too_short_says_how_many_rows_are_needed(cv, n, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        list(cv.split(np.zeros((n, 1))))


def test_just_long_enough_gives_a_one_row_training_window():
    assert folds(ExpandingWindowSplitter(test_size=3, n_splits=5), 16)[0] == ([0], [1, 2, 3])


@pytest.mark.parametrize(
    "cv, message",
    [
        (
            ExpandingWindowSplitter(test_size=0),
            "'test_size' parameter of {} must be an int in the range [1, inf). Got 0 instead.",
        ),
        (
            ExpandingWindowSplitter(2, n_splits=True),
            "'n_splits' parameter of {} must be an int in the range [1, inf) or None. Got True instead.",
        ),
        (
            ExpandingWindowSplitter(test_size=2, step=1.5),
            "'step' parameter of {} must be an int in the range [1, inf) or None. Got 1.5 instead.",
        ),
        (
            ExpandingWindowSplitter(test_size=2, gap=-1),
            "'gap' parameter of {} must be an int in the range [0, inf). Got -1 instead.",
        ),
        (
            ExpandingWindowSplitter(2, initial_window=0),
            "'initial_window' parameter of {} must be an int in the range [1, inf) or None. Got 0 instead.",
        ),
        (
            SlidingWindowSplitter(None, 2),
            "'window_length' parameter of {} must be an int in the range [1, inf). Got None instead.",
        ),
    ],
)
def test_invalid_parameters(cv, message):
    with pytest.raises(ValueError, match=re.escape(f"The {message.format(type(cv).__name__)}")):
        list(cv.split(np.zeros((50, 1))))
    with pytest.raises(ValueError, match=re.escape(f"The {message.format(type(cv).__name__)}")):
        cv.get_n_splits(np.zeros((50, 1)))


def test_get_n_splits_needs_x_when_the_count_depends_on_the_data():
    message = (
        "SlidingWindowSplitter.get_n_splits needs X when n_splits is None, because the number of splits then "
        "depends on the number of rows; pass X, or set n_splits."
    )
    with pytest.raises(ValueError, match=re.escape(message)):
        SlidingWindowSplitter(window_length=3, test_size=2).get_n_splits()
    assert SlidingWindowSplitter(window_length=3, test_size=2, n_splits=4).get_n_splits() == 4


def test_inconsistent_x_and_y_lengths_are_rejected():
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        list(ExpandingWindowSplitter(test_size=2, n_splits=2).split(np.zeros((10, 1)), np.zeros(9)))


def test_repr_lists_the_parameters():
    # scikit-learn's repr wraps long lines: compare with the whitespace collapsed
    assert " ".join(repr(SlidingWindowSplitter(5, 2, gap=1)).split()) == (
        "SlidingWindowSplitter(gap=1, n_splits=None, step=None, test_size=2, window_length=5)"
    )
