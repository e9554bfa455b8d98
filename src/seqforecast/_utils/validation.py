"""One way to check a parameter, for every class and function of the package.

Constraints are scikit-learn's own objects (``Interval``, ``StrOptions``, ``Options``, ``"boolean"``,
``None``, a type...), so a forecaster's ``_parameter_constraints`` reads like an estimator's, and every
message has scikit-learn's shape::

    The 'window_length' parameter of DirectForecaster must be an int in the range [1, inf). Got 0 instead.

Two differences from :func:`sklearn.utils._param_validation.validate_parameter_constraints`:

* a bool never satisfies an interval (``True`` is an ``Integral`` to Python, but ``window_length=True``
  is a mistake, not 1);
* the message may carry a hint (what the parameter means, or how to fix it), and the owner may be a
  function (``make_windows``) as well as a class.

The exception is :class:`~sklearn.utils._param_validation.InvalidParameterError`, which is both a
``ValueError`` and a ``TypeError``: a wrong type and a wrong value are caught by either.
"""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import (
    Interval,
    InvalidParameterError,
    Options,
    StrOptions,
    make_constraint,
)

__all__ = [
    "DistinctOptions",
    "InvalidParameterError",
    "PositiveInts",
    "check_bool",
    "check_int",
    "check_n_jobs",
    "check_option",
    "check_param",
    "check_real",
    "check_sp",
    "options",
    "positive_int",
    "validate_params",
]


def options(values):
    """``StrOptions`` listing ``values`` in sorted order (a set's order follows PYTHONHASHSEED, so a message
    listing it would vary from run to run)."""
    return StrOptions(dict.fromkeys(sorted(values)).keys())


def positive_int(minimum=1, maximum=None):
    """The constraint "an int >= minimum" (and <= ``maximum`` when one is given)."""
    return Interval(Integral, minimum, maximum, closed="left" if maximum is None else "both")


class PositiveInts(Options):
    """The parameter constraint "a non-empty tuple (or list) of ints >= 1", e.g. the channels of the
    convolutional blocks; bools are refused, as everywhere a count is expected.

    A scikit-learn ``Options`` only so that scikit-learn's ``make_constraint``, which :func:`check_param`
    calls, takes it as it is.
    """

    def __init__(self):
        super().__init__(tuple, set())

    def is_satisfied_by(self, val):
        return (
            isinstance(val, (tuple, list))
            and len(val) > 0
            and all(isinstance(v, Integral) and not isinstance(v, bool) and v >= 1 for v in val)
        )

    def __str__(self):
        return "a non-empty tuple of ints >= 1"


class DistinctOptions(Options):
    """The parameter constraint "a non-empty tuple (list or 1-D array) of distinct strings among
    ``values``", e.g. the calendar features to compute; a lone string is refused.

    ``values`` keeps its order in the message. A scikit-learn ``Options``, as :class:`PositiveInts`.
    """

    def __init__(self, values):
        super().__init__(str, set(values))
        self.ordered = tuple(values)

    def is_satisfied_by(self, val):
        if not isinstance(val, (tuple, list, np.ndarray)) or np.ndim(val) != 1 or len(val) == 0:
            return False
        return all(isinstance(v, str) and v in self.options for v in val) and len(set(val)) == len(val)

    def __str__(self):
        return f"a non-empty tuple of distinct str among {{{', '.join(map(repr, self.ordered))}}}"


def _satisfied(constraint, value):
    if isinstance(value, (bool, np.bool_)) and isinstance(constraint, Interval):
        return False  # a bool is neither a count nor a quantity
    return constraint.is_satisfied_by(value)


def _text(constraint):
    if type(constraint).__name__ == "_Booleans":  # scikit-learn lists the bool types; say it plainly
        return "True or False"
    return str(constraint)


def _describe(constraints):
    shown = [_text(c) for c in constraints if not getattr(c, "hidden", False)]
    if len(shown) == 1:
        return shown[0]
    return f"{', '.join(shown[:-1])} or {shown[-1]}"


def check_param(value, name, constraints, owner, *, hint=""):
    """Return ``value`` when it satisfies one of ``constraints``; raise ``InvalidParameterError`` otherwise.

    Parameters
    ----------
    value : object
        The value to check.
    name : str
        The parameter's name, as the user writes it.
    constraints : list
        scikit-learn constraints (``Interval``, ``StrOptions``, ``"boolean"``, ``None``, a type, ...).
    owner : str
        The class or function the parameter belongs to, for the message.
    hint : str, default=""
        A sentence appended to the message: what the parameter means or how to fix it.
    """
    made = [make_constraint(c) for c in constraints]
    if any(_satisfied(c, value) for c in made):
        return value
    message = f"The {name!r} parameter of {owner} must be {_describe(made)}. Got {value!r} instead."
    raise InvalidParameterError(f"{message} {hint}" if hint else message)


def validate_params(estimator, constraints=None):
    """Check every parameter of ``estimator`` against ``constraints`` (default: its
    ``_parameter_constraints``), naming its class at run time."""
    constraints = estimator._parameter_constraints if constraints is None else constraints
    owner = type(estimator).__name__
    for name, allowed in constraints.items():
        if allowed != "no_validation":
            check_param(getattr(estimator, name), name, allowed, owner)


def check_int(value, name, owner, *, minimum=1, maximum=None, allow_none=False, hint=""):
    """An int >= ``minimum`` (and <= ``maximum`` when one is given; or None when ``allow_none``), returned as a
    Python int (or None)."""
    constraints = [positive_int(minimum, maximum)] + ([None] if allow_none else [])
    value = check_param(value, name, constraints, owner, hint=hint)
    return None if value is None else int(value)


def check_real(value, name, owner, *, low=None, high=None, closed="both", allow_none=False, hint=""):
    """A real number in the interval (bools refused), returned as a float (or None)."""
    constraints = [Interval(Real, low, high, closed=closed)] + ([None] if allow_none else [])
    value = check_param(value, name, constraints, owner, hint=hint)
    return None if value is None else float(value)


def check_bool(value, name, owner, *, hint=""):
    """True or False (numpy bools included)."""
    return bool(check_param(value, name, ["boolean"], owner, hint=hint))


def check_option(value, name, allowed, owner, *, hint=""):
    """One of ``allowed`` (strings; ``None`` in ``allowed`` admits None)."""
    strings = [a for a in allowed if isinstance(a, str)]
    others = [a for a in allowed if not isinstance(a, str)]
    constraints = [options(strings)] if strings else []
    constraints += [None] if None in others else []
    rest = [a for a in others if a is not None]
    if rest:
        constraints.append(Options(type(rest[0]), set(rest)))
    return check_param(value, name, constraints, owner, hint=hint)


def check_sp(value, owner, *, what="the seasonal period"):
    """The seasonal period: an int >= 1 (1 means no seasonality)."""
    return check_int(value, "sp", owner, hint=f"sp is {what}: 1 for none, 12 for monthly data, 24 for hourly...")


def check_n_jobs(value, owner):
    """The number of parallel jobs, as joblib reads it: None, or an int other than 0 (1 one at a time, -1 every
    CPU, -2 every CPU but one...); returned as given."""
    return check_param(
        value,
        "n_jobs",
        [Interval(Integral, 1, None, closed="left"), Interval(Integral, None, -1, closed="right"), None],
        owner,
        hint="n_jobs is the number of fits run at once: None or 1 for one at a time, -1 for every CPU, -2 for "
        "every CPU but one.",
    )


_QUANTILES_HINT = (
    "Give probabilities strictly between 0 and 1, in increasing order, without duplicates, e.g. (0.1, 0.5, 0.9)."
)


def check_quantiles(quantiles, owner: str) -> tuple[float, ...]:
    """``quantiles`` as a tuple of floats, strictly increasing in (0, 1); ``InvalidParameterError`` otherwise.
    The one check of quantile levels (``forecast_quantiles``, the quantile heads of the nets).

    Examples
    --------
    >>> check_quantiles((0.1, 0.5, 0.9), "f")
    (0.1, 0.5, 0.9)
    """
    if isinstance(quantiles, (str, bytes, dict)) or not np.iterable(quantiles) or np.ndim(quantiles) != 1:
        raise InvalidParameterError(
            f"The 'quantiles' parameter of {owner} must be a sequence of floats. Got {quantiles!r} instead. "
            f"{_QUANTILES_HINT}"
        )
    levels = tuple(
        check_real(q, "quantiles", owner, low=0, high=1, closed="neither", hint=_QUANTILES_HINT)
        for q in list(quantiles)
    )
    if not levels:
        raise InvalidParameterError(f"The 'quantiles' parameter of {owner} is empty. {_QUANTILES_HINT}")
    if any(b <= a for a, b in zip(levels, levels[1:])):
        raise InvalidParameterError(
            f"The 'quantiles' parameter of {owner} must be strictly increasing, without duplicates. Got "
            f"{list(levels)} instead. {_QUANTILES_HINT}"
        )
    return levels
