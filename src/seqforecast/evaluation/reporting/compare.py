"""Compare forecasters on a rolling-origin backtest and report it: "does my RNN beat ARIMA?" in one call.

:func:`compare` backtests every model (and, unless told otherwise, the naive, seasonal naive and automatic
ARIMA baselines) on the same origins and returns a :class:`~seqforecast.reporting.ComparisonResult`: the
tidy forecasts of all models, a leaderboard, errors by horizon step, Diebold-Mariano tests against the best
baseline, plots, and writers for CSV, Markdown and one self-contained HTML page (how each score is
computed: :mod:`seqforecast.evaluation.reporting.result`).

:func:`diebold_mariano` tests equal predictive accuracy (Diebold & Mariano, 1995) with the small-sample
correction of Harvey, Leybourne & Newbold (1997).
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from ..._utils.validation import check_n_jobs, check_option, check_param, check_real, check_sp
from ...baselines import ARIMAForecaster, NaiveForecaster, SeasonalNaiveForecaster, is_baseline
from ..backtest import _origin_bounds, _run_backtest
from ..significance import DieboldMarianoResult, diebold_mariano
from .result import ComparisonResult

__all__ = ["compare", "make_baseline", "BASELINES", "ComparisonResult", "diebold_mariano", "DieboldMarianoResult"]

#: The baselines :func:`compare` can add, by the names of the command line's ``--model``.
BASELINES = ("naive", "seasonal-naive", "arima")


def make_baseline(name, sp):
    """The baseline forecaster called ``name`` (one of :data:`BASELINES`) for the seasonal period ``sp``."""
    name = check_option(name, "baselines", BASELINES, "compare", hint="Each name of the list must be one of them.")
    if name == "naive":
        return NaiveForecaster()
    if name == "seasonal-naive":
        return SeasonalNaiveForecaster(sp=sp)
    return ARIMAForecaster(sp=sp)


def _named_models(forecasters):
    """A dict name -> forecaster from a dict, a list or one forecaster; names must be unique strings."""
    if isinstance(forecasters, dict):
        for name in forecasters:
            if not isinstance(name, str) or not name:
                raise TypeError(f"compare: model names must be non-empty strings; got {name!r}.")
        return dict(forecasters)
    if hasattr(forecasters, "fit") and hasattr(forecasters, "forecast"):
        forecasters = [forecasters]
    if not isinstance(forecasters, (list, tuple)):
        raise TypeError(
            f"compare: forecasters must be a dict name -> forecaster, a list of forecasters or one forecaster; "
            f"got {type(forecasters).__name__}."
        )
    named = {}
    for forecaster in forecasters:
        name = type(forecaster).__name__
        if name in named:
            raise ValueError(
                f"compare: two models are named {name!r} (their class name); pass a dict with distinct names, "
                f"e.g. {{'{name}_a': ..., '{name}_b': ...}}."
            )
        named[name] = forecaster
    return named


def _baseline_models(baselines, sp):
    """The baselines to add, by class name: all of them for True (the seasonal naive only when sp > 1),
    none for False, or those of a list of names."""
    baselines = check_param(
        baselines,
        "baselines",
        ["boolean", list, tuple, None],
        "compare",
        hint=f"Give True, False or a list of names among {list(BASELINES)}.",
    )
    if baselines is True:
        names = [name for name in BASELINES if sp > 1 or name != "seasonal-naive"]
    else:
        names = list(baselines or [])
    models = [make_baseline(name, sp) for name in names]
    return {type(model).__name__: model for model in models}


def compare(
    forecasters,
    y,
    X=None,
    *,
    horizon,
    sp=1,
    baselines=True,
    initial_window=None,
    step=None,
    window="expanding",
    window_length=None,
    refit=True,
    n_jobs=None,
    verbose=0,
    coverage=None,
):
    """Backtest several forecasters on the same origins, beside the standard baselines.

    Parameters
    ----------
    forecasters : dict of str -> forecaster, list of forecasters, or one forecaster
        The models to assess; a list names each by its class name.
    y : Series of shape (n_timesteps,) or DataFrame of shape (n_timesteps, n_series)
    X : DataFrame or array-like of shape (n_timesteps, n_covariates), default=None
        Known-ahead covariates, given to every model (baselines refuse covariates: pass None then).
    horizon : int >= 1
        Steps forecast from each origin.
    sp : int >= 1, default=1
        Seasonal period: of the MASE scale and of the seasonal baselines (12 for monthly data).
    baselines : bool or list of str, default=True
        True adds ``NaiveForecaster()``, ``SeasonalNaiveForecaster(sp)`` (when ``sp > 1``) and the automatic
        ``ARIMAForecaster(sp=sp)``; False adds none; a list adds those it names among ``"naive"``,
        ``"seasonal-naive"`` and ``"arima"`` (e.g. ``["naive", "seasonal-naive"]`` to leave out ARIMA's
        order search, the slow one). A baseline is not added when a model of its class name is already
        given. Models count as baselines (in the leaderboard's ``baseline`` column and as the reference of
        the significance tests) by ``seqforecast.baselines.is_baseline``, whoever added them.
    initial_window, step, window, window_length, refit, n_jobs, verbose : see :func:`~seqforecast.backtest`
        The default origins are those of ``backtest`` and of ``seqforecast benchmark``
        (:func:`~seqforecast.evaluation.splitters.default_origins` with this ``sp``): ``step = horizon``, a
        first training window of half the series (every series half its values, and at least ``sp + 1``),
        as many origins as fit, at most the 20 most recent. Airline (144 months, horizon 12, sp 12):
        ``initial_window=72``, 6 origins.
    coverage : float in (0, 1) or None, default=None
        Record prediction intervals of this coverage for the models that give them (``y_lower``/``y_upper``
        stay NaN for the others) and score them: :meth:`ComparisonResult.coverage_table` (empirical coverage,
        ACD, mean width, MSIS), a table beside the leaderboard in the reports, and shaded bands in the
        forecasts figure. A model without intervals is listed there as "no intervals", not left out; so are
        the baselines that give none: they are added as they are, never wrapped, so that their point
        forecasts (the reference of the leaderboard and the tests) are the plain ones. Of the baselines,
        automatic ARIMA gives intervals; the naive and seasonal naive ones do not. For intervals of a model
        that gives none, pass it wrapped, e.g. ``{"naive (conformal)": ConformalForecaster(NaiveForecaster(),
        horizon=horizon)}`` (it is then not counted as a baseline).

    Returns
    -------
    ComparisonResult

    Examples
    --------
    >>> from seqforecast import RecursiveForecaster, RNNRegressor, compare          # doctest: +SKIP
    >>> from seqforecast.datasets import load_airline                              # doctest: +SKIP
    >>> rnn = RecursiveForecaster(RNNRegressor(cell="gru", random_state=0), window_length=24)  # doctest: +SKIP
    >>> result = compare({"GRU": rnn}, load_airline(), horizon=12, sp=12)           # doctest: +SKIP
    >>> result.leaderboard()                                                       # doctest: +SKIP
    >>> result.save("report/")                                                     # doctest: +SKIP
    """
    started = time.perf_counter()
    models = _named_models(forecasters)
    sp = check_sp(sp, "compare")
    check_real(
        coverage,
        "coverage",
        "compare",
        low=0,
        high=1,
        closed="neither",
        allow_none=True,
        hint="It is the probability the intervals should hold, e.g. 0.9.",
    )
    check_n_jobs(n_jobs, "compare")
    for name, forecaster in _baseline_models(baselines, sp).items():
        models.setdefault(name, forecaster)
    if not models:
        raise ValueError("compare: no model to compare; pass forecasters, or baselines=True.")
    if not isinstance(y, (pd.Series, pd.DataFrame)):
        raise TypeError(
            f"compare: y must be a pandas Series (one series) or DataFrame (one column per series); got "
            f"{type(y).__name__}."
        )
    origins = _origin_bounds(
        y, horizon=horizon, step=step, initial_window=initial_window, window=window, window_length=window_length, sp=sp
    )  # bad settings fail before any fit
    frames, histories = [], {}
    for name, forecaster in models.items():
        wants_interval = coverage is not None and hasattr(forecaster, "_predict_interval")
        frame, history = _run_backtest(
            forecaster,
            y,
            X,
            horizon=horizon,
            initial_window=initial_window,
            step=step,
            window=window,
            window_length=window_length,
            refit=refit,
            n_jobs=n_jobs,
            verbose=verbose,
            coverage=coverage if wants_interval else None,
            name=name,
            sp=sp,
        )
        if coverage is not None and not wants_interval:
            frame.insert(7, "y_lower", np.nan)
            frame.insert(8, "y_upper", np.nan)
        frames.append(frame)
        if history:
            histories[name] = history
    settings = {
        "horizon": int(horizon),
        "sp": sp,
        "initial_window": int(origins[0, 1]),
        "origins": "default rule" if initial_window is None and window == "expanding" else "given",
        "step": int(horizon if step is None else step),
        "window": window,
        "window_length": window_length,
        "refit": refit,
        "coverage": coverage,
        "n_jobs": n_jobs,
        "baselines": baselines if isinstance(baselines, bool) else list(baselines),
        "wall_seconds": round(time.perf_counter() - started, 3),
    }
    return ComparisonResult(
        pd.concat(frames, ignore_index=True),
        y,
        origins=origins,
        sp=sp,
        settings=settings,
        baselines=[name for name, f in models.items() if is_baseline(f)],
        histories=histories,
        models=models,
    )
