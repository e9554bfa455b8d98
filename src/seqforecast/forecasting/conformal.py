"""Calibrated prediction intervals for any forecaster: :class:`ConformalForecaster` (split conformal).

The wrapped forecaster is refitted at a few origins of the training data; its forecasts from there, compared
with the values that followed, give the forecast errors of each step ahead. The interval of a new forecast is
the point forecast plus or minus a quantile of those errors::

    y (training data)   o o o o o o o o o o o o o o o o o o o o o o o o
    origin 1            t t t t t t t t t t t t|f f f|                      t: fit on, f: forecast, errors
    origin 2            t t t t t t t t t t t t t t t|f f f|                   per step h = 1, 2, 3
    origin 3            t t t t t t t t t t t t t t t t t t|f f f|
    origin 4            t t t t t t t t t t t t t t t t t t t t t|f f f|
    forecaster_         t t t t t t t t t t t t t t t t t t t t t t t t|F F F|  F +- quantile of the
                                                                                errors of its step
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.utils.validation import check_is_fitted

from .._utils.validation import check_param, check_real, options, positive_int, validate_params
from ..base import BaseForecaster, first_observations
from ..evaluation.splitters import default_origins

__all__ = ["DEFAULT_MIN_ERRORS", "ConformalForecaster"]

#: With ``step=None``, the fewest calibration errors per step ahead that origins ``horizon`` apart must give
#: (origins x series); fewer, and the origins are taken 1 step apart. 19 is the least for a 95 % interval: the
#: ``ceil((n + 1) * 0.95)``-th smallest of ``n`` errors exists from ``n = 19``.
DEFAULT_MIN_ERRORS = 19


class ConformalForecaster(BaseForecaster):
    """Prediction intervals for any forecaster, calibrated on its own forecast errors (split conformal).

    ``fit`` refits a clone of ``forecaster`` at rolling origins of the training data, forecasts ``horizon``
    steps from each, and keeps the forecast errors; then fits ``forecaster`` on all the data. Its forecasts
    are the wrapped forecaster's; ``forecast(steps, coverage=c)``, ``predict_interval`` and
    ``forecast_quantiles`` add, at step ``h``, intervals ``point +- w_h(c)`` where ``w_h(c)`` is the
    ``ceil((n + 1) c)``-th smallest of the ``n`` calibration scores of step ``h`` (pooled over origins and
    series): the split-conformal quantile, which covers a new value with probability at least ``c`` when the
    new error and the ``n`` calibration errors are exchangeable (Vovk et al. 2005; Lei et al. 2018, "Distribution-Free
    Predictive Inference for Regression", JASA, section 2.2). Forecast errors of a time series are only roughly
    exchangeable (the origins' models are fitted on less data, and errors of a changing series drift), so
    the coverage is close to ``c`` rather than guaranteed; the intervals are symmetric about the point
    forecast, and their quantiles (``forecast_quantiles``) never cross.

    A coverage needs enough errors: ``ceil((n + 1) c) <= n``, that is ``n >= c / (1 - c)`` (9 for 90 %,
    19 for 95 %, 99 for 99 %). Asking for more coverage than the calibration allows is an error that says how
    many errors it needs, rather than an infinite interval.

    Parameters
    ----------
    forecaster : forecaster
        The forecaster whose intervals are calibrated (any seqforecast forecaster: baselines, window
        forecasters, ensembles), unfitted. Its clones are fitted once per origin, then once on all the data.
    horizon : int >= 1
        The most steps ahead the intervals are calibrated for, and so the most steps this model forecasts
        (as a ``DirectForecaster``'s horizon). A parameter rather than a ``fit`` argument because it decides
        which errors are collected.
    n_origins : int >= 1 or None, default=None
        Number of origins. None: those of the default backtest rule
        (:func:`~seqforecast.evaluation.splitters.default_origins`: every series keeps half its values before
        the first origin, at most the 20 most recent origins). An int: the ``n_origins`` most recent origins,
        ``step`` apart, the last forecast window ending on the last time step; each series needs a value
        before the first origin (the wrapped forecaster may need more, and says so).
    step : int >= 1 or None, default=None
        Time steps between consecutive origins. A smaller step gives more origins, and more (overlapping)
        errors, from the same data. None: ``horizon`` (the forecast windows tile the end of the data) when
        that gives at least :data:`DEFAULT_MIN_ERRORS` (19) errors per step, enough for a 95 % interval;
        else (few origins of few series, e.g. one monthly series of 12 years) 1, which gives up to 20
        origins, as ``step=1`` would. With ``n_origins`` set, None means ``horizon``.
    method : {"absolute", "scaled", "normalized"}, default="absolute"
        The calibration score. ``"absolute"``: the absolute error ``|y - forecast|``, in the units of ``y``,
        so every series gets intervals of the same width. ``"scaled"``: the absolute error divided by the
        series' scale, the mean absolute difference of consecutive values of the history it was forecast
        from (as MASE's denominator); a series' interval is then its scale times the quantile of the scaled
        errors, so a global model of series of different levels gives each series intervals of its own size.
        A history without changes (a constant) is scaled by its mean absolute value, or 1 if that is 0.
        ``"normalized"``: the absolute error divided by the forecaster's own mean absolute error on that
        series, over the *other* origins (all origins when there is one), every step ahead; a series'
        interval is then that mean error over all origins times the quantile of the normalized errors
        (normalized nonconformity scores: Papadopoulos, Gammerman and Vovk 2008; Lei et al. 2018, section
        5.2). A series the forecaster finds hard gets wide intervals and an easy one narrow intervals, which
        ``"scaled"`` cannot tell apart when both change as much from step to step. A new context
        (``y_context``) keeps each series' calibrated spread. A series whose calibration errors are all 0 falls
        back to ``"scaled"``'s scale.

    Attributes
    ----------
    forecaster_ : forecaster
        The wrapped forecaster fitted on all the training data (its series named by their position, 0, 1...,
        and its covariates a numpy array: this model checks names and hands it arrays).
    residuals_ : ndarray of shape (n_origins, horizon, n_series)
        The calibration forecast errors ``y - forecast`` (signed, in the units of ``y``) at each origin, step
        ahead and series, oldest origin first. The scores are their absolute values divided by ``scales_``.
    scales_ : ndarray of shape (n_origins, n_series)
        What each error is divided by: ones for ``method="absolute"``, the series' scale at that origin for
        ``"scaled"``, the series' mean absolute error at the other origins for ``"normalized"``.
    spreads_ : ndarray of shape (n_series,) or None
        With ``method="normalized"``, what each series' interval multiplies the quantile by: its mean absolute
        calibration error over every origin and step. None for the other methods.
    cutoffs_ : Index of shape (n_origins,)
        The last time step each origin's fit saw.
    step_ : int
        The time steps between consecutive origins (``step``, or what None chose).
    y_train_, X_train_, time_index_, fitted_params_...
        As every forecaster (see :class:`~seqforecast.base.BaseForecaster`).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from seqforecast.baselines import NaiveForecaster
    >>> y = pd.Series(np.random.default_rng(0).normal(10, 1, 60), name="y")
    >>> model = ConformalForecaster(NaiveForecaster("mean"), horizon=3, step=1).fit(None, y)
    >>> model.forecast(3, coverage=0.9).columns.tolist()
    ['y', 'y_lower', 'y_upper']
    >>> model.forecast_quantiles(3, (0.05, 0.5, 0.95)).shape
    (3, 3)
    """

    _parameter_constraints = {
        "forecaster": "no_validation",  # a forecaster: checked in fit, with a hint
        "horizon": [positive_int()],
        "n_origins": [positive_int(), None],
        "step": [positive_int(), None],
        "method": [options({"absolute", "scaled", "normalized"})],
    }

    def __init__(self, forecaster, horizon, *, n_origins=None, step=None, method="absolute"):
        self.forecaster = forecaster
        self.horizon = horizon
        self.n_origins = n_origins
        self.step = step
        self.method = method

    # ------------------------------------------------------------------------------------- fit
    def _fit(self, Y, X):
        validate_params(self)
        owner = type(self).__name__
        check_param(
            self.forecaster,
            "forecaster",
            [BaseForecaster],
            owner,
            hint="Give a seqforecast forecaster, e.g. NaiveForecaster() or ARIMAForecaster(...).",
        )
        horizon = int(self.horizon)
        stops, step = self._origin_stops(Y)  # [K] rows each origin fits on: 0 <= i < stop
        index = _training_index(self.time_index_, len(Y))
        residuals = np.empty((len(stops), horizon, Y.shape[1]))  # [K, H, S]
        scales = np.ones((len(stops), Y.shape[1]))  # [K, S]
        for k, stop in enumerate(stops):
            history = Y[:stop]
            try:
                fitted = clone(self.forecaster).fit(_rows(X, 0, stop), _frame(history, index[:stop]))
                point = fitted.forecast(horizon, X=_rows(X, stop, stop + horizon))
            except Exception as exc:
                if hasattr(exc, "add_note"):  # Python 3.11+
                    exc.add_note(
                        f"(raised by {owner} calibrating {type(self.forecaster).__name__} at origin {k + 1} of "
                        f"{len(stops)}: a fit on the first {stop} time steps, up to {index[stop - 1]!r}; series "
                        f"are named by their position)"
                    )
                raise
            residuals[k] = Y[stop : stop + horizon] - point.to_numpy().reshape(horizon, -1)  # [H] or [H, S] -> [H, S]
            if self.method == "scaled":
                scales[k] = series_scale(history)
        self.spreads_ = None
        if self.method == "normalized":
            scales, self.spreads_ = _own_error_scales(residuals, series_scale(Y))
        self.forecaster_ = clone(self.forecaster).fit(_rows(X, 0, len(Y)), _frame(Y, index))
        self.residuals_ = residuals
        self.scales_ = scales
        self.cutoffs_ = index[stops - 1]
        self.step_ = step
        return self

    def _origin_stops(self, Y):
        """The end (exclusive row) of each origin's training data, oldest first, and the steps between origins;
        refuses data too short."""
        owner = type(self).__name__
        horizon = int(self.horizon)
        step = horizon if self.step is None else int(self.step)
        n = len(Y)
        first = first_observations(Y)  # [S] row of each series' first value
        shortest = int((n - first).min())
        if shortest <= horizon:
            raise ValueError(
                f"{owner}: calibrating intervals for horizon={horizon} steps needs at least {horizon + 1} values "
                f"of every series (one to fit on before an origin, and {horizon} after it); the shortest series "
                f"has {shortest}. Use a smaller horizon or longer series."
            )
        if self.n_origins is None:
            initial, step, n_origins = default_origins(n, horizon=horizon, step=step, first_observed=first)
            if self.step is None and n_origins * Y.shape[1] < DEFAULT_MIN_ERRORS and step > 1:
                initial, step, n_origins = default_origins(n, horizon=horizon, step=1, first_observed=first)
        else:
            n_origins = int(self.n_origins)
            initial = n - horizon - (n_origins - 1) * step
            least = int(first.max()) + 1  # the first origin leaves every series a value
            if initial < least:
                need = least + (n_origins - 1) * step + horizon
                raise ValueError(
                    f"{owner}: n_origins={n_origins} origins {step} step(s) apart, each forecasting horizon="
                    f"{horizon} steps, need at least {need} time steps ({least} up to the first origin, so that "
                    f"every series has a value, + {n_origins - 1} * step={step} + horizon={horizon}); y has {n}. "
                    f"Use fewer origins, a smaller step or horizon, or a longer series."
                )
        return initial + step * np.arange(n_origins), step

    # -------------------------------------------------------------------------------- predict
    def _max_steps(self):
        inner = self.forecaster_._max_steps()
        return int(self.horizon) if inner is None else min(int(self.horizon), inner)

    def _predict(self, horizon, Y, X, X_future):
        return self.forecaster_._as_fitted()._predict(horizon, Y, X, X_future)

    def _predict_interval(self, horizon, Y, X, X_future, coverage):
        point = self._predict(horizon, Y, X, X_future)  # [H, S]
        width = self.half_widths(coverage)[:horizon]  # [H]
        if self.method == "normalized":  # forecasts are always of the training series (y_context is checked)
            scale = self.spreads_
        else:
            scale = np.ones(Y.shape[1]) if self.method == "absolute" else series_scale(Y)  # [S]
        spread = width[:, None] * scale[None, :]  # [H, 1] * [1, S] -> [H, S]
        return point - spread, point + spread

    def half_widths(self, coverage):
        """The half-width of the interval of coverage ``coverage`` at each step ahead, in units of the scores
        (of ``y`` for ``method="absolute"``, of each series' scale for ``"scaled"``, of each series' spread,
        ``spreads_``, for ``"normalized"``).

        Parameters
        ----------
        coverage : float in (0, 1)

        Returns
        -------
        ndarray of shape (horizon,)
            At step ``h``, the ``ceil((n + 1) * coverage)``-th smallest of the ``n`` scores of that step.
        """
        check_is_fitted(self)
        coverage = check_real(
            coverage,
            "coverage",
            f"{type(self).__name__}.half_widths",
            low=0,
            high=1,
            closed="neither",
            hint="coverage is the probability of the interval, e.g. 0.9.",
        )
        scores = np.abs(self.residuals_) / self.scales_[:, None, :]  # [K, H, S]
        pooled = scores.transpose(1, 0, 2).reshape(scores.shape[1], -1)  # [K, H, S] -> [H, K*S]
        n = pooled.shape[1]
        rank = math.ceil((n + 1) * coverage - 1e-9)  # the tolerance keeps 0.9 * 10 from rounding up to 10
        if rank > n:
            least = math.ceil(coverage / (1 - coverage) - 1e-9)
            origins, series = self.residuals_.shape[0], self.residuals_.shape[2]
            raise ValueError(
                f"{type(self).__name__}: an interval of coverage {coverage:g} needs at least {least} calibration "
                f"errors per step (the ceil((n + 1) * {coverage:g})-th smallest of n errors must exist); this "
                f"model has {n} ({origins} origin(s) x {series} series). Ask for a coverage of at most "
                f"{n / (n + 1):.4g}, or refit with more origins (n_origins=, a smaller step) or more data."
            )
        return np.sort(pooled, axis=1)[:, rank - 1]

    def training_history(self):
        """The training curve of the wrapped forecaster fitted on all the data (see its ``training_history``)."""
        check_is_fitted(self)
        return self.forecaster_.training_history()


def series_scale(Y: np.ndarray) -> np.ndarray:
    """The scale of each series of ``Y`` (shape (n_timesteps, n_series), leading NaN for a later start), shape
    (n_series,): the mean absolute difference of consecutive values; for a series without changes, its mean
    absolute value; 1 when that is 0 too.

    Examples
    --------
    >>> series_scale(np.array([[1.0, np.nan, 5.0], [3.0, 2.0, 5.0], [2.0, 4.0, 5.0]]))
    array([1.5, 2. , 5. ])
    """
    scale = np.ones(Y.shape[1])
    for j, start in enumerate(first_observations(Y)):
        y = Y[start:, j]
        change = float(np.mean(np.abs(np.diff(y)))) if len(y) > 1 else 0.0
        scale[j] = change if change > 0 else (float(np.mean(np.abs(y))) or 1.0)
    return scale


def _own_error_scales(residuals: np.ndarray, fallback: np.ndarray):
    """``method="normalized"``'s scales: ``(scales [K, S], spreads [S])`` from ``residuals`` [K, H, S].

    ``scales[k, s]`` is series ``s``'s mean absolute error over every step of the origins other than ``k`` (of
    origin ``k`` itself when there is only one), so an error is not divided by a spread it inflated;
    ``spreads[s]`` is the mean over every origin. A zero mean (a series forecast without error) is replaced by
    ``fallback[s]``.

    Examples
    --------
    >>> r = np.array([[[1.0, 0.0], [-3.0, 0.0]], [[2.0, 0.0], [2.0, 0.0]]])  # 2 origins, 2 steps, 2 series
    >>> scales, spreads = _own_error_scales(r, np.array([9.0, 5.0]))
    >>> scales
    array([[2., 5.],
           [2., 5.]])
    >>> spreads
    array([2., 5.])
    """
    n_origins, horizon, _ = residuals.shape
    totals = np.abs(residuals).sum(axis=1)  # [K, H, S] -> [K, S]
    if n_origins > 1:
        scales = (totals.sum(axis=0)[None, :] - totals) / ((n_origins - 1) * horizon)  # leave one origin out
    else:
        scales = totals / horizon
    spreads = totals.sum(axis=0) / (n_origins * horizon)
    scales = np.where(scales > 0, scales, fallback[None, :])
    return scales, np.where(spreads > 0, spreads, fallback)


def _training_index(time_index, n):
    """The ``n`` labels of the training index ending at ``time_index.cutoff`` (the index is regular)."""
    if time_index.kind == "integer":
        stop = time_index.cutoff + time_index.freq
        return pd.RangeIndex(stop - n * time_index.freq, stop, time_index.freq, name=time_index.name)
    if time_index.kind == "period":
        return pd.period_range(end=time_index.cutoff, periods=n, freq=time_index.freq, name=time_index.name)
    return pd.date_range(end=time_index.cutoff, periods=n, freq=time_index.freq, name=time_index.name)


def _frame(Y, index):
    """The series ``Y`` (n_timesteps, n_series) as a DataFrame whose columns are their positions."""
    return pd.DataFrame(Y, index=index)


def _rows(X, start, stop):
    """Rows ``start <= i < stop`` of the covariates, or None without covariates."""
    return None if X is None else X[start:stop]
