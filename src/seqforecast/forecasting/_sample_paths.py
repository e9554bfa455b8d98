"""Sample paths, quantiles and intervals of a recursive forecaster whose net has a distribution head.

``RecursiveForecaster`` inherits :class:`SamplePaths`. With an estimator fitted with a likelihood loss
(``RNNRegressor(loss="gaussian" | "student_t" | "negative_binomial")``, whose fitted ``distribution_`` names
it), the forecaster has :class:`~seqforecast.base.BaseForecaster`'s hooks ``_predict_samples`` (so
``forecast_samples`` works), ``_predict_quantiles`` and ``_predict_interval`` (so ``forecast_quantiles`` and
``forecast(coverage=...)`` work); with any other estimator it has none of them (the properties raise
``AttributeError``, as :class:`~seqforecast.forecasting._quantile_head.QuantileHead` does), and the public methods
say that the model gives no samples or intervals.

A path is drawn step by step: the net reads the last window once, then at each step one value is drawn per
path from the step's predicted distribution and fed back, each path carrying its own recurrent state
(:meth:`~seqforecast.RNNRegressor.sample_recursive`; all paths of all series in one batch). Draws are made in
the net's units and returned in the original ones (``z * scale + loc`` per series, as the point forecast)::

    last window --encode--> state --draw z_1--> step(z_1) --draw z_2--> ... --draw z_H-->   one path per row
                                      (state repeated n_samples times per series)

Quantiles and intervals are the empirical quantiles of :data:`INTERVAL_PATHS` paths drawn with the fixed seed
:data:`INTERVAL_SEED`: Monte Carlo estimates (the standard error of a 10 % quantile of 1000 draws is about
0.02 standard deviations of a Gaussian), reproducible from one call to the next. The point forecast stays the
carried-state recursion on the mean (``forecast``), which is not the mean of the paths when the net is not
linear.
"""

from __future__ import annotations

import numpy as np

from ..base import SeriesError

__all__ = ["INTERVAL_PATHS", "INTERVAL_SEED", "LIKELIHOOD_LOSSES", "SamplePaths"]

#: The number of sample paths behind ``forecast_quantiles`` and ``forecast(coverage=...)``.
INTERVAL_PATHS = 1000
#: The seed of those paths.
INTERVAL_SEED = 0
#: ``RNNRegressor``'s likelihood losses (``seqforecast.estimators.losses.DISTRIBUTION_LOSSES``, named here so
#: that asking a forecaster whether it has hooks does not import torch).
LIKELIHOOD_LOSSES = ("gaussian", "student_t", "negative_binomial")


def head_of(forecaster, fitted_attr, losses):
    """What a window forecaster's net has as a head: fitted, the estimator's ``fitted_attr`` (``quantiles_``,
    ``distribution_``; None without one); unfitted, the configured estimator's ``loss`` when it is one of
    ``losses`` (so that ``hasattr`` on a hook answers before ``fit`` as it will after), else None. A forecaster
    with ``per_step=True`` fits one single-output clone per step: no head."""
    if "estimator_" in forecaster.__dict__:
        return getattr(forecaster.estimator_, fitted_attr, None)
    est = forecaster.estimator
    if getattr(forecaster, "per_step", False) or est is None or isinstance(est, type) or not hasattr(est, "get_params"):
        return None
    loss = est.get_params(deep=False).get("loss")
    return loss if isinstance(loss, str) and loss in losses else None


def check_count_settings(owner, distribution, scaling, Y):
    """At fit: a negative-binomial net models counts, which scaling would turn into non-integers, so it needs
    ``scaling=None`` and non-negative series (for the recursive and the direct forecasters alike)."""
    if distribution != "negative_binomial":
        return
    if scaling is not None:
        raise ValueError(
            f"{owner}: a net with loss='negative_binomial' models counts (integers >= 0) and draws counts; "
            f"scaling={scaling!r} would train it on scaled, non-integer values and scale its draws back to "
            "non-integers. Set scaling=None (the net then reads the counts as they are), or use "
            "loss='gaussian' or 'student_t' with scaling."
        )
    negative = np.nan_to_num(Y, nan=0.0) < 0  # leading NaN: a series that starts later
    if negative.any():
        step, col = (int(i) for i in np.argwhere(negative)[0])
        raise SeriesError(
            f"a net with loss='negative_binomial' models counts (>= 0); the series has {int(negative[:, col].sum())} "
            f"negative value(s), the first {Y[step, col]} at row {step}. Use loss='gaussian' or 'student_t'.",
            col,
        )


class SamplePaths:
    """The sample-path hooks of a recursive forecaster (a mixin: it reads ``estimator_``, ``carry_state_``,
    ``scaling_``, ``_last_windows`` and ``_next_features`` of the forecaster)."""

    def _distribution(self):
        """The fitted estimator's distribution (``distribution_``), or None. Unfitted: the configured
        estimator's likelihood ``loss``, so that ``hasattr`` answers as it will after ``fit``."""
        return head_of(self, "distribution_", LIKELIHOOD_LOSSES)

    def _hook(self, name, method):
        if self._distribution() is None:
            raise AttributeError(
                f"{type(self).__name__!r} object has no attribute {name!r}: its estimator has no distribution "
                "head (fit it with RNNRegressor(loss='gaussian'), 'student_t' or 'negative_binomial' for sample "
                "paths)"
            )
        return method

    @property
    def _predict_samples(self):
        return self._hook("_predict_samples", self._sample_paths)

    @property
    def _predict_quantiles(self):
        return self._hook("_predict_quantiles", self._path_quantiles)

    @property
    def _predict_interval(self):
        return self._hook("_predict_interval", self._path_interval)

    # ------------------------------------------------------------------------------------ fit
    def _check_distribution_settings(self, Y):
        """At fit: see :func:`check_count_settings`."""
        check_count_settings(type(self).__name__, self._distribution(), self.scaling_, Y)

    # ------------------------------------------------------------------------------------ hooks
    def _sample_paths(self, horizon, Y, X, X_future, n_samples, rng):
        """``n_samples`` paths per series in original units: shape (horizon, n_series, n_samples)."""
        owner = type(self).__name__
        if not self.carry_state_:
            raise ValueError(
                f"{owner}: sample paths carry the net's recurrent state along each path, but the model was "
                "fitted with carry_state=False (re-encoding the last window at every step). Refit with "
                "carry_state=True for sample paths, quantiles and intervals."
            )
        windows, loc, scale = self._last_windows(Y, X, X_future)
        paths = self.estimator_.sample_recursive(
            windows, horizon, n_samples, step_features=self._next_features(horizon, X_future), random_state=rng
        )  # [S, N, H], the net's units
        return paths.transpose(2, 0, 1) * scale[:, None] + loc[:, None]  # [H, S, N] * [S, 1] + [S, 1]

    def _path_quantiles(self, horizon, Y, X, X_future, quantiles):
        """Empirical quantiles of :data:`INTERVAL_PATHS` seeded paths: shape (horizon, n_series, n_quantiles).
        Linear interpolation between draws; a count distribution takes the draw itself (``inverted_cdf``), so
        its quantiles are counts."""
        paths = self._sample_paths(horizon, Y, X, X_future, INTERVAL_PATHS, np.random.default_rng(INTERVAL_SEED))
        method = "inverted_cdf" if self._distribution() == "negative_binomial" else "linear"
        values = np.quantile(paths, np.asarray(quantiles, dtype=np.float64), axis=2, method=method)  # [Q, H, S]
        return values.transpose(1, 2, 0)  # [Q, H, S] -> [H, S, Q]

    def _path_interval(self, horizon, Y, X, X_future, coverage):
        """The central interval of ``coverage``: the path quantiles ``(1 - coverage) / 2`` and ``(1 + coverage) / 2``."""
        bounds = [(1.0 - coverage) / 2.0, (1.0 + coverage) / 2.0]
        values = self._path_quantiles(horizon, Y, X, X_future, bounds)  # [H, S, 2]
        return values[:, :, 0], values[:, :, 1]
