"""An ensemble of copies of a forecaster trained with different seeds: :class:`EnsembleForecaster`."""

from __future__ import annotations

import numpy as np
from sklearn.base import clone
from sklearn.utils.validation import check_is_fitted

from .._utils.validation import check_param, options, positive_int, validate_params
from ..base import BaseForecaster

__all__ = ["EnsembleForecaster"]


class EnsembleForecaster(BaseForecaster):
    """The mean (or median) of several copies of a forecaster, each trained with another seed.

    Nets trained from different random initialisations make different errors; averaging their forecasts
    cancels part of them, and nets that read windows of different lengths differ even more (on M4 Hourly,
    see ``benchmarks/results/m4_Hourly.md``). Member ``i`` is a clone of a forecaster in which every
    parameter named ``random_state``, its own or a nested one such as ``estimator__random_state``, is set
    to ``random_state + i``.

    Parameters
    ----------
    forecaster : forecaster or list of forecasters
        The forecaster to copy, e.g. ``DirectForecaster(RNNRegressor(...), ...)``, or several (e.g. the same
        net on windows of two lengths), each copied ``n_members`` times: members are the copies of the
        first forecaster, then those of the second... Each must have a ``random_state`` parameter
        somewhere (otherwise its copies would all be the same model).
    n_members : int, default=5
        Number of copies trained of each forecaster.
    aggregate : {"mean", "median"}, default="mean"
        How the members' forecasts are combined, step by step and series by series.
    random_state : int, default=0
        Seed of the first member; member ``i`` (counted over all forecasters) gets ``random_state + i``.

    Attributes
    ----------
    forecasters_ : list of forecasters
        The fitted members.

    Notes
    -----
    When every member gives quantiles (a quantile or distribution head) or intervals, so does the ensemble:
    the members' quantiles are combined level by level, and the bounds of their intervals likewise, with
    ``aggregate`` (quantile averaging, "Vincentization": Lichtendahl, Grushka-Cockayne and Winkler, 2013,
    Management Science 59(8)). Each member's quantiles never decrease with the level, so neither do their
    mean and median.
    """

    _parameter_constraints = {
        "forecaster": "no_validation",  # a forecaster or a list of them: checked one by one in fit
        "n_members": [positive_int()],
        "aggregate": [options({"mean", "median"})],
        "random_state": [positive_int(0)],
    }

    def __init__(self, forecaster, n_members=5, *, aggregate="mean", random_state=0):
        self.forecaster = forecaster
        self.n_members = n_members
        self.aggregate = aggregate
        self.random_state = random_state

    def __getattr__(self, name):
        # only reached when normal lookup fails: an ensemble fitted by seqforecast 0.1 combines as its parameter says
        if name == "aggregate_" and "forecasters_" in self.__dict__:
            return self.__dict__.get("aggregate", "mean")
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _fit(self, Y, X):
        validate_params(self)
        owner = type(self).__name__
        several = isinstance(self.forecaster, (list, tuple))
        bases = list(self.forecaster) if several else [self.forecaster]
        if not bases:
            raise ValueError(f"{owner}: forecaster is an empty list; give at least one forecaster.")
        seed_keys = []
        for i, base in enumerate(bases):
            check_param(
                base,
                f"forecaster[{i}]" if several else "forecaster",
                [BaseForecaster],
                owner,
                hint="Give a seqforecast forecaster (e.g. DirectForecaster(...)) or a list of them.",
            )
            keys = [k for k in base.get_params(deep=True) if k == "random_state" or k.endswith("__random_state")]
            if not keys:
                raise ValueError(
                    f"{owner}: {type(base).__name__} has no random_state parameter (its own or its "
                    "estimator's), so all members would be the same model. Wrap a forecaster whose estimator "
                    "takes a seed, e.g. DirectForecaster(RNNRegressor(...))."
                )
            seed_keys.append(keys)
        members = []
        for base, keys in zip(bases, seed_keys):
            for _ in range(self.n_members):
                member = clone(base).set_params(**{key: int(self.random_state) + len(members) for key in keys})
                if hasattr(self, "time_index_"):  # as BaseForecaster.fit gives it to the forecaster it fits
                    member.time_index_ = self.time_index_
                members.append(member._fit(Y, X))
        self.forecasters_ = members
        self.aggregate_ = self.aggregate  # forecasts combine as fitted, whatever set_params does later
        return self

    def _max_steps(self):
        limits = [limit for limit in (m._max_steps() for m in self.forecasters_) if limit is not None]
        return min(limits) if limits else None  # every member must reach the steps asked for

    def _predict(self, horizon, Y, X, X_future):
        forecasts = np.stack([m._predict(horizon, Y, X, X_future) for m in self.forecasters_])  # [M, H, S]
        return np.mean(forecasts, axis=0) if self.aggregate_ == "mean" else np.median(forecasts, axis=0)

    # ------------------------------------------------------------------ quantiles and intervals
    def _members_with(self, hook):
        """Whether every member has ``hook`` (unfitted: every forecaster it will copy)."""
        members = self.__dict__.get("forecasters_")
        if members is None:
            members = list(self.forecaster) if isinstance(self.forecaster, (list, tuple)) else [self.forecaster]
        return bool(members) and all(hasattr(member, hook) for member in members)

    def _no_hook(self, hook):
        return AttributeError(
            f"{type(self).__name__!r} object has no attribute {hook!r}: not every member gives quantiles or intervals"
        )

    @property
    def _predict_quantiles(self):
        if not self._members_with("_predict_quantiles"):
            raise self._no_hook("_predict_quantiles")
        return self._combined_quantiles

    @property
    def _predict_interval(self):
        if not self._members_with("_predict_interval"):
            raise self._no_hook("_predict_interval")
        return self._combined_interval

    def _combine(self, values):
        return np.mean(values, axis=0) if self.aggregate_ == "mean" else np.median(values, axis=0)

    def _combined_quantiles(self, horizon, Y, X, X_future, quantiles):
        """The members' quantiles combined level by level: shape (horizon, S, Q)."""
        return self._combine(
            np.stack([m._predict_quantiles(horizon, Y, X, X_future, quantiles) for m in self.forecasters_])
        )

    def _combined_interval(self, horizon, Y, X, X_future, coverage):
        """The members' interval bounds combined: two arrays of shape (horizon, S)."""
        bounds = [m._predict_interval(horizon, Y, X, X_future, coverage) for m in self.forecasters_]
        return self._combine(np.stack([b[0] for b in bounds])), self._combine(np.stack([b[1] for b in bounds]))

    def training_history(self):
        """The training curve of the first member (see its ``training_history``), or None."""
        check_is_fitted(self)
        return self.forecasters_[0].training_history()
