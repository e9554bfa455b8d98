"""Quantile forecasts and intervals of a direct forecaster whose net has a quantile head.

``DirectForecaster`` and ``Seq2SeqForecaster`` inherit :class:`QuantileHead`. With an estimator fitted with a
quantile loss (``RNNRegressor(loss="quantile")``, whose fitted ``quantiles_`` are its levels), the forecaster
has :class:`~seqforecast.base.BaseForecaster`'s hooks ``_predict_quantiles`` and ``_predict_interval``; with any
other estimator it has neither (the properties raise ``AttributeError``, so ``getattr(model,
"_predict_interval", None)`` and ``hasattr`` see no hook), and ``forecast_quantiles`` / ``forecast(coverage=...)``
say that the model gives no intervals. Levels between two trained ones are interpolated linearly; levels
outside them are refused.
"""

from __future__ import annotations

import numpy as np

from ._sample_paths import LIKELIHOOD_LOSSES, head_of

__all__ = ["QuantileHead"]


def _at_levels(values, levels, asked):
    """Quantiles at the levels ``asked`` from quantiles ``values`` of shape (..., Q) at the increasing
    ``levels`` (Q,), which must cover ``asked`` (a level within 1e-9 of a fitted one takes its values): linear
    interpolation in the level between the two nearest fitted levels, kept between their two values, so the
    result never decreases along ``asked`` when ``values`` never decreases along ``levels``.

    Examples
    --------
    >>> _at_levels(np.array([[1.0, 2.0, 4.0]]), np.array([0.1, 0.5, 0.9]), np.array([0.1, 0.3, 0.7]))
    array([[1. , 1.5, 3. ]])
    """
    out = np.empty(values.shape[:-1] + (len(asked),))
    for j, level in enumerate(asked):
        near = np.flatnonzero(np.abs(levels - level) <= 1e-9)
        if near.size:
            out[..., j] = values[..., near[0]]
            continue
        hi = int(np.searchsorted(levels, level))  # levels[hi - 1] < level < levels[hi]
        low, high = values[..., hi - 1], values[..., hi]
        weight = (level - levels[hi - 1]) / (levels[hi] - levels[hi - 1])
        out[..., j] = np.clip(low + weight * (high - low), low, high)
    return out


def distribution_ppf(distribution, params, levels):
    """The quantiles at ``levels`` of the distributions of a likelihood head (``params``: what
    :meth:`~seqforecast.RNNRegressor.predict_distribution` returns, arrays of one shape): that shape plus a last
    axis of ``len(levels)``. Gaussian and Student-t from their location and scale; the negative binomial of mean
    ``m`` and dispersion ``a`` (variance ``m + a m**2``) is scipy's ``nbinom(n=1/a, p=1/(1 + a m))``."""
    from scipy import stats

    q = np.asarray(levels, dtype=np.float64)
    if distribution == "gaussian":
        return stats.norm.ppf(q, loc=params["loc"][..., None], scale=params["scale"][..., None])
    if distribution == "student_t":
        return stats.t.ppf(q, params["df"][..., None], loc=params["loc"][..., None], scale=params["scale"][..., None])
    mean, dispersion = params["mean"][..., None], params["dispersion"][..., None]
    return stats.nbinom.ppf(q, 1.0 / dispersion, 1.0 / (1.0 + dispersion * mean)).astype(np.float64)


class QuantileHead:
    """The quantile hooks of a direct forecaster (a mixin: it reads ``estimator_``, ``horizon_``,
    ``_last_windows`` and ``_regressor_input`` of the forecaster)."""

    def _head_levels(self):
        """The fitted estimator's quantile levels, or None. Unfitted: ``"quantile"`` for a configured
        ``loss="quantile"`` (truthy, so ``hasattr`` answers as it will after ``fit``), else None."""
        levels = head_of(self, "quantiles_", ("quantile",))
        return levels if levels is None or isinstance(levels, str) else np.asarray(levels, dtype=np.float64)

    def _head_distribution(self):
        """The fitted estimator's distribution (``distribution_``: a likelihood head), or None; unfitted, the
        configured estimator's likelihood ``loss``."""
        return head_of(self, "distribution_", LIKELIHOOD_LOSSES)

    def _no_head(self, hook):
        return AttributeError(
            f"{type(self).__name__!r} object has no attribute {hook!r}: its estimator has no quantile head (fit "
            "it with RNNRegressor(loss='quantile') for quantile forecasts)"
        )

    @property
    def _predict_quantiles(self):
        if self._head_levels() is not None:
            return self._head_quantiles
        if self._head_distribution() is not None:
            return self._distribution_quantiles
        raise self._no_head("_predict_quantiles")

    @property
    def _predict_interval(self):
        if self._head_levels() is not None:
            return self._head_interval
        if self._head_distribution() is not None:
            return self._distribution_interval
        raise self._no_head("_predict_interval")

    def _distribution_quantiles(self, horizon, Y, X, X_future, quantiles):
        """Quantiles of each step's predicted distribution (a likelihood head: the inverse of its distribution
        function at each level), in original units: shape (horizon, S, Q). Each step's distribution is its own
        (marginal): the quantiles of a step do not depend on the other steps."""
        self._check_head_covariates(horizon, X_future)
        windows, loc, scale = self._last_windows(Y, X, X_future)
        params = self.estimator_.predict_distribution(self._regressor_input(self.estimator_, windows))
        levels = np.asarray(quantiles, dtype=np.float64)
        z = distribution_ppf(self.estimator_.distribution_, params, levels)  # [S, H_fit, Q]
        z = z.reshape(len(windows), self.horizon_, len(levels))[:, :horizon]
        return z.transpose(1, 0, 2) * scale[:, None] + loc[:, None]  # scale > 0 keeps the order

    def _distribution_interval(self, horizon, Y, X, X_future, coverage):
        """The central interval of ``coverage`` of each step's predicted distribution."""
        bounds = np.array([(1.0 - coverage) / 2.0, (1.0 + coverage) / 2.0])
        values = self._distribution_quantiles(horizon, Y, X, X_future, bounds)
        return values[:, :, 0], values[:, :, 1]

    def _check_head_covariates(self, horizon, X_future):
        """Refuse future covariates that ``_predict`` refuses."""
        if X_future is not None and len(X_future) < self.horizon_:
            raise ValueError(
                f"{type(self).__name__} reads the covariates of all {self.horizon_} steps it was fitted "
                f"for; X covers only {len(X_future)}. Give covariates for {self.horizon_} steps."
            )

    def _head_values(self, horizon, Y, X, X_future):
        """The estimator's quantiles at its fitted levels, in original units: shape (horizon, S, Q_fit)."""
        self._check_head_covariates(horizon, X_future)
        windows, loc, scale = self._last_windows(Y, X, X_future)
        z = np.asarray(self.estimator_.predict_quantiles(self._regressor_input(self.estimator_, windows)))
        z = z.reshape(len(windows), self.horizon_, -1)[:, :horizon]  # [S, H_fit, Q] -> [S, horizon, Q]
        # as _predict: z * scale + loc, scale > 0, so the order of the quantiles is kept (and the median
        # column equals the point forecast exactly)
        return z.transpose(1, 0, 2) * scale[:, None] + loc[:, None]  # [horizon, S, Q] * [S, 1] + [S, 1]

    def _head_quantiles(self, horizon, Y, X, X_future, quantiles):
        """The quantiles at the levels asked for: the fitted levels as they are, levels between two of them
        linearly interpolated; levels outside the fitted ones are refused."""
        levels = self._head_levels()
        asked = np.asarray(quantiles, dtype=np.float64)
        outside = asked[(asked < levels[0] - 1e-9) | (asked > levels[-1] + 1e-9)]
        if outside.size:
            raise ValueError(
                f"{type(self).__name__}: its net was trained on the quantiles {levels.tolist()}, so it gives "
                f"quantiles from {levels[0]} to {levels[-1]} (interpolated linearly between those levels); got "
                f"{outside.tolist()}. Ask for levels in that range, or refit with "
                f"RNNRegressor(loss='quantile', quantiles=...) covering them."
            )
        return _at_levels(self._head_values(horizon, Y, X, X_future), levels, asked)

    def _head_interval(self, horizon, Y, X, X_future, coverage):
        """The central interval of ``coverage``: the quantiles ``(1 - coverage) / 2`` and ``(1 + coverage) / 2``."""
        levels = self._head_levels()
        bounds = np.array([(1.0 - coverage) / 2.0, (1.0 + coverage) / 2.0])
        if bounds[0] < levels[0] - 1e-9 or bounds[1] > levels[-1] + 1e-9:
            widest = max(0.0, min(1.0 - 2.0 * levels[0], 2.0 * levels[-1] - 1.0))
            need = f"{float(np.round(bounds[0], 12))} and {float(np.round(bounds[1], 12))}"
            raise ValueError(
                f"{type(self).__name__}: an interval of coverage {coverage} lies between the quantiles {need}, "
                f"but its net was trained on the quantiles {levels.tolist()} (central intervals up to coverage "
                f"{float(np.round(widest, 12))}, interpolated linearly between levels). Ask for a coverage "
                f"within that, or refit with RNNRegressor(loss='quantile', quantiles=(...)) including {need}."
            )
        values = _at_levels(self._head_values(horizon, Y, X, X_future), levels, bounds)  # [H, S, 2]
        return values[:, :, 0], values[:, :, 1]
