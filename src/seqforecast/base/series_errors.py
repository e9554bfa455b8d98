"""Errors and warnings about one series of ``y``, named by the forecaster's public methods.

A forecaster's private methods (``_fit``, ``_predict``, ``_predict_interval``) see the series as the
columns of an array and do not know their names. When something is wrong with one series they raise a
:class:`SeriesError` carrying the column position (or, for a warning, call :func:`warn_series`), and the
public methods of :class:`~seqforecast.base.BaseForecaster` put the class and the series name in front of
the message::

    ThetaForecaster (series 'b'): theta_fit: y needs at least 2 value(s) to fit a trend line; got 1.

With a single series there is nothing to tell apart, and the message names the class only
(``ThetaForecaster: theta_fit: ...``).
"""

from __future__ import annotations

import warnings
from contextlib import contextmanager
from contextvars import ContextVar

from ..exceptions import ConvergenceWarning

__all__ = ["SeriesError", "warn_series", "naming_series"]


class SeriesError(ValueError):
    """Something is wrong with one series; raised by a forecaster's private methods.

    The public methods (``fit``, ``predict``, ``forecast``, ``predict_interval``) catch it and raise
    ``kind(f"{ClassName} (series {name!r}): {message}")`` instead.

    Parameters
    ----------
    message : str
        What is wrong and how to fix it, without the class or the series name (the public method adds them).
    series : int
        Position of the series: its column in ``Y``.
    kind : {ValueError, RuntimeError}, default=ValueError
        The exception the public method raises: ``ValueError`` for a problem with the data,
        ``RuntimeError`` for a numerical failure (e.g. no model could be estimated).

    Attributes
    ----------
    series : int
    kind : type
    """

    def __init__(self, message, series, kind=ValueError):
        super().__init__(message)
        self.series = int(series)
        self.kind = kind

    def __reduce__(self):  # picklable, e.g. back from a joblib worker
        return type(self), (str(self), self.series, self.kind)


# the warnings about one series raised inside a public method, as (position, message, category)
_PENDING: ContextVar[list | None] = ContextVar("seqforecast_series_warnings", default=None)


def warn_series(message, series: int, category=ConvergenceWarning) -> None:
    """Warn about the series at column ``series``; the public method issues it with the class and series name.

    Called outside a public method (a private method called directly), the warning is issued at once,
    naming the series by its position.
    """
    pending = _PENDING.get()
    if pending is None:
        warnings.warn(f"series at position {series}: {message}", category, stacklevel=2)
    else:
        pending.append((int(series), str(message), category))


def describe(owner: str, names: list, series: int) -> str:
    """``"Owner (series 'b')"``, or ``"Owner"`` when there is a single series."""
    if len(names) == 1:
        return owner
    return f"{owner} (series {names[series] if 0 <= series < len(names) else series!r})"


@contextmanager
def naming_series(owner: str, names: list, *, caller_depth: int = 1):
    """Inside: a :class:`SeriesError` becomes ``kind`` naming ``owner`` and the series; the warnings of
    :func:`warn_series` are issued on exit (also when an exception leaves), named the same way.

    ``names`` are the series names in column order; ``caller_depth`` is the number of frames between the
    function holding the ``with`` statement and the user's call (1 when that function is the public method),
    so that the warnings point at the user's line.
    """
    pending = []
    token = _PENDING.set(pending)
    try:
        yield
    except SeriesError as exc:
        raise exc.kind(f"{describe(owner, names, exc.series)}: {exc}") from None
    finally:
        _PENDING.reset(token)
        # frames: this generator, contextlib's __exit__, the function with the `with`, then its callers
        for series, message, category in pending:
            warnings.warn(f"{describe(owner, names, series)}: {message}", category, stacklevel=3 + caller_depth)
