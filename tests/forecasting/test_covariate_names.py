"""Covariates are matched by name, for every forecaster: the columns of ``X`` at ``forecast`` and ``predict``
(and ``X_context``) must be those of the fit, in the same order, or the message says which are unseen, which
are missing, or that the order differs; a numpy array is read by position."""

import re

import numpy as np
import pandas as pd
import pytest

from ._zoo import FORECASTERS, WITH_COVARIATES, calendar, cases, future, two_series

COLUMNS = ["x", "z"]


def fitted(name):
    y = two_series()
    return FORECASTERS[name]().fit(calendar(y.index, COLUMNS), y)


def other_order(owner, what="X"):
    return (
        f"The covariate columns of {what} are those {owner} was fitted with, but in another order: {what} has "
        f"['z', 'x'], the fit had ['x', 'z']. Columns are read by position; reorder them: {what}[['x', 'z']]."
    )


def not_the_columns(owner, given, detail, what="X"):
    return (
        f"The covariate columns of {what} must be those {owner} was fitted with, by name and in the same order: "
        f"['x', 'z']; {what} has {given} ({detail}). Give {what} these columns, e.g. {what}[['x', 'z']] after "
        f"adding or renaming the missing ones."
    )


def wrong_columns(owner):
    """(how the columns are changed, the message), for every way the columns can differ."""
    return [
        (lambda X: X[["z", "x"]], other_order(owner)),
        (lambda X: X.assign(w=1.0), not_the_columns(owner, ["x", "z", "w"], "unseen at fit time: ['w']")),
        (lambda X: X[["x"]], not_the_columns(owner, ["x"], "seen at fit time, yet now missing: ['z']")),
        (
            lambda X: X.rename(columns={"x": "t"}),
            not_the_columns(owner, ["t", "z"], "unseen at fit time: ['t']; seen at fit time, yet now missing: ['x']"),
        ),
        (
            lambda X: pd.DataFrame(index=X.index),
            not_the_columns(owner, [], "seen at fit time, yet now missing: ['x', 'z']"),
        ),
    ]


@pytest.mark.parametrize("name", cases(WITH_COVARIATES))
def test_forecast_and_predict_check_the_covariate_names_and_order(name):
    model = fitted(name)
    owner = type(model).__name__
    X_next = calendar(future(model), COLUMNS)
    expected = model.forecast(3, X=X_next)
    for change, message in wrong_columns(owner):
        with pytest.raises(ValueError, match=re.escape(message)):
            model.forecast(3, X=change(X_next))
        with pytest.raises(ValueError, match=re.escape(message)):
            model.predict(change(X_next))
    # the same columns give the same forecast; a numpy array is read by position
    pd.testing.assert_frame_equal(model.predict(X_next), expected, check_exact=True)
    pd.testing.assert_frame_equal(model.forecast(3, X=X_next.to_numpy()), expected, check_exact=True)
    pd.testing.assert_frame_equal(model.predict(X_next.to_numpy()), expected, check_exact=True)
    # an array with another number of columns
    count = (
        f"X has 1 covariate column(s), but {owner} was fitted with 2. Pass the same covariates at fit and predict time."
    )
    with pytest.raises(ValueError, match=re.escape(count)):
        model.forecast(3, X=X_next.to_numpy()[:, :1])
    with pytest.raises(ValueError, match=re.escape(count)):
        model.predict(X_next.to_numpy()[:, :1])


@pytest.mark.parametrize("name", cases(["Recursive-ridge", "Direct-rnn", "Ensemble"]))
def test_the_covariates_of_a_new_context_are_checked_by_name(name):
    model = fitted(name)
    owner = type(model).__name__
    y = two_series(40)
    context = calendar(y.index, COLUMNS)
    X_next = calendar(pd.period_range(y.index[-1] + 1, periods=3, freq="M"), COLUMNS)
    expected = model.forecast(3, X=X_next, y_context=y, X_context=context)
    with pytest.raises(ValueError, match=re.escape(other_order(owner, "X_context"))):
        model.forecast(3, X=X_next, y_context=y, X_context=context[["z", "x"]])
    pd.testing.assert_frame_equal(
        model.forecast(3, X=X_next, y_context=y, X_context=context.to_numpy()), expected, check_exact=True
    )


def test_without_names_at_fit_covariates_are_read_by_position():
    y = two_series()
    X = calendar(y.index, COLUMNS)
    model = FORECASTERS["Recursive-ridge"]().fit(X.to_numpy(), y)
    assert not hasattr(model, "feature_names_in_") and model.n_features_in_ == 2
    X_next = calendar(future(model), COLUMNS)
    expected = model.forecast(3, X=X_next.to_numpy())
    # fitted on an array: a DataFrame's names cannot be checked, its columns are read in order (as scikit-learn)
    renamed = X_next.set_axis(["p", "q"], axis=1)
    pd.testing.assert_frame_equal(model.forecast(3, X=renamed), expected, check_exact=True)
    with pytest.raises(ValueError, match=re.escape("X has 3 covariate column(s), but RecursiveForecaster was fitted")):
        model.forecast(3, X=renamed.assign(r=0.0))


def test_names_are_recorded_at_fit_and_replaced_by_a_refit():
    y = two_series()
    model = FORECASTERS["Direct-ridge"]().fit(calendar(y.index, COLUMNS), y)
    assert model.feature_names_in_.tolist() == COLUMNS and model.n_features_in_ == 2
    model.fit(calendar(y.index, ["z", "x"]), y)
    assert model.feature_names_in_.tolist() == ["z", "x"]
    model.fit(None, y)
    assert not hasattr(model, "feature_names_in_") and model.n_features_in_ == 0


def test_duplicated_covariate_names_are_refused():
    y = two_series()
    X = calendar(y.index, COLUMNS).set_axis(["x", "x"], axis=1)
    msg = "The covariates X have duplicated column names ['x']; each covariate needs its own name."
    with pytest.raises(ValueError, match=re.escape(msg)):
        FORECASTERS["Recursive-ridge"]().fit(X, y)
    model = fitted("Recursive-ridge")
    with pytest.raises(ValueError, match=re.escape(msg)):
        model.forecast(3, X=calendar(future(model), COLUMNS).set_axis(["x", "x"], axis=1))


@pytest.mark.parametrize("name", cases(sorted(set(FORECASTERS) - set(WITH_COVARIATES))))
def test_models_fitted_without_covariates_refuse_them_at_forecast(name):
    model = FORECASTERS[name]().fit(None, two_series())
    owner = type(model).__name__
    X_next = calendar(future(model), COLUMNS)
    msg = (
        f"X has 2 covariate column(s), but {owner} was fitted with 0. Pass the same covariates at fit and predict time."
    )
    for given in (X_next, X_next.to_numpy()):
        with pytest.raises(ValueError, match=re.escape(msg)):
            model.forecast(3, X=given)
        with pytest.raises(ValueError, match=re.escape(msg)):
            model.predict(given)
    # an X that only carries the index is fine
    pd.testing.assert_frame_equal(model.predict(pd.DataFrame(index=X_next.index)), model.forecast(3))


@pytest.mark.slow
def test_autornn_checks_the_covariate_names():
    from seqforecast import AutoRNNForecaster

    y = two_series()
    model = AutoRNNForecaster(3, n_members=1, time_budget=1e-6, random_state=0).fit(calendar(y.index, COLUMNS), y)
    X_next = calendar(future(model), COLUMNS)
    expected = model.forecast(3, X=X_next)
    assert np.isfinite(expected.to_numpy()).all()
    for change, message in wrong_columns("AutoRNNForecaster"):
        with pytest.raises(ValueError, match=re.escape(message)):
            model.forecast(3, X=change(X_next))
    pd.testing.assert_frame_equal(model.forecast(3, X=X_next.to_numpy()), expected, check_exact=True)
