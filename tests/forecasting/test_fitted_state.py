"""The fitted model is the model that forecasts, for every forecaster: ``set_params`` without a refit changes
nothing it forecasts, and a refit that fails (bad option, bad data, too short data, an error midway) leaves
it forecasting exactly as before, bit for bit."""

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge

from seqforecast._utils.validation import InvalidParameterError
from seqforecast.base import PerSeriesForecaster
from seqforecast.forecasting import DirectForecaster, EnsembleForecaster, RecursiveForecaster

from ._zoo import FORECASTERS, PER_SERIES, WITH_INTERVALS, ExplodingRegressor, cases, future, two_series


def outputs(model, name):
    """Everything the fitted model forecasts: forecast, predict (rows by index) and intervals where given."""
    out = {
        "forecast": model.forecast(3),
        "predict": model.predict(pd.DataFrame(index=future(model, 3)[[0, 2]])),
    }
    if name in WITH_INTERVALS:
        out["interval"] = model.forecast(3, coverage=0.8)
    return out


def assert_same(before, after, what=""):
    assert before.keys() == after.keys()
    for key in before:
        a, b = before[key], after[key]
        assert a.index.equals(b.index), (what, key)
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b), err_msg=f"{what}: {key}")


def other_value(value):
    """A valid-looking value other than ``value``, of the same kind."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, float):
        return value * 2 + 1
    if value is None:
        return 2
    return None


def fitted_state(model):
    """The fitted attributes, by identity: a failed refit must not replace any of them."""
    return {key: id(value) for key, value in vars(model).items() if key.endswith("_")}


# ----------------------------------------------------------------------------------- set_params, no refit
@pytest.mark.parametrize("name", cases(FORECASTERS))
def test_set_params_without_a_refit_changes_no_forecast(name):
    model = FORECASTERS[name]().fit(None, two_series())
    before = outputs(model, name)
    params = model.get_params(deep=True)
    for key, value in params.items():
        for new in (other_value(value), "bogus"):
            model.set_params(**{key: new})
            assert_same(before, outputs(model, name), f"{name}.set_params({key}={new!r})")
            model.set_params(**{key: value})


def test_the_examples_of_the_issue():
    y = pd.Series(15 + 3 * np.sin(np.arange(60) / 3), name="y")
    f = RecursiveForecaster(Ridge(), window_length=4).fit(None, y)
    before = f.forecast(3)
    assert before.between(15, 18.5).all()
    with pytest.raises(InvalidParameterError, match=re.escape("The 'scaling' parameter of RecursiveForecaster")):
        f.set_params(scaling="bogus").fit(None, y)
    pd.testing.assert_series_equal(f.forecast(3), before, check_exact=True)  # not values around -0.5
    pd.testing.assert_series_equal(f.set_params(scaling="series", window_length=6).forecast(3), before)
    assert f.window_length_ == 4 and f.fitted_params_["window_length"] == 4
    # the new parameters take effect at the next fit
    assert f.fit(None, y).window_length_ == 6 and f.estimator_.n_features_in_ == 6

    d = DirectForecaster(Ridge(), window_length=4, horizon=3).fit(None, y)
    with pytest.raises(
        ValueError,
        match=re.escape(
            "DirectForecaster was fitted to forecast 3 steps ahead; 4 were asked for. Refit with horizon>=4."
        ),
    ):
        d.set_params(horizon=4).forecast(4)
    assert d.forecast(3).shape == (3,)


@pytest.mark.slow
def test_a_baseline_reads_its_fitted_parameters_too():
    # ARIMA undoes its Box-Cox transform and ETS simulates its intervals with parameters: the fitted ones
    from seqforecast.baselines import ARIMAForecaster

    y = two_series()
    f = ARIMAForecaster(order=(1, 0, 0), boxcox_lambda=0.5).fit(None, y)
    before = f.forecast(3)
    pd.testing.assert_frame_equal(f.set_params(boxcox_lambda=None).forecast(3), before, check_exact=True)
    assert not np.allclose(f.fit(None, y).forecast(3), before)  # refitted without the transform


# ------------------------------------------------------------------------------------------ failed refits
def refit_and_compare(model, name, refit, error, match):
    before, state = outputs(model, name), fitted_state(model)
    with pytest.raises(error, match=re.escape(match)):
        refit()
    assert fitted_state(model) == state
    assert_same(before, outputs(model, name), name)


def validated(model):
    """The names of the parameters a fit checks (``_parameter_constraints``)."""
    return [key for key, rule in model._parameter_constraints.items() if rule != "no_validation"]


@pytest.mark.parametrize("name", cases(FORECASTERS))
def test_a_refit_with_a_bad_option_keeps_the_fitted_model(name):
    model = FORECASTERS[name]().fit(None, two_series())
    for key in validated(model):
        value = model.get_params()[key]
        model.set_params(**{key: object()})
        owner = type(model).__name__
        refit_and_compare(
            model,
            name,
            lambda: model.fit(None, two_series(scale=2.0)),
            InvalidParameterError,
            f"The {key!r} parameter of {owner} must be",
        )
        model.set_params(**{key: value})


@pytest.mark.parametrize("name", cases(FORECASTERS))
def test_a_refit_on_bad_data_keeps_the_fitted_model(name):
    model = FORECASTERS[name]().fit(None, two_series())
    gap = two_series(scale=2.0)
    gap.iloc[10, 1] = np.nan
    refit_and_compare(
        model,
        name,
        lambda: model.fit(None, gap),
        ValueError,
        "y has 1 missing value(s) after the start of a series (series 'b', positions [10]).",
    )
    na = two_series(scale=2.0).astype("Float64")
    na.iloc[12, 0] = pd.NA
    refit_and_compare(
        model,
        name,
        lambda: model.fit(None, na),
        ValueError,
        "y has 1 missing value(s) after the start of a series (series 'a', positions [12]).",
    )


SHORT = {  # what each forecaster says about a series of one observation
    "Recursive-ridge": "every series needs at least 5 observations (window_length=4 + horizon=1); the series has 1.",
    "Recursive-rnn": "every series needs at least 5 observations (window_length=4 + horizon=1); the series has 1.",
    "Direct-ridge": "every series needs at least 7 observations (window_length=4 + horizon=3); the series has 1.",
    "Direct-rnn": "every series needs at least 7 observations (window_length=4 + horizon=3); the series has 1.",
    "Seq2Seq": "every series needs at least 7 observations (window_length=4 + horizon=3); the series has 1.",
    "Ensemble": "every series needs at least 5 observations (window_length=4 + horizon=1); the series has 1.",
    "Naive": "NaiveForecaster (series 'a'): naive_forecast: y needs at least 2 value(s) for strategy='drift'; got 1.",
    "SeasonalNaive": "y needs at least 2 value(s) (one full season, sp=2); got 1.",
    "Theta": "ThetaForecaster (series 'a'): theta_fit: y needs at least 2 value(s) to fit a trend line; got 1.",
}  # Naive2 and ETS forecast a series of one value; ARIMA's answer to one is left to the baselines


@pytest.mark.parametrize("name", cases(SHORT))
def test_a_refit_on_too_short_data_keeps_the_fitted_model(name):
    model = FORECASTERS[name]().fit(None, two_series())
    refit_and_compare(model, name, lambda: model.fit(None, two_series(scale=2.0).iloc[-1:]), ValueError, SHORT[name])


def _fail_on_the_last_series(monkeypatch):
    """PerSeriesForecaster: the fit fails on the last series, after the others were fitted."""
    original = PerSeriesForecaster._each_series

    def each_series(self, func, Y, X=None, *per_series):
        seen = []

        def failing(*args):
            seen.append(1)
            if len(seen) == Y.shape[1]:
                raise RuntimeError("the fit failed on the last series")
            return func(*args)

        return original(self, failing, Y, X, *per_series)

    monkeypatch.setattr(PerSeriesForecaster, "_each_series", each_series)


@pytest.mark.parametrize("name", cases(FORECASTERS))
def test_a_refit_that_fails_midway_keeps_the_fitted_model(name, monkeypatch):
    model = FORECASTERS[name]().fit(None, two_series())
    before, state = outputs(model, name), fitted_state(model)
    if name in PER_SERIES:
        error, match = RuntimeError, f"{type(model).__name__} (series 'b'): the fit failed on the last series"
        with monkeypatch.context() as patch:
            _fail_on_the_last_series(patch)
            with pytest.raises(error, match=re.escape(match)):
                model.fit(None, two_series(scale=2.0))
    else:
        if isinstance(model, EnsembleForecaster):  # the first members train, then one fails
            good = model.forecaster
            model.set_params(forecaster=[good, RecursiveForecaster(ExplodingRegressor(), window_length=2)])
        else:  # the windows are built and scaled, then the regressor fails
            good = model.estimator
            model.set_params(estimator=ExplodingRegressor())
        with pytest.raises(RuntimeError, match=re.escape("the regressor failed while training")):
            model.fit(None, two_series(scale=2.0))
        model.set_params(**({"forecaster": good} if isinstance(model, EnsembleForecaster) else {"estimator": good}))
    assert fitted_state(model) == state
    assert_same(before, outputs(model, name), name)
    # and the model refits normally afterwards, on the new data
    after = model.fit(None, two_series(scale=2.0)).forecast(3)
    assert np.isfinite(after.to_numpy()).all() and not np.allclose(after, before["forecast"])


# ------------------------------------------------------------------------------------------ AutoRNNForecaster
@pytest.mark.slow
def test_autornn_forecasts_as_fitted_after_set_params_and_failed_refits(monkeypatch):
    from seqforecast import AutoRNNForecaster

    # one net (the time budget stops after the first), the nets alone: the fastest fit that trains a net
    model = AutoRNNForecaster(3, n_members=1, combine="rnn", time_budget=1e-6, random_state=0)
    model.fit(None, two_series())
    assert len(model.members_) == 1
    before, state = outputs(model, "AutoRNN"), fitted_state(model)
    for key, value in model.get_params().items():
        for new in (other_value(value), "bogus"):
            model.set_params(**{key: new})
            assert_same(before, outputs(model, "AutoRNN"), f"set_params({key}={new!r})")
            model.set_params(**{key: value})
    with pytest.raises(
        ValueError,
        match=re.escape(
            "AutoRNNForecaster was fitted to forecast 3 steps ahead; 4 were asked for. Refit with horizon>=4."
        ),
    ):
        model.set_params(horizon=4).forecast(4)
    model.set_params(horizon=3)
    with pytest.raises(InvalidParameterError, match=re.escape("must be an int in the range [1, 1000000]. Got 10")):
        model.forecast(10**12)

    for key in validated(model):  # a bad option
        value = model.get_params()[key]
        model.set_params(**{key: object()})
        with pytest.raises(InvalidParameterError, match=re.escape(f"The {key!r} parameter of AutoRNNForecaster")):
            model.fit(None, two_series(scale=2.0))
        model.set_params(**{key: value})
    gap = two_series(scale=2.0)
    gap.iloc[5, 0] = np.nan
    with pytest.raises(ValueError, match=re.escape("y has 1 missing value(s) after the start of a series")):
        model.fit(None, gap)  # bad data

    def fail_midway(self, *args, **kwargs):
        self.members_ = ["a partial state"]  # written on the model being fitted, then the fit fails
        raise RuntimeError("the nets failed while training")

    with monkeypatch.context() as patch:
        patch.setattr(AutoRNNForecaster, "_fit_members", fail_midway)
        with pytest.raises(RuntimeError, match=re.escape("the nets failed while training")):
            model.fit(None, two_series(scale=2.0))
    assert fitted_state(model) == state
    assert_same(before, outputs(model, "AutoRNN"), "AutoRNN")
