"""Rolling-origin backtests: fit up to each origin, forecast the next steps, compare with the truth.

:func:`backtest` evaluates a forecaster the way it will be used: fit on the history up to an origin (the
*cutoff*), forecast the next ``horizon`` steps, move the origin, repeat; it returns a tidy frame of
forecasts and actuals that :mod:`seqforecast.reporting` turns into leaderboards and reports. The origins
are those of :class:`~seqforecast.evaluation.splitters.ExpandingWindowSplitter` (:func:`backtest_origins`).
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd
from sklearn.base import clone

from .._utils.time_index import check_time_index
from .._utils.validation import check_int, check_n_jobs, check_option, check_param, check_real, positive_int
from .splitters import ExpandingWindowSplitter, default_origins

__all__ = ["backtest", "backtest_origins"]


#: columns of the frame returned by :func:`backtest`, before the optional interval columns
BACKTEST_COLUMNS = ["model", "series", "cutoff", "timestamp", "horizon_step", "y_true", "y_pred"]
#: wall-clock columns (the only ones that differ between two runs of the same backtest)
TIMING_COLUMNS = ["fit_seconds", "predict_seconds"]


def _check_refit(refit, n_origins):
    """``refit`` as the number of origins per fit: True -> 1, False -> all of them, k -> k."""
    check_param(
        refit,
        "refit",
        ["boolean", positive_int()],
        "backtest",
        hint="True refits at every origin, False fits once on the first window, an int k every k origins.",
    )
    if isinstance(refit, (bool, np.bool_)):
        return 1 if refit else n_origins
    return int(refit)


def _check_windows(horizon, step, initial_window, window, window_length):
    """The origin parameters of :func:`backtest`, checked alone and together, as ints (or None)."""
    horizon = check_int(horizon, "horizon", "backtest")
    step = horizon if step is None else check_int(step, "step", "backtest")
    window = check_option(window, "window", ("expanding", "sliding"), "backtest")
    if window == "sliding":
        if window_length is None:
            raise ValueError(
                "backtest: window='sliding' needs window_length, the number of time steps each fit sees "
                "(e.g. window_length=48)."
            )
        window_length = check_int(window_length, "window_length", "backtest")
    elif window_length is not None:
        raise ValueError(
            f"backtest: window_length={window_length!r} applies only to window='sliding'; with an expanding "
            "window every fit sees all the history up to its cutoff. Drop window_length or set window='sliding'."
        )
    initial_window = check_int(initial_window, "initial_window", "backtest", allow_none=True)
    if initial_window is not None and window == "sliding" and initial_window < window_length:
        raise ValueError(
            f"backtest: initial_window={initial_window} is shorter than window_length={window_length}, so "
            "the first sliding windows would be shorter than the others; use initial_window >= "
            "window_length, or leave it None (then it is window_length)."
        )
    return horizon, step, initial_window, window, window_length


def backtest_origins(
    n_timesteps,
    *,
    horizon,
    step=None,
    initial_window=None,
    window="expanding",
    window_length=None,
    sp=1,
    first_observed=None,
):
    """Row bounds of every origin of a backtest, oldest first (see :func:`backtest` for the parameters).

    ``initial_window=None`` with an expanding window takes the origins of the default rule,
    :func:`~seqforecast.evaluation.splitters.default_origins` (with ``sp`` and ``first_observed``, the row
    of the first value of each series); ``step=None`` means ``horizon``.

    Returns
    -------
    bounds : ndarray of shape (n_origins, 4), dtype intp
        ``train_start, train_stop, test_start, test_stop`` (half-open): the fit at origin ``k`` sees rows
        ``train_start <= i < train_stop`` (its cutoff is row ``train_stop - 1``) and forecasts rows
        ``test_start <= i < test_stop == test_start + horizon``. The last origin's test window ends on the
        last row.
    """
    horizon, step, initial_window, window, window_length = _check_windows(
        horizon, step, initial_window, window, window_length
    )
    n_timesteps = check_int(n_timesteps, "n_timesteps", "backtest", minimum=0)
    first = window_length if initial_window is None else initial_window
    if first is None:  # expanding, no initial window: the default rule
        if n_timesteps <= horizon:
            raise ValueError(
                f"backtest needs at least {horizon + 1} time steps for one origin (1 training step + "
                f"horizon={horizon}); y has {n_timesteps}. Use a smaller horizon or a longer series."
            )
        first = default_origins(
            n_timesteps, horizon=horizon, sp=sp, step=step, first_observed=first_observed
        ).initial_window
    label = "initial_window" if initial_window is not None or window_length is None else "window_length"
    need = first + horizon
    if n_timesteps < need:
        raise ValueError(
            f"backtest needs at least {need} time steps for one origin ({label}={first} + horizon={horizon}); "
            f"y has {n_timesteps}. Use a smaller horizon or initial_window, or a longer series."
        )
    bounds = ExpandingWindowSplitter(test_size=horizon, step=step, initial_window=first).fold_bounds(n_timesteps)
    if window == "sliding":
        bounds[:, 0] = bounds[:, 1] - window_length
    return bounds


def _series_names(y):
    return ["y" if y.name is None else y.name] if isinstance(y, pd.Series) else list(y.columns)


def _first_observed(y):
    """Per series, the row of its first value (leading NaN for a later start); ``len(y)`` when it has none."""
    observed = ~y.isna().to_numpy()
    observed = observed[:, None] if observed.ndim == 1 else observed  # [n] or [n, S] -> [n, S]
    if not len(y):
        return np.zeros(observed.shape[1], dtype=np.intp)
    return np.where(observed.any(axis=0), observed.argmax(axis=0), len(y))


def _origin_bounds(y, *, horizon, step, initial_window, window, window_length, sp=1):
    """:func:`backtest_origins` for ``y``: the default origins leave every series half its values before the
    first cutoff; origins that leave a series (one starting later) without a value up to the first cutoff are
    refused, with the ``initial_window`` that would work."""
    horizon, step, initial_window, window, window_length = _check_windows(
        horizon, step, initial_window, window, window_length
    )
    first = _first_observed(y)
    names, n = _series_names(y), len(y)
    too_short = [(name, n - f) for name, f in zip(names, first) if n - f <= horizon]
    if too_short and n > horizon and (initial_window is None or initial_window + horizon <= n):
        listed = ", ".join(f"{name!r} ({m} values)" for name, m in too_short)
        raise ValueError(
            f"backtest: with horizon={horizon} every series needs more than {horizon} values (at least one "
            f"before the last origin); {len(too_short)} series have fewer: {listed}. Use a smaller horizon, or "
            "leave these series out of y."
        )
    bounds = backtest_origins(
        n,
        horizon=horizon,
        step=step,
        initial_window=initial_window,
        window=window,
        window_length=window_length,
        sp=sp,
        first_observed=first,
    )
    cutoff_row = int(bounds[0, 1]) - 1
    late = [(name, int(f)) for name, f in zip(names, first) if f > cutoff_row]
    if late:
        listed = ", ".join(f"{name!r} starts at row {f} ({y.index[f]!r}) with {n - f} values" for name, f in late)
        works = max(f for _, f in late) + 1
        fix = f"Use initial_window >= {works} (command line: --initial-window {works}) for at least one value of each"
        if window == "expanding":
            default = default_origins(n, horizon=horizon, sp=sp, step=step, first_observed=first).initial_window
            fix += (
                ", or leave initial_window None: the default origins give every series half its values before the "
                f"first cutoff (here initial_window={default})"
            )
        raise ValueError(
            f"backtest: {len(late)} series have no value up to the first origin's cutoff {y.index[cutoff_row]!r} "
            f"(row {cutoff_row}, initial_window={cutoff_row + 1}): {listed}. {fix}."
        )
    return bounds


def _training_history(fitted):
    """The training curve of a fitted forecaster (its ``training_history()``: a list of per-epoch dicts for a
    net), or None. Any object with ``fit`` and ``forecast`` can be backtested, so the method may be absent."""
    method = getattr(fitted, "training_history", None)
    history = method() if callable(method) else None
    return None if history is None else [dict(row) for row in history]


def _backtest_block(forecaster, origins, horizon, coverage, name):
    """Fit ``forecaster`` at the first origin of a block and forecast from every origin in it.

    ``origins`` holds, per origin, only what the fit may see (``y_train``, ``X_train``) and the known-ahead
    covariates of the forecast steps (``X_future``): the future of ``y`` never reaches this function.
    """
    fitted = clone(forecaster)
    results, history = [], None
    for i, (y_train, X_train, X_future) in enumerate(origins):
        forecasting = False  # the fit, then the forecast, at this origin
        try:
            fit_seconds = 0.0  # no fit at this origin (refit skipped it)
            if i == 0:
                start = time.perf_counter()
                fitted.fit(X_train, y_train)
                fit_seconds = time.perf_counter() - start
                history = _training_history(fitted)
            forecasting = True
            start = time.perf_counter()
            context = {} if i == 0 else {"y_context": y_train, "X_context": X_train}
            out = fitted.forecast(horizon, X=X_future, coverage=coverage, **context)
            predict_seconds = time.perf_counter() - start
        except NotImplementedError as exc:
            if i == 0 and forecasting and coverage is not None and "ConformalForecaster" not in str(exc):
                raise NotImplementedError(_interval_hint(exc, name, horizon, coverage)) from exc
            if i == 0:
                raise
            raise NotImplementedError(
                f"backtest forecasts from origins between refits with forecast(..., y_context=...), which "
                f"{name} ({type(forecaster).__name__}) cannot do ({exc}). Use refit=True."
            ) from None
        except Exception as exc:
            if hasattr(exc, "add_note"):  # Python 3.11+
                exc.add_note(
                    f"(raised by backtest at the origin with cutoff {y_train.index[-1]!r}, the "
                    f"{'fit' if i == 0 else 'forecast'} of {name})"
                )
            raise
        values = out.to_numpy(dtype=np.float64).reshape(horizon, -1)  # [H] or [H, C] -> [H, C]
        results.append((out.index, values, fit_seconds, predict_seconds))
    return results, history


def _interval_hint(exc, name, horizon, coverage):
    """The message of a forecaster that gives no prediction intervals, with the way out in a backtest."""
    return (
        f"{exc} backtest(..., coverage={coverage}) needs prediction intervals from {name}: wrap it in "
        f"ConformalForecaster(forecaster, horizon={horizon}) for intervals calibrated on its own forecast errors, "
        "or leave coverage None."
    )


def _check_inputs(forecaster, y, coverage, verbose, n_jobs):
    """What :func:`backtest` checks besides the origins: a forecaster, pandas ``y``, coverage, verbose, n_jobs."""
    if not (hasattr(forecaster, "fit") and hasattr(forecaster, "forecast")):
        raise TypeError(
            f"backtest needs a seqforecast forecaster (with fit(X, y) and forecast(steps, ...)); got "
            f"{type(forecaster).__name__}. Wrap a scikit-learn regressor, e.g. RecursiveForecaster(regressor)."
        )
    if not isinstance(y, (pd.Series, pd.DataFrame)):
        raise TypeError(
            f"backtest: y must be a pandas Series (one series) or DataFrame (one column per series); got "
            f"{type(y).__name__}. Wrap a numpy array as pd.Series(values)."
        )
    check_real(
        coverage,
        "coverage",
        "backtest",
        low=0,
        high=1,
        closed="neither",
        allow_none=True,
        hint="It is the probability the intervals should hold, e.g. 0.9.",
    )
    check_int(verbose, "verbose", "backtest", minimum=0)
    check_n_jobs(n_jobs, "backtest")


def _with_frequency(y):
    """``y`` with its time index's frequency resolved once (one FrequencyWarning at most), so that no fit
    re-infers it from a slice."""
    time_index = check_time_index(y.index, what="y")
    if time_index.kind == "datetime" and y.index.freq is None:
        y = y.copy()
        y.index = pd.DatetimeIndex(y.index, freq=time_index.freq)
    return y


def _aligned_covariates(X, y):
    """``X`` checked against ``y`` (one row per time step; a pandas ``X`` on ``y``'s index), relabelled with
    ``y``'s index (and so its resolved frequency)."""
    if X is None:
        return None
    if len(X) != len(y):
        raise ValueError(
            f"backtest: X has {len(X)} rows but y has {len(y)}; the covariates need one row per time step of y."
        )
    if isinstance(X, (pd.DataFrame, pd.Series)):
        if not X.index.equals(y.index):
            raise ValueError(
                f"backtest: X must have exactly y's index (same labels, same order); X starts at "
                f"{X.index[:1].tolist()} and y at {y.index[:1].tolist()}. Build X on y.index."
            )
        return X.set_axis(y.index, axis=0)
    return np.asarray(X)


def _origin_data(y, X, bounds):
    """Per origin ``(y_train, X_train, X_future)``: the training rows of ``y`` and ``X`` and the covariate
    rows of the forecast steps (None without covariates)."""

    def rows(a, b):
        if X is None:
            return None
        return X.iloc[a:b] if isinstance(X, (pd.DataFrame, pd.Series)) else X[a:b]

    return [(y.iloc[a:b], rows(a, b), rows(c, d)) for a, b, c, d in bounds]


def _run_blocks(forecaster, blocks, *, horizon, coverage, name, n_jobs, verbose):
    """Run :func:`_backtest_block` on every block through joblib, with a tqdm bar over the fits."""
    from joblib import Parallel, delayed
    from tqdm.auto import tqdm

    tasks = (delayed(_backtest_block)(forecaster, block, horizon, coverage, name) for block in blocks)
    outputs = []
    with tqdm(total=len(blocks), desc=f"backtest {name}", unit="fit", disable=not verbose, file=sys.stderr) as bar:
        for output in Parallel(n_jobs=n_jobs, return_as="generator")(tasks):
            outputs.append(output)
            bar.update(1)
    return outputs


def _run_backtest(
    forecaster,
    y,
    X=None,
    *,
    horizon,
    initial_window=None,
    step=None,
    window="expanding",
    window_length=None,
    refit=True,
    n_jobs=None,
    verbose=0,
    coverage=None,
    name=None,
    sp=1,
):
    """:func:`backtest`, also returning the training curves ``{cutoff: history}`` of the fits of nets (``sp``
    enters the default origins)."""
    _check_inputs(forecaster, y, coverage, verbose, n_jobs)
    name = type(forecaster).__name__ if name is None else name
    bounds = _origin_bounds(
        y,
        horizon=horizon,
        step=step,
        initial_window=initial_window,
        window=window,
        window_length=window_length,
        sp=sp,
    )
    per_fit = _check_refit(refit, len(bounds))
    horizon = int(horizon)
    y = _with_frequency(y)
    origins = _origin_data(y, _aligned_covariates(X, y), bounds)
    blocks = [origins[k : k + per_fit] for k in range(0, len(origins), per_fit)]
    outputs = _run_blocks(
        forecaster, blocks, horizon=horizon, coverage=coverage, name=name, n_jobs=n_jobs, verbose=verbose
    )
    per_origin = [result for block_results, _ in outputs for result in block_results]
    cutoffs = y.index[bounds[:, 1] - 1]
    histories = {cutoffs[k * per_fit]: history for k, (_, history) in enumerate(outputs) if history is not None}
    frame = _tidy_frame(y, bounds, cutoffs, per_origin, name=name, horizon=horizon, coverage=coverage)
    return frame, histories


def _tidy_frame(y, bounds, cutoffs, per_origin, *, name, horizon, coverage):
    """Stack the per-origin forecasts into the long frame (origin, then series, then step)."""
    Y = y.to_numpy(dtype=np.float64).reshape(len(y), -1)  # [n] -> [n, S]
    series = _series_names(y)
    n_series, n_origins = len(series), len(bounds)
    point, lower, upper, true, positions, fit_s, predict_s = [], [], [], [], [], [], []
    for (index, values, fit_seconds, predict_seconds), (_, _, c, d) in zip(per_origin, bounds):
        expected = y.index[c:d]
        if not index.equals(expected):  # a forecaster bug, not a user error
            raise RuntimeError(
                f"backtest: the forecast from cutoff {y.index[c - 1]!r} is on index {list(index[:3])}..., "
                f"expected {list(expected[:3])}...."
            )
        point.append(values[:, :n_series].T)  # [H, S] -> [S, H]
        if coverage is not None:
            # forecast(..., coverage) columns: S point forecasts, then (lower, upper) per series
            lower.append(values[:, n_series::2].T)
            upper.append(values[:, n_series + 1 :: 2].T)
        true.append(Y[c:d].T)  # [H, S] -> [S, H]
        positions.append(np.tile(np.arange(c, d), n_series))
        fit_s.append(fit_seconds)
        predict_s.append(predict_seconds)
    per_row = n_series * horizon
    data = {
        "model": np.repeat(np.array([name], dtype=object), n_origins * per_row),
        "series": np.tile(np.repeat(np.array(series, dtype=object), horizon), n_origins),
        "cutoff": cutoffs.repeat(per_row),
        "timestamp": y.index[np.concatenate(positions)],
        "horizon_step": np.tile(np.arange(1, horizon + 1), n_origins * n_series),
        "y_true": np.concatenate(true).ravel(),
        "y_pred": np.concatenate(point).ravel(),
    }
    if coverage is not None:
        data["y_lower"] = np.concatenate(lower).ravel()
        data["y_upper"] = np.concatenate(upper).ravel()
    data["fit_seconds"] = np.repeat(fit_s, per_row)
    data["predict_seconds"] = np.repeat(predict_s, per_row)
    return pd.DataFrame(data)


def backtest(
    forecaster,
    y,
    X=None,
    *,
    horizon,
    initial_window=None,
    step=None,
    window="expanding",
    window_length=None,
    refit=True,
    n_jobs=None,
    verbose=0,
    coverage=None,
    name=None,
):
    """Rolling-origin evaluation: fit up to each origin, forecast ``horizon`` steps, compare with the truth.

    The origins go back from the end of ``y`` by ``step`` time steps, so the last forecast window ends on the
    last observation; the fit at an origin sees only the history up to its cutoff (its last training step)::

        n=12, horizon=3, step=2, initial_window=5, window="expanding"

        row       0 1 2 3 4 5 6 7 8 9 10 11
        origin 0  t t t t t F F F . .  .  .     cutoff row 4 (the first window has >= 5 rows)
        origin 1  t t t t t t t F F F  .  .     cutoff row 6
        origin 2  t t t t t t t t t F  F  F     cutoff row 8: the last window ends on the last row

        t: seen by the fit    F: forecast and scored    .: unused by that origin

    With ``window="sliding"`` each fit sees only the last ``window_length`` rows of its ``t``s.
    :func:`backtest_origins` gives these bounds without running anything.

    Parameters
    ----------
    forecaster : seqforecast forecaster
        Cloned (unfitted) for every fit; never modified.
    y : Series of shape (n_timesteps,) or DataFrame of shape (n_timesteps, n_series)
        The series; several columns give one global model over all of them (leading NaN for a series
        that starts later), as in the forecaster's ``fit``.
    X : DataFrame or array-like of shape (n_timesteps, n_covariates), default=None
        Known-ahead covariates on ``y``'s index. The fit at an origin gets the rows up to its cutoff; its
        forecast gets the rows of the forecast steps (they are known ahead by definition).
    horizon : int >= 1
        Steps forecast from every origin.
    initial_window : int >= 1 or None, default=None
        Fewest time steps in the first training window; then as many origins as fit. None: with a sliding
        window ``window_length``; with an expanding one the default rule
        (:func:`~seqforecast.evaluation.splitters.default_origins`, the same for :func:`compare` and the
        command line): every series has at least half its values (and ``sp + 1``; ``sp=1`` here) before
        the first cutoff, counted from its first value when it starts later, and at most the 20 most
        recent origins. Origins that leave a series without any value up to the first cutoff are refused,
        with the ``initial_window`` that would work.
    step : int >= 1 or None, default=None
        Time steps between consecutive origins; None means ``horizon`` (forecast windows tile the end of
        the series without overlap). ``step=1`` is the classic rolling origin.
    window : {"expanding", "sliding"}, default="expanding"
        ``"expanding"``: every fit sees the whole history up to its cutoff. ``"sliding"``: only the last
        ``window_length`` steps of it. The origins are the same for both.
    window_length : int >= 1 or None, default=None
        Training window of ``window="sliding"`` (required there, refused with an expanding window).
    refit : bool or int >= 1, default=True
        True: fit at every origin. An int ``k``: fit at every ``k``-th origin and forecast from the origins
        in between with ``forecast(horizon, y_context=<history up to that cutoff>)``, without refitting
        (the model keeps the parameters of its last fit; the history it forecasts from is new). False: fit
        once at the first origin, then forecast from every later one that way. Models that cannot forecast
        from a new context (ETS, Theta) need ``refit=True``.
    n_jobs : int other than 0, or None, default=None
        Fits run in parallel through joblib, one task per fit (with ``refit=k``, one per ``k`` origins):
        ``n_jobs`` at once, every CPU for -1, every CPU but one for -2 (joblib's convention; 0 is refused).
        None means 1 unless inside a ``joblib.parallel_config`` / ``parallel_backend`` context: under
        ``parallel_backend("dask")`` (or Ray's) the fits spread over a cluster. The result does not depend
        on ``n_jobs`` or the backend, provided every fit is deterministic (give nets a ``random_state``).
    verbose : int, default=0
        > 0 shows a tqdm progress bar over the fits on stderr.
    coverage : float in (0, 1) or None, default=None
        Also record prediction intervals of this coverage (columns ``y_lower``, ``y_upper``, after
        ``y_pred``). The forecaster must give them (ARIMA, ETS, ``ConformalForecaster``): one that gives none
        raises its ``NotImplementedError``, which says to wrap it in ``ConformalForecaster(forecaster,
        horizon=horizon)``. None: no interval columns, and no interval is computed.
    name : str or None, default=None
        The ``model`` column; None means the forecaster's class name.

    Returns
    -------
    results : DataFrame of shape (n_origins * n_series * horizon, 9 or 11)
        One row per origin, series and step (in that order), with columns

        * ``model``: ``name``;
        * ``series``: ``y``'s column name, or for a Series its name (``"y"`` when it has none);
        * ``cutoff``: the label of the last training time step of the origin;
        * ``timestamp``: the label of the forecast time step;
        * ``horizon_step``: 1 .. ``horizon``, steps after the cutoff;
        * ``y_true``, ``y_pred`` (and ``y_lower``, ``y_upper`` with ``coverage``);
        * ``fit_seconds``, ``predict_seconds``: wall-clock seconds of the fit at the origin (0.0 where
          ``refit`` skipped it) and of its forecast, repeated on each of the origin's rows. Per-origin values
          are ``results.groupby(["model", "cutoff"])[TIMING_COLUMNS].first()``. They are the only columns
          that differ between two runs.

    Raises
    ------
    ValueError
        For ``horizon <= 0`` and other bad parameters, and when ``y`` is too short for the origins asked
        (the message gives the minimum number of time steps). An error inside a fit or forecast is raised
        as is, with a note naming the origin.

    Examples
    --------
    >>> import pandas as pd
    >>> from seqforecast.baselines import NaiveForecaster
    >>> y = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    >>> bt = backtest(NaiveForecaster(), y, horizon=2, initial_window=2)
    >>> bt[["cutoff", "timestamp", "horizon_step", "y_true", "y_pred"]]
       cutoff  timestamp  horizon_step  y_true  y_pred
    0       1          2             1     3.0     2.0
    1       1          3             2     4.0     2.0
    2       3          4             1     5.0     4.0
    3       3          5             2     6.0     4.0
    """
    frame, _ = _run_backtest(
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
        coverage=coverage,
        name=name,
    )
    return frame
