"""What the public methods of :class:`~seqforecast.base.BaseForecaster` are given: targets, covariates and
their column names, and the limits of a forecast.

Targets and covariates are converted to float arrays here, once, column by column: numpy and pandas numeric
dtypes, pandas' nullable ones included (``Int64``, ``Float64``, ``boolean``: ``pd.NA`` becomes NaN, so it is
then refused, or taken as a later start of a target series, exactly as NaN is), and numbers stored as objects.
Anything else is refused with a message naming the argument (``y``, ``X``...), the column and the position
of the first value that is not a number.
"""

from __future__ import annotations

from numbers import Real

import numpy as np
import pandas as pd

__all__ = ["MAX_FORECAST_STEPS", "MAX_FORECAST_VALUES"]

#: The most steps ahead any forecaster forecasts: ``forecast(steps)``, the rows ``predict(X)`` reaches and a
#: fitted ``horizon`` (a million steps: 114 years of hourly data). Checked before anything is allocated.
MAX_FORECAST_STEPS = 1_000_000
#: The most values one forecast may hold: steps times the number of series (or of covariates, whose future
#: values are laid out on the same steps): 10**8 float64 values are 800 MB. Checked before allocation.
MAX_FORECAST_VALUES = 100_000_000


def first_non_number(values) -> tuple[int, object] | None:
    """Position and value of the first element of ``values`` that is not a real number (NaN counts as a
    number, ``pd.NA`` and None do not; neither does a bool), or None."""
    for i, v in enumerate(values):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, Real):
            return i, v
    return None


# ------------------------------------------------------------------------------------------ targets
def as_frame(y, *, what: str) -> tuple[pd.DataFrame, bool]:
    """A Series or DataFrame target as a float DataFrame (``pd.NA`` as NaN), and whether it was a Series."""
    if isinstance(y, pd.Series):
        frame, is_series = y.to_frame(name=0 if y.name is None else y.name), True
    elif isinstance(y, pd.DataFrame):
        frame, is_series = y, False
    else:
        raise TypeError(
            f"{what} must be a pandas Series (one series) or DataFrame (one column per series), got "
            f"{type(y).__name__}. Wrap a numpy array as pd.Series(values) (a RangeIndex is fine)."
        )
    if frame.shape[1] == 0:
        raise ValueError(f"{what} has no columns; pass at least one series.")
    if not frame.columns.is_unique:
        dup = list(frame.columns[frame.columns.duplicated()][:3])
        raise ValueError(f"{what} has duplicated column names {dup}; each series needs its own name.")
    nullable = False
    for j, (col, dtype) in enumerate(zip(frame.columns, frame.dtypes)):
        if pd.api.types.is_bool_dtype(dtype) or not pd.api.types.is_numeric_dtype(dtype):
            # text, dates, or objects mixing numbers with pd.NA, None or text: say where the first of those is
            values = frame.iloc[:, j].to_numpy(dtype=object)
            found = None if pd.api.types.is_bool_dtype(dtype) else first_non_number(values)
            where = "" if found is None else f" (first value that is not a number: {found[1]!r} at position {found[0]})"
            raise TypeError(
                f"{what} must hold numbers; column {col!r} has dtype {dtype}{where}. Convert it, e.g. "
                f"pd.to_numeric(y, errors='raise') or y.astype(float)."
            )
        if pd.api.types.is_complex_dtype(dtype):
            raise TypeError(
                f"{what} must hold real numbers; column {col!r} is complex. Pass the real part (y.real), or "
                f"the real and imaginary parts as two series."
            )
        nullable = nullable or not isinstance(dtype, np.dtype)
    if nullable:  # pandas' nullable dtypes, column by column: pd.NA -> NaN
        columns = [frame.iloc[:, j].to_numpy(dtype=np.float64, na_value=np.nan) for j in range(frame.shape[1])]
        values = np.column_stack(columns)
    else:
        values = frame.to_numpy(dtype=np.float64)
    return pd.DataFrame(values, index=frame.index, columns=frame.columns), is_series


def check_values(values: np.ndarray, columns, *, what: str) -> None:
    """Finite values, NaN allowed only before each column's first observation."""
    if np.isinf(values).any():
        rows, cols = np.nonzero(np.isinf(values))
        raise ValueError(
            f"{what} contains {len(rows)} infinite value(s) (first in series {columns[cols[0]]!r} at "
            f"position {rows[0]}); remove or replace them before fitting."
        )
    nan = np.isnan(values)
    if not nan.any():
        return
    started = np.cumsum(~nan, axis=0) > 0  # True from each column's first observation on
    inside = nan & started
    empty = ~started[-1] if len(values) else np.ones(values.shape[1], bool)
    if empty.any():
        raise ValueError(
            f"{what} has {int(empty.sum())} series with no observation at all "
            f"({[columns[i] for i in np.flatnonzero(empty)[:3]]}); drop them, e.g. y.dropna(axis=1, how='all')."
        )
    if inside.any():
        col = int(np.flatnonzero(inside.any(axis=0))[0])
        where = np.flatnonzero(inside[:, col])
        raise ValueError(
            f"{what} has {int(inside.sum())} missing value(s) after the start of a series (series "
            f"{columns[col]!r}, positions {where[:5].tolist()}). Only leading NaN (a series that starts "
            f"later) is allowed; fill the gaps explicitly first, e.g. y.interpolate() or y.ffill()."
        )


# --------------------------------------------------------------------------------------- covariates
def _covariate_column(column, label, what: str) -> np.ndarray:
    """One covariate column (a Series or a 1-D array) as float64, ``pd.NA`` as NaN."""
    dtype = column.dtype
    if isinstance(column, pd.Series):
        if pd.api.types.is_bool_dtype(dtype) or (
            pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype)
        ):
            return column.to_numpy(dtype=np.float64, na_value=np.nan)
        raw = column.to_numpy()
    else:
        raw = column
    kind = getattr(raw.dtype, "kind", "O")
    if kind in "biuf":
        return raw.astype(np.float64)
    if kind in "c":
        raise TypeError(
            f"The covariates {what} must be real numbers; column {label!r} is complex. Pass its real and "
            f"imaginary parts as two columns."
        )
    found = first_non_number(np.asarray(raw, dtype=object)) if kind == "O" else (0, raw[0] if len(raw) else None)
    if found is None:  # numbers stored as objects
        return raw.astype(np.float64)
    position, value = found
    fix = (
        "Covariates must be known for every row: fill the missing values explicitly (e.g. X.ffill()), then give "
        "the column a numeric dtype (pd.to_numeric)."
        if value is None or value is pd.NA or value is pd.NaT
        else "Encode categories and dates first (e.g. with CalendarFeatures or OneHotEncoder); convert numbers "
        "stored as text with pd.to_numeric."
    )
    raise TypeError(
        f"The covariates {what} must be numeric; column {label!r} has dtype {dtype} and holds {value!r} at row "
        f"{position}. {fix}"
    )


def covariate_values(X, index: pd.Index, *, is_fit: bool, what: str = "X", target: str = "y"):
    """Covariates as a float array aligned with ``index`` (or None when there are none), and their column names
    (None for an array).

    ``is_fit``: a DataFrame must have exactly ``index``, an array its length (the rows of the target
    ``target``); otherwise the caller matches the rows.
    """
    if X is None:
        return None, None
    if isinstance(X, pd.Series):
        X = X.to_frame()
    if isinstance(X, pd.DataFrame):
        if is_fit and not X.index.equals(index):
            raise ValueError(
                f"The covariates {what} must have exactly {target}'s index (same labels, same order); their "
                f"indexes differ ({what}: {len(X)} rows from {X.index[:1].tolist()}, {target}: {len(index)} rows "
                f"from {index[:1].tolist()}). Build {what} on {target}.index, e.g. {what}.reindex({target}.index) "
                f"after checking nothing is missing."
            )
        if not X.columns.is_unique:
            dup = list(dict.fromkeys(X.columns[X.columns.duplicated()]))[:3]
            raise ValueError(
                f"The covariates {what} have duplicated column names {dup}; each covariate needs its own name."
            )
        names = list(X.columns)
        columns = [(name, X.iloc[:, j]) for j, name in enumerate(names)]
    else:
        values = np.asarray(X)
        if values.ndim == 1:
            values = values.reshape(-1, 1)  # [n] -> [n, 1]
        if values.ndim != 2:
            raise ValueError(
                f"The covariates {what} must be 2-D (n_timesteps, n_covariates), got {values.ndim}-D "
                f"with shape {values.shape}."
            )
        if is_fit and len(values) != len(index):
            raise ValueError(
                f"{what} has {len(values)} rows but {target} has {len(index)}; the covariates need one row per "
                f"time step of {target}."
            )
        names = None
        columns = [(j, values[:, j]) for j in range(values.shape[1])]
    if not columns:
        return None, names
    values = np.column_stack([_covariate_column(column, label, what) for label, column in columns])
    bad = ~np.isfinite(values)
    if bad.any():
        row, col = (int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"The covariates {what} contain {int(bad.sum())} missing (NaN, pd.NA) or infinite value(s) (first at "
            f"row {row}, column {columns[col][0]!r}); covariates must be known for every row. Fill them "
            f"explicitly (e.g. X.ffill()) or drop the covariate."
        )
    return values, names


def check_covariate_columns(values, names, *, fitted_names, n_fitted: int, owner: str, what: str = "X") -> None:
    """The covariates given at forecast time are those of the fit: the same names in the same order when both
    have names (``fitted_names``: the ``feature_names_in_`` recorded at fit), the same number otherwise."""
    if fitted_names is not None and names is not None:
        given, fitted = list(names), list(fitted_names)
        if given != fitted:
            unseen = [name for name in given if name not in fitted]
            missing = [name for name in fitted if name not in given]
            if unseen or missing or len(given) != len(fitted):
                parts = ([f"unseen at fit time: {unseen}"] if unseen else []) + (
                    [f"seen at fit time, yet now missing: {missing}"] if missing else []
                )
                raise ValueError(
                    f"The covariate columns of {what} must be those {owner} was fitted with, by name and in the "
                    f"same order: {fitted}; {what} has {given} ({'; '.join(parts)}). Give {what} these columns, "
                    f"e.g. {what}[{fitted}] after adding or renaming the missing ones."
                )
            raise ValueError(
                f"The covariate columns of {what} are those {owner} was fitted with, but in another order: "
                f"{what} has {given}, the fit had {fitted}. Columns are read by position; reorder them: "
                f"{what}[{fitted}]."
            )
    n_given = 0 if values is None else values.shape[1]
    if n_given != n_fitted:
        raise ValueError(
            f"{what} has {n_given} covariate column(s), but {owner} was fitted with {n_fitted}. Pass the same "
            f"covariates at fit and predict time."
        )


def describe_index(index: pd.Index) -> str:
    """A short description of an index for messages: its length and first and last labels."""
    if len(index) == 0:
        return "empty (0 rows)"
    if len(index) == 1:
        return f"[{index[0]}] (1 row)"
    return f"[{index[0]} ... {index[-1]}] ({len(index)} rows, {type(index).__name__})"
