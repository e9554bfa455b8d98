"""Every forecaster of seqforecast.forecasting and seqforecast.baselines, small and fast, for the tests that run
the same contract over all of them (fitted state, covariate names, limits)."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import Ridge

from seqforecast.baselines import (
    ARIMAForecaster,
    ETSForecaster,
    Naive2Forecaster,
    NaiveForecaster,
    SeasonalNaiveForecaster,
    ThetaForecaster,
)
from seqforecast.estimators import RNNRegressor
from seqforecast.forecasting import DirectForecaster, EnsembleForecaster, RecursiveForecaster, Seq2SeqForecaster

TINY = dict(hidden_size=4, max_epochs=2, batch_size=8, random_state=0)


def net(**kwargs):
    return RNNRegressor(**{**TINY, **kwargs})


#: name -> a function making the forecaster (AutoRNNForecaster, whose fit takes seconds, has its own tests)
FORECASTERS = {
    "Recursive-ridge": lambda: RecursiveForecaster(Ridge(alpha=0.1), window_length=4),
    "Recursive-rnn": lambda: RecursiveForecaster(net(cell="gru"), window_length=4),
    "Direct-ridge": lambda: DirectForecaster(Ridge(alpha=0.1), window_length=4, horizon=3),
    "Direct-rnn": lambda: DirectForecaster(net(), window_length=4, horizon=3, scaling="window"),
    "Seq2Seq": lambda: Seq2SeqForecaster(net(architecture="seq2seq"), window_length=4, horizon=3),
    "Ensemble": lambda: EnsembleForecaster(RecursiveForecaster(net(), window_length=4), n_members=2),
    "Naive": lambda: NaiveForecaster(strategy="drift"),
    "SeasonalNaive": lambda: SeasonalNaiveForecaster(sp=2),
    "Naive2": lambda: Naive2Forecaster(sp=2),
    "Theta": ThetaForecaster,
    "ETS": lambda: ETSForecaster(trend="add", random_state=0, n_simulations=20),
    "ARIMA": lambda: ARIMAForecaster(order=(1, 0, 0)),
}
#: the forecasters whose fit or forecasts take over a few tenths of a second (nets, statistical models)
SLOW = {"Recursive-rnn", "Direct-rnn", "Seq2Seq", "Ensemble", "ETS", "ARIMA"}


def cases(names):
    """``names`` as pytest parameters, the slow ones marked ``slow``."""
    return [pytest.param(name, marks=pytest.mark.slow) if name in SLOW else name for name in names]


#: the forecasters that take covariates (the others refuse an X with columns)
WITH_COVARIATES = ["Recursive-ridge", "Recursive-rnn", "Direct-ridge", "Direct-rnn", "Seq2Seq", "Ensemble", "ARIMA"]
#: the forecasters that give prediction intervals
WITH_INTERVALS = ["ETS", "ARIMA"]
#: the forecasters fitted per series (seqforecast.base.PerSeriesForecaster)
PER_SERIES = ["Naive", "SeasonalNaive", "Naive2", "Theta", "ETS", "ARIMA"]


def two_series(n=30, scale=1.0):
    """Two positive monthly series, a seasonal one and a trend, not constant."""
    t = np.arange(n)
    return pd.DataFrame(
        {"a": scale * (20 + 3 * np.sin(t / 1.7) + 0.2 * t), "b": scale * (50 - 0.3 * t + np.cos(t / 2.3))},
        index=pd.period_range("2000-01", periods=n, freq="M"),
    )


def calendar(index, names=("x", "z")):
    """Covariates on ``index``: one smooth column per name."""
    k = np.asarray(index.month if hasattr(index, "month") else np.arange(len(index)), dtype=float)
    return pd.DataFrame({name: np.sin(k / (i + 2)) + i for i, name in enumerate(names)}, index=index)


def future(model, steps=3):
    return model.time_index_.future(steps)


class ExplodingRegressor(RegressorMixin, BaseEstimator):
    """A regressor whose fit fails after the forecaster has built its windows: a fit that raises midway."""

    def __init__(self, random_state=None):
        self.random_state = random_state

    def fit(self, X, y):
        raise RuntimeError("the regressor failed while training")

    def predict(self, X):  # pragma: no cover - never fitted
        raise AssertionError("never called")
