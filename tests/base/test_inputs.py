"""What the public methods take: pandas' nullable dtypes (``Int64``, ``Float64``, ``boolean`` with ``pd.NA``)
in the target and the covariates are converted exactly, and a ``pd.NA`` is refused as NaN is, by a message
from seqforecast naming the argument and the position, never a pandas or numpy error."""

import re

import numpy as np
import pandas as pd
import pytest

from seqforecast.base import BaseForecaster


class LastPlusCovariates(BaseForecaster):
    """Test double: forecast = last value + the sum of the covariates of the step."""

    def _fit(self, Y, X):
        self.fitted_ = True
        return self

    def _predict(self, horizon, Y, X, X_future):
        last = np.array([col[~np.isnan(col)][-1] for col in Y.T])
        out = np.tile(last, (horizon, 1))
        return out if X_future is None else out + X_future.sum(axis=1, keepdims=True)


def target():
    return pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [5.0, 6.0, 7.0, 9.0]})


def covariates(index, **columns):
    return pd.DataFrame({"x": np.arange(len(index), dtype=float), "z": 0.5, **columns}, index=index)


@pytest.mark.parametrize("dtype", ["Float64", "Int64", "float32", "int64"])
def test_nullable_and_other_numeric_targets_are_converted_exactly(dtype):
    y = target()
    expected = LastPlusCovariates().fit(None, y)
    model = LastPlusCovariates().fit(None, y.astype(dtype))
    pd.testing.assert_frame_equal(model.y_train_, expected.y_train_, check_exact=True)
    pd.testing.assert_frame_equal(model.forecast(2), expected.forecast(2), check_exact=True)


def test_a_leading_pd_na_is_a_later_start_as_nan_is():
    y = target().astype("Int64")
    y.iloc[:2, 1] = pd.NA
    model = LastPlusCovariates().fit(None, y)
    assert model.y_train_["b"].isna().tolist() == [True, True, False, False]
    assert model.forecast(1).to_numpy().tolist() == [[4.0, 9.0]]


@pytest.mark.parametrize(
    "y, error, msg",
    [
        (
            pd.Series([1.0, None, 3.0], dtype="Float64", name="y"),
            ValueError,
            "y has 1 missing value(s) after the start of a series (series 'y', positions [1]). Only leading NaN (a "
            "series that starts later) is allowed; fill the gaps explicitly first, e.g. y.interpolate() or y.ffill().",
        ),
        (
            pd.DataFrame({"a": pd.array([1, 2, None, 4], dtype="Int64"), "b": [1.0, 2.0, 3.0, 4.0]}),
            ValueError,
            "y has 1 missing value(s) after the start of a series (series 'a', positions [2]).",
        ),
        (
            pd.Series([1.0, 2.0, pd.NA], dtype=object, name="y"),
            TypeError,
            "y must hold numbers; column 'y' has dtype object (first value that is not a number: <NA> at position 2). "
            "Convert it, e.g. pd.to_numeric(y, errors='raise') or y.astype(float).",
        ),
        (
            pd.Series([True, None], dtype="boolean", name="y"),
            TypeError,
            "y must hold numbers; column 'y' has dtype boolean. Convert it",
        ),
    ],
)
def test_pd_na_in_the_target_is_named_with_its_position(y, error, msg):
    with pytest.raises(error, match=re.escape(msg)):
        LastPlusCovariates().fit(None, y)


def test_nullable_covariates_are_converted_exactly():
    y = target()
    X = covariates(y.index)
    expected = LastPlusCovariates().fit(X, y)
    X_next = covariates(expected.time_index_.future(2))
    nullable = X.astype({"x": "Int64", "z": "Float64"})
    model = LastPlusCovariates().fit(nullable, y)
    pd.testing.assert_frame_equal(model.X_train_, expected.X_train_, check_exact=True)
    pd.testing.assert_frame_equal(
        model.forecast(2, X=X_next.astype("Float64")), expected.forecast(2, X=X_next), check_exact=True
    )
    flags = LastPlusCovariates().fit(X.assign(z=pd.array([True, False, True, False], dtype="boolean")), y)
    assert flags.X_train_["z"].tolist() == [1.0, 0.0, 1.0, 0.0]


def na_at(frame, row, column):
    frame = frame.copy()
    frame.iloc[row, list(frame.columns).index(column)] = pd.NA
    return frame


@pytest.mark.parametrize(
    "values", [[1.5, 2.5, None, 0.5], [1, 2, None, 4], [True, False, None, True]], ids=["Float64", "Int64", "boolean"]
)
def test_pd_na_in_covariates_is_named_with_row_and_column(values):
    y = target()
    dtype = {float: "Float64", int: "Int64", bool: "boolean"}[type(values[0])]
    X = covariates(y.index, z=pd.array(values, dtype=dtype))
    msg = (
        "The covariates X contain 1 missing (NaN, pd.NA) or infinite value(s) (first at row 2, column 'z'); "
        "covariates must be known for every row. Fill them explicitly (e.g. X.ffill()) or drop the covariate."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        LastPlusCovariates().fit(X, y)


def test_pd_na_in_forecast_covariates_and_in_a_context_is_named():
    y = target()
    model = LastPlusCovariates().fit(covariates(y.index), y)
    X_next = covariates(model.time_index_.future(2)).astype("Float64")
    with pytest.raises(
        ValueError,
        match=re.escape(
            "The covariates X contain 1 missing (NaN, pd.NA) or infinite value(s) (first at row 1, column 'x')"
        ),
    ):
        model.forecast(2, X=na_at(X_next, 1, "x"))
    with pytest.raises(
        ValueError,
        match=re.escape(
            "The covariates X contain 1 missing (NaN, pd.NA) or infinite value(s) (first at row 0, column 'z')"
        ),
    ):
        model.predict(na_at(X_next, 0, "z"))
    context = target().astype("Float64")
    context.index = pd.RangeIndex(10, 14)
    X_context = covariates(context.index)
    future = covariates(pd.RangeIndex(14, 16))
    with pytest.raises(
        ValueError,
        match=re.escape("y_context has 1 missing value(s) after the start of a series (series 'b', positions [3])."),
    ):
        model.forecast(2, X=future, y_context=na_at(context, 3, "b"), X_context=X_context)
    with pytest.raises(
        ValueError,
        match=re.escape(
            "The covariates X_context contain 1 missing (NaN, pd.NA) or infinite value(s) (first at row 2, column 'x')"
        ),
    ):
        model.forecast(2, X=future, y_context=context, X_context=na_at(X_context.astype("Float64"), 2, "x"))


@pytest.mark.parametrize(
    "X, msg",
    [
        (
            lambda index: covariates(index).astype(object).pipe(na_at, 3, "x"),
            "The covariates X must be numeric; column 'x' has dtype object and holds <NA> at row 3. Covariates "
            "must be known for every row: fill the missing values explicitly (e.g. X.ffill()), then give the "
            "column a numeric dtype (pd.to_numeric).",
        ),
        (
            lambda index: np.array([[0.0, 1.0], [1.0, pd.NA], [2.0, 1.0], [3.0, 1.0]], dtype=object),
            "The covariates X must be numeric; column 1 has dtype object and holds <NA> at row 1. Covariates must be "
            "known for every row",
        ),
        (
            lambda index: covariates(
                index, when=pd.date_range("2020-01-01", periods=4, unit="us")
            ),  # us on pandas 2 and 3
            "The covariates X must be numeric; column 'when' has dtype datetime64[us] and holds "
            "np.datetime64('2020-01-01T00:00:00.000000') at row 0. Encode categories and dates first (e.g. with "
            "CalendarFeatures or OneHotEncoder); convert numbers stored as text with pd.to_numeric.",
        ),
        (
            lambda index: covariates(index, c=[1 + 1j] * 4),
            "The covariates X must be real numbers; column 'c' is complex. Pass its real and imaginary parts as two "
            "columns.",
        ),
    ],
    ids=["object-pd.NA", "numpy-object-pd.NA", "dates", "complex"],
)
def test_covariates_that_are_not_numbers_are_named_with_their_position(X, msg):
    y = target()
    with pytest.raises(TypeError, match=re.escape(msg)):
        LastPlusCovariates().fit(X(y.index), y)


def test_numbers_stored_as_objects_are_taken():
    y = target()
    X = covariates(y.index)
    expected = LastPlusCovariates().fit(X, y).forecast(1, X=np.ones((1, 2)))
    model = LastPlusCovariates().fit(X.astype(object), y)
    pd.testing.assert_frame_equal(model.forecast(1, X=np.ones((1, 2), dtype=object)), expected, check_exact=True)
