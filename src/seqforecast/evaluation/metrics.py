"""Forecast accuracy metrics (MAE, RMSE, MAPE, sMAPE, MASE, RMSSE, M4's OWA) and scorers for sklearn's search.

Conventions shared by every metric
----------------------------------
* ``y_true`` and ``y_pred`` are 1-D, one series over the horizon, or 2-D of shape ``(horizon, n_series)``,
  one column per series (rows are time steps, as everywhere in seqforecast). Numpy arrays, lists, pandas
  Series and DataFrames are accepted. When both are pandas objects their index (and columns) must be equal:
  nothing is realigned.
* With several series the metric is computed **per series, then averaged over the series** (the M4 way:
  sMAPE and MASE are means over series of per-series means over the horizon).
  ``multioutput="raw_values"`` returns the per-series values instead.
* Errors are losses (lower is better); the scorers negate them for scikit-learn's "greater is better".
* NaN or infinite values, empty input and mismatched shapes raise ``ValueError``; nothing is imputed.
* Values near the float limits do not overflow on the way: each series is scored in units of a power of two
  near its largest magnitude (an exact rescaling, so ordinary values give the same bits as the plain
  formula), and only a result that is itself beyond the float range raises ``OverflowError``: ``mae([1e308],
  [-1e308])`` is 2e308, which no float holds; ``smape`` and ``mase`` of the same values are 200 and a ratio.

Scaled errors (MASE, RMSSE) divide by an in-sample error of the seasonal naive forecast on ``y_train``:
one 1-D series, a list of 1-D series (lengths may differ), or a 2-D array / DataFrame of shape
``(n_timesteps, n_series)`` in which a series that starts later has leading NaN.
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd
from sklearn.metrics import make_scorer

from .._utils.finite import check_finite
from .._utils.validation import check_option, check_sp
from ._float_range import (
    FLOAT_MAX,
    RESCALE,
    check_representable,
    errors_in_units,
    exponents_of,
    mean_of_terms,
    rms,
    scaled_down,
    times_power_of_two,
)

__all__ = [
    "mae",
    "rmse",
    "mape",
    "smape",
    "mase",
    "rmsse",
    "owa",
    "m4_scores",
    "make_forecast_scorer",
    "scores_per_series",
]

_MULTIOUTPUT = ("uniform_average", "raw_values")


# --------------------------------------------------------------------------------------------------------------
# input handling
# --------------------------------------------------------------------------------------------------------------
def _to_float_array(values, name: str, func: str) -> np.ndarray:
    """Convert ``values`` to a float ndarray, turning conversion failures into a TypeError that says why.

    Booleans and text are refused rather than read as 0/1 or parsed: a metric scores numeric forecasts.
    """
    data = values.to_numpy() if isinstance(values, (pd.Series, pd.DataFrame)) else values
    what = type(values).__name__
    try:
        raw = np.asarray(data)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{func}: {name} must hold numbers; got {what} that cannot be converted to float ({exc})."
        ) from None
    if raw.dtype.kind == "b":
        raise TypeError(
            f"{func}: {name} must hold numbers; got {what} of booleans (dtype bool). Convert it with "
            ".astype(float) if 0/1 values are meant."
        )
    kind = raw.dtype.kind
    odd = (str, bytes, bool, np.bool_)
    text = next((v for v in raw.ravel() if isinstance(v, odd)), None) if kind in "USO" else None
    if text is not None:
        kind_of = "booleans" if isinstance(text, (bool, np.bool_)) else "text"
        raise TypeError(
            f"{func}: {name} must hold numbers; got {what} holding {kind_of} (e.g. {str(text)!r}), which metrics "
            "do not parse. Convert it first, e.g. with pd.to_numeric(..., errors='raise')."
        )
    try:
        return raw.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"{func}: {name} must hold numbers; got {what} that cannot be converted to float ({exc})."
        ) from None


def _check_finite(arr: np.ndarray, name: str, func: str) -> None:
    check_finite(arr, name, owner=func, fix="Metrics do not skip or impute values: drop or fill them before scoring.")


def _as_horizon_array(values, name: str, func: str) -> np.ndarray:
    """Return ``values`` as a finite 2-D array of shape (horizon, n_series)."""
    arr = _to_float_array(values, name, func)
    if arr.ndim not in (1, 2):
        raise ValueError(
            f"{func}: {name} must be 1-D of shape (horizon,) or 2-D of shape (horizon, n_series); got "
            f"{arr.ndim}-D with shape {arr.shape}."
        )
    if arr.size == 0:
        raise ValueError(f"{func}: {name} is empty (shape {arr.shape}); there is nothing to score.")
    _check_finite(arr, name, func)
    return arr.reshape(arr.shape[0], -1)  # [H] -> [H, 1]; [H, S] unchanged


def _check_same_labels(y_true, y_pred, func: str) -> None:
    """Refuse two pandas objects whose index or columns differ: comparing them would be misaligned."""
    pandas_types = (pd.Series, pd.DataFrame)
    if not (isinstance(y_true, pandas_types) and isinstance(y_pred, pandas_types)):
        return
    for attr in ("index", "columns"):
        a, b = getattr(y_true, attr, None), getattr(y_pred, attr, None)
        if a is not None and b is not None and not a.equals(b):
            raise ValueError(
                f"{func}: y_true and y_pred are pandas objects with different {attr} "
                f"({list(a[:3])}... vs {list(b[:3])}...); metrics compare values position by position and do "
                f"not realign. Reindex one onto the other (e.g. y_pred.reindex_like(y_true)) or pass arrays."
            )


def _prepare(y_true, y_pred, func: str) -> tuple[np.ndarray, np.ndarray]:
    """Validate a pair of forecasts and actuals; return both as float arrays of shape (horizon, n_series)."""
    _check_same_labels(y_true, y_pred, func)
    true = _to_float_array(y_true, "y_true", func)
    pred = _to_float_array(y_pred, "y_pred", func)
    if true.shape != pred.shape:
        raise ValueError(
            f"{func}: y_true and y_pred must have the same shape, (horizon,) or (horizon, n_series); got "
            f"y_true {true.shape} and y_pred {pred.shape}."
        )
    return _as_horizon_array(true, "y_true", func), _as_horizon_array(pred, "y_pred", func)


def _check_multioutput(multioutput, func: str) -> None:
    check_option(multioutput, "multioutput", _MULTIOUTPUT, func)


def _aggregate(per_series: np.ndarray, multioutput: str):
    """Per-series values -> their mean (a float) or the array itself.

    The mean is taken in units of a power of two near the largest value, so that the sum of values near the
    float limit does not overflow (the mean of representable values is representable).
    """
    if multioutput == "raw_values":
        return per_series
    exponent = exponents_of(per_series.reshape(-1, 1))
    return float(np.ldexp(scaled_down(per_series, exponent).mean(), exponent[0]))


def _series_labels(n_series: int, *frames) -> list[str]:
    """Human names of the series for messages: DataFrame column labels when there are some, else positions."""
    for frame in frames:
        if isinstance(frame, pd.DataFrame) and frame.shape[1] == n_series:
            return [f"{label!r} (column {i})" for i, label in enumerate(frame.columns)]
    if n_series == 1:
        return ["0 (the only series)"]
    return [f"at column {i}" for i in range(n_series)]


def _training_series(y_train, n_series: int, func: str) -> list[np.ndarray]:
    """Split ``y_train`` into ``n_series`` complete 1-D arrays (leading NaN of a 2-D input removed)."""
    if isinstance(y_train, (list, tuple)):
        series = [_to_float_array(s, f"y_train[{i}]", func) for i, s in enumerate(y_train)]
        for i, s in enumerate(series):
            if s.ndim != 1:
                raise ValueError(f"{func}: y_train as a list must hold 1-D series; y_train[{i}] has shape {s.shape}.")
            _check_finite(s, f"y_train[{i}]", func)
    else:
        arr = _to_float_array(y_train, "y_train", func)
        if arr.ndim == 1:
            _check_finite(arr, "y_train", func)
            series = [arr]
        elif arr.ndim == 2:
            series = []
            for j in range(arr.shape[1]):
                col = arr[:, j]
                observed = np.flatnonzero(~np.isnan(col))
                start = observed[0] if observed.size else col.shape[0]
                # leading NaN mark a series that starts later; anything non-finite after its start is an error
                _check_finite(col[start:], f"y_train column {j} (after its {start} leading NaN)", func)
                series.append(col[start:])
        else:
            raise ValueError(
                f"{func}: y_train must be 1-D (one series), 2-D of shape (n_timesteps, n_series) or a list of "
                f"1-D series; got {arr.ndim}-D with shape {arr.shape}."
            )
    if len(series) != n_series:
        raise ValueError(
            f"{func}: y_train holds {len(series)} series but y_true has {n_series} (its columns); pass one "
            "training series per column of y_true."
        )
    return series


def _naive_scale(series: np.ndarray, sp: int, *, squared: bool) -> float:
    """In-sample mean absolute (or root mean squared) error of the lag-``sp`` naive forecast of ``series``."""
    diffs = series[sp:] - series[:-sp]
    return float(rms(diffs)) if squared else float(np.mean(np.abs(diffs)))


def _scales(
    y_train, n_series: int, sp, func: str, *, squared: bool, labels: list[str], undefined: str = "raise"
) -> tuple[np.ndarray, np.ndarray]:
    """The scale of each series, :func:`_naive_scale` of its training series, as ``(scales, exponents)``:
    the scale of series ``j`` is ``scales[j] * 2**exponents[j]``, computed on the series divided by the power of
    two near its largest magnitude (so that its differences cannot overflow).

    ``undefined="raise"`` refuses a training series of at most ``sp`` values and a zero scale, naming the
    series; ``undefined="keep"`` returns NaN for the first and 0.0 for the second (the caller decides).
    """
    sp = check_sp(sp, func, what="the seasonal period of the scale")
    series = _training_series(y_train, n_series, func)
    scales = np.empty(n_series)
    exponents = np.zeros(n_series, dtype=int)
    for j, s in enumerate(series):
        if s.shape[0] <= sp:
            if undefined == "keep":
                scales[j] = np.nan
                continue
            raise ValueError(
                f"{func}: the training series {labels[j]} has {s.shape[0]} value(s); the scale at lag sp={sp} "
                f"needs at least sp + 1 = {sp + 1}. Pass a longer training series, or a smaller sp."
            )
        exponents[j] = exponents_of(s.reshape(-1, 1))[0]
        scales[j] = _naive_scale(scaled_down(s, exponents[j]), sp, squared=squared)
        if scales[j] == 0 and undefined == "raise":
            raise ValueError(
                f"{func}: the scale of series {labels[j]} is zero: its training values repeat exactly at lag "
                f"sp={sp} (e.g. a constant series), so a scaled error would divide by zero. Score that series "
                "with a scale-free metric (mae, smape) or leave it out of the scaled score."
            )
    return scales, exponents


def _scaled_ratio(errors, exponents, scales, scale_exponents, func, labels, sp):
    """Per series ``error / scale`` from both in units of powers of two (MASE, RMSSE): NaN where the scale is 0
    or NaN, ``OverflowError`` where the ratio is beyond the float range."""
    ratio = np.divide(errors, scales, out=np.full(scales.shape, np.nan), where=scales > 0)
    shift = exponents - scale_exponents
    values = times_power_of_two(ratio, shift)
    check_representable(
        values,
        ratio,
        shift,
        func,
        func.upper() if func != "scores_per_series" else "MASE",
        labels,
        f"Its scale (the in-sample error of the seasonal naive forecast at lag sp={sp}) is tiny against the "
        "forecast errors; score that series with a scale-free metric (mae, smape).",
    )
    return values


# --------------------------------------------------------------------------------------------------------------
# metrics
# --------------------------------------------------------------------------------------------------------------
def mae(y_true, y_pred, *, multioutput: str = "uniform_average"):
    """Mean absolute error, per series then averaged over series.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (horizon,) or (horizon, n_series)
    multioutput : {"uniform_average", "raw_values"}, default="uniform_average"
        Return the mean over series (a float) or the per-series values, ndarray of shape (n_series,).

    Raises
    ------
    OverflowError
        When the MAE of a series is beyond the float range (``mae([1e308], [-1e308])`` is 2e308).
    """
    _check_multioutput(multioutput, "mae")
    true, pred = _prepare(y_true, y_pred, "mae")
    errors, exponents = errors_in_units(true, pred)
    in_units = np.mean(np.abs(errors), axis=0)
    values = times_power_of_two(in_units, exponents)
    labels = _series_labels(true.shape[1], y_true, y_pred)
    check_representable(values, in_units, exponents, "mae", "mean absolute error", labels, RESCALE)
    return _aggregate(values, multioutput)


def rmse(y_true, y_pred, *, multioutput: str = "uniform_average"):
    """Root mean squared error, per series (root of the mean over the horizon) then averaged over series.

    Parameters are those of :func:`mae`; ``OverflowError`` as there.
    """
    _check_multioutput(multioutput, "rmse")
    true, pred = _prepare(y_true, y_pred, "rmse")
    errors, exponents = errors_in_units(true, pred)
    in_units = rms(errors)
    values = times_power_of_two(in_units, exponents)
    labels = _series_labels(true.shape[1], y_true, y_pred)
    check_representable(values, in_units, exponents, "rmse", "root mean squared error", labels, RESCALE)
    return _aggregate(values, multioutput)


def mape(y_true, y_pred, *, multioutput: str = "uniform_average"):
    """Mean absolute percentage error in percent: mean of ``100 * |y - y_hat| / |y|``.

    Undefined where ``y_true`` is 0: raises ``ValueError`` then (use :func:`smape` or :func:`mase`); a term
    beyond the float range (an actual value tiny against its error) raises ``OverflowError``.
    Other parameters are those of :func:`mae`.
    """
    _check_multioutput(multioutput, "mape")
    true, pred = _prepare(y_true, y_pred, "mape")
    zeros = true == 0
    if zeros.any():
        first = tuple(int(i) for i in np.argwhere(zeros)[0])
        raise ValueError(
            f"mape: y_true has {int(zeros.sum())} zero value(s) (first at (step, series) {first}); MAPE divides "
            "by the actual value and is undefined there. Use smape or mase for series that reach zero."
        )
    errors, exponents = errors_in_units(true, pred)
    with np.errstate(over="ignore"):
        terms = 100.0 * (np.abs(errors) / np.abs(scaled_down(true, exponents)))
    if np.isinf(terms).any():
        first = tuple(int(i) for i in np.argwhere(np.isinf(terms))[0])
        raise OverflowError(
            f"mape: the percentage error at (step, series) {first} is beyond the largest float ({FLOAT_MAX:.3g}): "
            f"y_true there is {float(true[first])!r} against y_pred {float(pred[first])!r}. MAPE divides by the actual value, "
            "too close to zero for this error; use smape or mase."
        )
    return _aggregate(mean_of_terms(terms), multioutput)


def smape(y_true, y_pred, *, multioutput: str = "uniform_average"):
    """Symmetric MAPE in percent, as M4: mean over the horizon of ``200 * |y - y_hat| / (|y| + |y_hat|)``.

    Each term lies in [0, 200]. A term where ``y`` and ``y_hat`` are both 0 is 0/0; it is defined as 0 here
    (the forecast is exact). M4's data are strictly positive, so the case never arises in the competition.
    Other parameters are those of :func:`mae`.
    """
    _check_multioutput(multioutput, "smape")
    true, pred = _prepare(y_true, y_pred, "smape")
    errors, exponents = errors_in_units(true, pred)  # the ratio is unit-free: computed in units, nothing overflows
    num = 200.0 * np.abs(errors)
    den = np.abs(scaled_down(true, exponents)) + np.abs(scaled_down(pred, exponents))
    # den == 0 only where both are 0, and then num == 0 too: an exact forecast, term 0 (not NaN)
    terms = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
    return _aggregate(terms.mean(axis=0), multioutput)


def mase(y_true, y_pred, *, y_train, sp: int = 1, multioutput: str = "uniform_average"):
    """Mean absolute scaled error (Hyndman & Koehler 2006), as M4.

    Per series: ``mean(|y - y_hat|) / mean(|x_t - x_{t-sp}|)``, the scale taken over the training series
    ``x`` (the in-sample MAE of the seasonal naive forecast), then the mean over series.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (horizon,) or (horizon, n_series)
    y_train : array-like of shape (n_timesteps,) or (n_timesteps, n_series), or list of n_series 1-D arrays
        The training series, one per column of ``y_true``; in a 2-D input, leading NaN mark a series that
        starts later. Each needs at least ``sp + 1`` values.
    sp : int, default=1
        Seasonal period of the scale (M4: 24 Hourly, 12 Monthly, 4 Quarterly, 1 Yearly/Weekly/Daily).
    multioutput : {"uniform_average", "raw_values"}, default="uniform_average"

    Raises
    ------
    ValueError
        If a training series has a zero scale (it repeats exactly at lag ``sp``), naming the series.
    OverflowError
        If the MASE of a series is beyond the float range (a scale tiny against the errors). Errors and scales
        beyond it are fine: both are computed in units of a power of two, so ``mase([1e308], [-1e308],
        y_train=[1e308, -1e308])`` is 1.0.
    """
    _check_multioutput(multioutput, "mase")
    true, pred = _prepare(y_true, y_pred, "mase")
    labels = _series_labels(true.shape[1], y_true, y_pred, y_train)
    scales, scale_exponents = _scales(y_train, true.shape[1], sp, "mase", squared=False, labels=labels)
    errors, exponents = errors_in_units(true, pred)
    in_units = np.mean(np.abs(errors), axis=0)
    return _aggregate(_scaled_ratio(in_units, exponents, scales, scale_exponents, "mase", labels, sp), multioutput)


def rmsse(y_true, y_pred, *, y_train, sp: int = 1, multioutput: str = "uniform_average"):
    """Root mean squared scaled error (the M5 competition's accuracy measure).

    Per series: ``sqrt(mean((y - y_hat)**2) / mean((x_t - x_{t-sp})**2))`` over the training series ``x``,
    then the mean over series (unweighted; M5 weighted series by sales). Parameters are those of :func:`mase`.
    """
    _check_multioutput(multioutput, "rmsse")
    true, pred = _prepare(y_true, y_pred, "rmsse")
    labels = _series_labels(true.shape[1], y_true, y_pred, y_train)
    scales, scale_exponents = _scales(y_train, true.shape[1], sp, "rmsse", squared=True, labels=labels)
    errors, exponents = errors_in_units(true, pred)
    values = _scaled_ratio(rms(errors), exponents, scales, scale_exponents, "rmsse", labels, sp)
    return _aggregate(values, multioutput)


def scores_per_series(y_true, y_pred, *, y_train, sp: int = 1) -> dict:
    """MASE, sMAPE, MAE and RMSE of each series of one forecast: one row of a comparison report per series.

    The values are those of ``mase``, ``smape``, ``mae`` and ``rmse`` with ``multioutput="raw_values"``,
    except where the MASE scale of a series is undefined: :func:`mase` raises there, this gives NaN, so a
    report still scores the other series and the scale-free metrics of that one.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (horizon,) or (horizon, n_series)
    y_train : array-like of shape (n_timesteps,) or (n_timesteps, n_series), or list of n_series 1-D arrays
        As in :func:`mase`.
    sp : int, default=1

    Returns
    -------
    scores : dict of str -> ndarray of shape (n_series,)
        ``mase, smape, mae, rmse``, and ``scale``: the MASE scale, NaN for a training series of at most
        ``sp`` values and 0.0 for one that repeats exactly at lag ``sp`` (a constant series); the MASE is NaN
        for both.

    Raises
    ------
    OverflowError
        When one of these values is beyond the float range (the scale included, which a report divides by).
    """
    func = "scores_per_series"
    true, pred = _prepare(y_true, y_pred, func)
    labels = _series_labels(true.shape[1], y_true, y_pred, y_train)
    scales, scale_exponents = _scales(y_train, true.shape[1], sp, func, squared=False, labels=labels, undefined="keep")
    errors, exponents = errors_in_units(true, pred)
    out = {}
    for name, what, in_units, shift in (
        ("scale", "MASE scale", scales, scale_exponents),
        ("mae", "mean absolute error", np.mean(np.abs(errors), axis=0), exponents),
        ("rmse", "root mean squared error", rms(errors), exponents),
    ):
        out[name] = times_power_of_two(in_units, shift)
        check_representable(out[name], in_units, shift, func, what, labels, RESCALE)
    mae_in_units = np.mean(np.abs(errors), axis=0)
    return {
        "mase": _scaled_ratio(mae_in_units, exponents, scales, scale_exponents, func, labels, sp),
        "smape": smape(true, pred, multioutput="raw_values"),
        "mae": out["mae"],
        "rmse": out["rmse"],
        "scale": out["scale"],
    }


def owa(smape: float, mase: float, smape_naive2: float, mase_naive2: float) -> float:
    """M4's overall weighted average: ``0.5 * (smape / smape_naive2 + mase / mase_naive2)``.

    As in M4, it is computed **once on the totals** (the sMAPE and MASE already averaged over all series of
    a frequency or of the whole competition), not per series and then averaged. OWA < 1 beats Naive2.
    The published M4 tables computed it from totals already rounded to 3 decimals: Hourly seasonal naive
    has OWA 0.62745 there (``owa(13.912, 1.193, 18.383, 2.395)``) against 0.62750 from unrounded totals.

    Parameters
    ----------
    smape, mase : float
        The method's mean sMAPE and MASE over the series.
    smape_naive2, mase_naive2 : float
        Naive2's on the same series (must be > 0).
    """
    values = {"smape": smape, "mase": mase, "smape_naive2": smape_naive2, "mase_naive2": mase_naive2}
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value) or value < 0:
            raise ValueError(f"owa: {name} must be a finite number >= 0 (a mean error); got {value!r}.")
    for name in ("smape_naive2", "mase_naive2"):
        if values[name] == 0:
            raise ValueError(f"owa: {name} is 0, so the relative error is undefined; OWA needs Naive2 errors > 0.")
    return 0.5 * (smape / smape_naive2 + mase / mase_naive2)


def m4_scores(y_true, y_pred, *, y_train, sp: int = 1, y_pred_naive2=None) -> dict:
    """Score many series at once the M4 way: mean sMAPE, mean MASE, and OWA against Naive2.

    Parameters
    ----------
    y_true, y_pred : array-like of shape (horizon,) or (horizon, n_series)
    y_train : array-like of shape (n_timesteps,) or (n_timesteps, n_series), or list of n_series 1-D arrays
        As in :func:`mase`.
    sp : int, default=1
        Seasonal period, used both for the MASE scale and for Naive2's seasonal adjustment (as M4 does).
    y_pred_naive2 : array-like of shape (horizon,) or (horizon, n_series), default=None
        Naive2's forecasts; computed from ``y_train`` with
        :func:`seqforecast.baselines._kernels.naive2_forecast` when ``None``.

    Returns
    -------
    scores : dict
        ``{"smape", "mase", "owa", "smape_naive2", "mase_naive2", "n_series"}``.
    """
    true, _ = _prepare(y_true, y_pred, "m4_scores")
    if y_pred_naive2 is None:
        from ..baselines._kernels import naive2_forecast

        train = _training_series(y_train, true.shape[1], "m4_scores")
        # [n_series][H] -> [H, n_series]
        y_pred_naive2 = np.column_stack([naive2_forecast(s, true.shape[0], sp) for s in train])
        if np.ndim(y_true) == 1:
            y_pred_naive2 = y_pred_naive2[:, 0]
        elif isinstance(y_true, pd.DataFrame):
            y_pred_naive2 = pd.DataFrame(y_pred_naive2, index=y_true.index, columns=y_true.columns)
    scores = {
        "smape": smape(y_true, y_pred),
        "mase": mase(y_true, y_pred, y_train=y_train, sp=sp),
        "smape_naive2": smape(y_true, y_pred_naive2),
        "mase_naive2": mase(y_true, y_pred_naive2, y_train=y_train, sp=sp),
    }
    scores["owa"] = owa(scores["smape"], scores["mase"], scores["smape_naive2"], scores["mase_naive2"])
    scores["n_series"] = true.shape[1]
    return scores


# --------------------------------------------------------------------------------------------------------------
# scorers for GridSearchCV / cross_validate
# --------------------------------------------------------------------------------------------------------------
_SCALE_FREE = {"mae": mae, "rmse": rmse, "mape": mape, "smape": smape}
_SCALED = {"mase": mase, "rmsse": rmsse}


def _fitted_forecaster(estimator):
    """Return the estimator holding ``y_train_``: the estimator itself or the last step of a Pipeline."""
    if hasattr(estimator, "y_train_"):
        return estimator
    steps = getattr(estimator, "steps", None)
    if steps and hasattr(steps[-1][1], "y_train_"):
        return steps[-1][1]
    raise ValueError(
        f"a scaled-error scorer reads the training series from the fitted attribute `y_train_` of the "
        f"estimator (or of a Pipeline's last step); {type(estimator).__name__} has none. Use it with a fitted "
        "seqforecast forecaster, or score with a scale-free metric such as 'mae' or 'smape'."
    )


class _ScaledErrorScorer:
    """``(estimator, X, y) -> -metric(y, estimator.predict(X), y_train=estimator.y_train_, sp=sp)``."""

    def __init__(self, name: str, sp: int):
        self.name = name
        self.sp = sp

    def __call__(self, estimator, X, y, sample_weight=None):
        if sample_weight is not None:
            raise ValueError(f"the {self.name} scorer does not support sample_weight; got one.")
        forecaster = _fitted_forecaster(estimator)
        y_pred = estimator.predict(X)
        return -_SCALED[self.name](y, y_pred, y_train=forecaster.y_train_, sp=self.sp)

    def __repr__(self) -> str:
        return f"make_forecast_scorer({self.name!r}, sp={self.sp})"


def make_forecast_scorer(name: str, *, sp: int = 1):
    """A scorer for scikit-learn's search and validation tools (``GridSearchCV(scoring=...)``).

    Scorers follow scikit-learn's "greater is better" rule: they return the **negated** error.

    Parameters
    ----------
    name : {"mae", "rmse", "mape", "smape", "mase", "rmsse"}
        Scale-free metrics become ``sklearn.metrics.make_scorer(metric, greater_is_better=False)``.
        ``"mase"`` and ``"rmsse"`` need the training series: their scorer is a callable
        ``(estimator, X, y) -> float`` reading it from the fitted forecaster's ``y_train_`` (or from the last
        step of a ``Pipeline``), so in a cross-validation each fold is scaled by its own training part.
    sp : int, default=1
        Seasonal period of the MASE/RMSSE scale; must stay 1 for the scale-free metrics.

    Returns
    -------
    scorer : callable ``(estimator, X, y) -> float``
    """
    name = check_option(name, "name", [*_SCALE_FREE, *_SCALED], "make_forecast_scorer")
    if name in _SCALE_FREE:
        if sp != 1:
            raise ValueError(
                f"make_forecast_scorer: sp only applies to 'mase' and 'rmsse'; got sp={sp!r} with {name!r}."
            )
        return make_scorer(_SCALE_FREE[name], greater_is_better=False)
    return _ScaledErrorScorer(name, check_sp(sp, "make_forecast_scorer"))
