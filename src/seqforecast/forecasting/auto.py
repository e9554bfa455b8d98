"""AutoRNNForecaster: the package's answer for a user who sets nothing but the horizon.

It decides everything else from the training data alone, the last ``horizon`` steps of each series held
out to judge its own choices:

1. **Plan** (:mod:`._auto_plan`, pure rules, no clock): the seasonal period (the index frequency, else an
   autocorrelation test), window lengths (3.5 and 7 horizons, in whole cycles), patches (whole seasons, or
   about 16 recurrent steps), per-window scaling (by the level for positive data, z-scores otherwise), the
   absolute-error loss, net size, batch size and epochs from the number of training windows.
2. **Holdout**: at the origin ``horizon`` steps before the end (and, with small data, where nets are
   cheap, at two earlier origins), two nets are trained on the data before it, and they and statistical
   forecasters (M4's Theta, automatic ARIMA where its cost is small, seasonal naive) forecast the held-out
   steps. Each candidate, a single forecaster or a combination (equal weights, or the nets 3/4), is scored
   by the mean MASE over the held-out series and origins (on a collection of series, a candidate with the
   nets as if it had the final ``n_members`` nets: :func:`_holdout_errors`); the best is kept (the nets
   alone included) if it beats automatic ARIMA alone clearly (a one-sided paired t test at 5 % over the
   held-out scores, in :mod:`._auto_select`: a t statistic below -2.92 with three scores, about -1.65 with
   hundreds), else ARIMA is: with one series and three origins, the best of some twenty candidates is
   mostly luck. Series too short to be held out (fewer than ``2 * horizon + 1`` observations) are never
   judged: in a collection that mixes them with long ones, they get every component with the same weight,
   not the weights chosen on the long series.
3. **Final fit**: ``n_members`` direct multi-output nets (each window length in turn, GRU then LSTM, seeds
   ``random_state + i``) trained on all the data, for the epochs the holdout nets found best when early
   stopping was used; the chosen statistical forecasters on all the data too. Short series are padded, with
   a mask, so a series shorter than a window still trains and is forecast.

Every choice is a fitted attribute: ``config_`` (the plan and why), ``holdout_scores_`` (each candidate
combination's score), ``weights_``.
"""

from __future__ import annotations

import hashlib
import sys
import time
import warnings
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

from .._utils.validation import Interval, options, positive_int, validate_params
from ..base import MAX_FORECAST_STEPS, BaseForecaster
from ._auto_plan import _windows, plan_nets, seasonal_period
from ._auto_select import (
    _candidate_weights,
    _combine,
    _paired_t,
    candidate_label,
    extrapolate_ensemble,
    switch_critical,
)
from .window import DirectForecaster

__all__ = ["AutoRNNForecaster"]

#: Series count and total observations above which automatic ARIMA is left out of the candidates (its
#: order search costs about 0.5 s per long seasonal series; the nets' whole plan costs less than that).
ARIMA_MAX_SERIES = 200
ARIMA_MAX_OBSERVATIONS = 100_000
#: Training windows per epoch below which nets are cheap enough to be judged at three holdout origins, not one.
SMALL_DATA_WINDOWS = 20_000
#: Nets trained at each holdout origin (the final ensemble has ``n_members``).
HOLDOUT_MEMBERS = 2


def _observed(Y: np.ndarray) -> list[np.ndarray]:
    """Each column's values from its first observation on (leading NaN dropped)."""
    out = []
    for j in range(Y.shape[1]):
        col = Y[:, j]
        seen = np.flatnonzero(~np.isnan(col))
        out.append(col[seen[0] :] if seen.size else col[:0])
    return out


def _scale(y: np.ndarray, sp: int) -> float:
    """MASE's scale (in-sample MAE of the seasonal naive forecast); lag 1, then the mean level, when that
    is undefined or zero; 1 for an all-zero series."""
    for lag in (sp, 1):
        if len(y) > lag:
            value = float(np.mean(np.abs(y[lag:] - y[:-lag])))
            if value > 0:
                return value
    level = float(np.mean(np.abs(y))) if len(y) else 0.0
    return level if level > 0 else 1.0


# ---------------------------------------------------------------------------------------- components
def _per_series(Y, horizon, forecast_one):
    """``forecast_one(y) -> (horizon,)`` on each observed series; NaN columns where it fails or is short."""
    out = np.full((horizon, Y.shape[1]), np.nan)
    for j, y in enumerate(_observed(Y)):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                values = np.asarray(forecast_one(y), dtype=np.float64)
        except Exception:  # noqa: BLE001 (an optional forecaster that fails on a series is left out for it)
            continue
        if values.shape == (horizon,) and np.isfinite(values).all():
            out[:, j] = values
    return out


def _theta(Y, horizon, sp):
    from ..baselines._kernels import theta_forecast

    return _per_series(Y, horizon, lambda y: theta_forecast(y, horizon, sp) if len(y) >= 3 else None)


def _seasonal_naive(Y, horizon, sp):
    from ..baselines._kernels import seasonal_naive_forecast

    return _per_series(Y, horizon, lambda y: seasonal_naive_forecast(y, horizon, sp))


def _arima(Y, horizon, sp):
    """Automatic ARIMA per series (its order search is unit-free: ``auto_arima`` works on the series divided
    by its standard deviation), estimated by conditional sums of squares (10 to 15 times faster than maximum
    likelihood, and no less accurate on M4 Hourly: ``benchmarks/results/m4_arima_hourly.md``)."""
    from ..baselines.arima import auto_arima

    def one(y):
        if len(y) < 8 or np.ptp(y) == 0:  # too short to search an order; a constant is the naive forecast's
            return None
        return auto_arima(y, sp=sp if len(y) >= 3 * sp else 1, method="css").forecast(horizon)

    return _per_series(Y, horizon, one)


_STATISTICAL = {"theta": _theta, "arima": _arima, "seasonal_naive": _seasonal_naive}


class AutoRNNForecaster(BaseForecaster):
    """A global recurrent forecaster that configures itself from the training data.

    ``AutoRNNForecaster(horizon=12).fit(None, y).forecast(12)``: the window lengths, patches, scaling, loss,
    net size, batch size, epochs, an ensemble over seeds, window lengths and cells, and its combination
    with statistical forecasters are all chosen from ``y`` (its last ``horizon`` steps held out to judge
    the choices; see the module docstring for the steps). ``y`` may be one series or a DataFrame of many
    (one global model; leading NaN for series that start later; series of very different lengths are
    fine, shorter ones are padded). Non-negative data give non-negative forecasts.

    Parameters
    ----------
    horizon : int
        Steps to forecast; the nets emit them all at once, ``forecast(steps)`` takes ``steps <= horizon``.
        At most ``MAX_FORECAST_STEPS`` (10**6).
    sp : int or None, default=None
        Seasonal period; None reads it from the index frequency (24 hourly, 12 monthly, 4 quarterly...)
        or, for an integer index, tests the series for the usual periods.
    n_members : int, default=6
        Nets in the ensemble: window lengths, then cells (GRU, LSTM), then seeds, in turn.
    combine : {"auto", "rnn"}, default="auto"
        ``"auto"``: combine the nets with statistical forecasters when the holdout says it helps;
        ``"rnn"``: the nets alone.
    time_budget : float or None, default=None
        Seconds for the whole fit. None: the plan above, whose cost is set by the data (every net takes at
        most about 4,000 optimiser steps) and does not depend on the machine. A number: the holdout nets
        may take half of it and the final nets the rest; a net is started only while the nets so far
        project to fit, a net's training ends at the epoch that would run past what is left
        (:class:`~seqforecast.estimators.TimeLimit`), and when no final net fits, the holdout net forecasts
        from the whole history. At least one epoch of one net is trained, and the statistical forecasters
        always run, so a budget shorter than those is exceeded by them.
        The ensemble, and the forecasts, then depend on the machine's speed; ``config_`` records what was
        done.
    random_state : int or None, default=None
        Seed of the first net (net ``i`` gets ``random_state + i``); None draws one from numpy's global RNG.
    device : str, default="cpu"
        Torch device of the nets.
    verbose : int, default=0
        1 prints the plan, each net's training time and the holdout scores to stderr.

    Attributes
    ----------
    config_ : dict
        Every choice and its reason: ``sp``, ``plan`` (window lengths, patches, scaling, net sizes...),
        ``holdout`` (origins, series), ``members`` (each final net's settings and time), ``components``,
        ``weights``, ``holdout_scored_as_members`` (the nets a candidate with the nets was scored as having:
        ``n_members`` on a collection, None with one series), ``unjudged`` (None, or for series shorter than
        ``below`` observations, which no holdout judged: their ``weights``, equal for every component),
        ``non_negative``, ``fit_seconds``.
    holdout_scores_ : DataFrame
        Mean MASE over the held-out series and origins of every candidate (a single forecaster, or a
        combination labelled with its weights, e.g. ``"0.75 rnn + 0.25 theta"``; on a collection, a
        candidate with the nets is scored as with ``n_members`` nets, extrapolated from the holdout nets
        alone and their mean), sorted best first, with
        ``n_scores`` (held-out series x origins), ``t_vs_arima`` (paired t statistic against ARIMA alone;
        NaN without ARIMA) and ``chosen`` (the best, unless it is not clearly better than ARIMA, its t
        statistic not below ``-switch_critical(n_scores)``: then ARIMA);
        empty when no series was long enough to hold out.
    weights_ : dict
        Weight of each component in the forecast: equal among the chosen ones, or 3/4 for the nets and
        the rest shared by the others.
    members_ : list of DirectForecaster
        The fitted nets.
    """

    _parameter_constraints = {
        "horizon": [positive_int(1, MAX_FORECAST_STEPS)],
        "sp": [positive_int(), None],
        "n_members": [positive_int()],
        "combine": [options({"auto", "rnn"})],
        "time_budget": [Interval(Real, 0, None, closed="neither"), None],
        "random_state": [Interval(Integral, 0, None, closed="left"), None],
        "device": [str],
        "verbose": [Interval(Integral, 0, None, closed="left")],
    }

    def __init__(
        self,
        horizon,
        *,
        sp=None,
        n_members=6,
        combine="auto",
        time_budget=None,
        random_state=None,
        device="cpu",
        verbose=0,
    ):
        self.horizon = horizon
        self.sp = sp
        self.n_members = n_members
        self.combine = combine
        self.time_budget = time_budget
        self.random_state = random_state
        self.device = device
        self.verbose = verbose

    # ------------------------------------------------------------------------------------------ fit
    def _log(self, message):
        if self.verbose:
            print(f"{type(self).__name__}: {message}", file=sys.stderr, flush=True)

    def _fit(self, Y, X):
        started = time.perf_counter()
        validate_params(self)
        H = int(self.horizon)
        seed = (
            int(check_random_state(None).randint(np.iinfo(np.int32).max))
            if self.random_state is None
            else int(self.random_state)
        )  # None: drawn from numpy's global generator, as scikit-learn does
        series = _observed(Y)
        lengths = np.array([len(s) for s in series])
        freq = getattr(getattr(self, "time_index_", None), "freq", None)
        if self.sp is not None:
            sp, cycle, sp_source = int(self.sp), int(self.sp), "the sp parameter"
        else:
            sp, cycle, sp_source = seasonal_period(freq, series)
        non_negative = bool(all((s >= 0).all() for s in series))
        positive = bool(all((s > 0).all() for s in series))
        config = {
            "horizon": H,
            "sp": sp,
            "sp_source": sp_source,
            "cycle": cycle,
            "seed": seed,
            "n_series": int(Y.shape[1]),
            "lengths": {"min": int(lengths.min()), "median": float(np.median(lengths)), "max": int(lengths.max())},
            "non_negative": non_negative,
        }

        # holdout origins: the last H steps, and with small data (cheap nets) two earlier origins as well
        cuts, plan = [], None
        if (lengths - H >= H + 1).any():
            cuts = [H]
            plan = plan_nets(np.maximum(lengths - H, 1), H, sp, cycle, positive=positive)
            if plan.n_windows < SMALL_DATA_WINDOWS:
                step = max(1, H // 2)
                cuts += [c for c in (H + step, H + 2 * step) if (lengths - c >= H + 1).any()]
                plan = plan_nets(
                    np.maximum(lengths - H, 1),
                    H,
                    sp,
                    cycle,
                    positive=positive,
                    shortest=int(np.maximum(lengths - cuts[-1], 1).min()),
                )
        elif (lengths >= H + 1).any():  # too short to hold out: plan on all the data, no holdout
            plan = plan_nets(lengths, H, sp, cycle, positive=positive)
        config["plan"] = None if plan is None else plan.as_dict()
        config["holdout"] = {
            "origins": [f"last {c} steps cut" for c in cuts],
            "series": [int((lengths - c >= H + 1).sum()) for c in cuts],
        }
        self._log(
            f"{Y.shape[1]} series of {lengths.min()} to {lengths.max()} observations, horizon {H}, sp "
            f"{sp} ({sp_source}); {len(cuts)} holdout origin(s)"
        )

        components = ["rnn"] if plan is not None else []
        if self.combine == "auto" and X is None:
            components.append("theta")
            if sp > 1:
                components.append("seasonal_naive")
            if Y.shape[1] <= ARIMA_MAX_SERIES or lengths.sum() <= ARIMA_MAX_OBSERVATIONS:
                components.append("arima")
        if not components:
            raise ValueError(
                f"{type(self).__name__} cannot forecast: every series has fewer than {H + 1} observations "
                f"(horizon={H} + 1), too few to train a net, and covariates rule out the statistical "
                f"forecasters. Give longer series or a shorter horizon."
            )
        config["components"] = components

        # every component's forecasts at every holdout origin, then the best combination
        budget = None if self.time_budget is None else float(self.time_budget)
        holdout, holdout_info, latest_nets = [], [], []
        for k, cut in enumerate(cuts):
            cols = np.flatnonzero(lengths - cut >= H + 1)
            Y_k, X_k = Y[:-cut], None if X is None else X[:-cut]
            X_next = None if X is None else X[len(Y) - cut : len(Y) - cut + H]
            forecasts, nets = {}, []
            if "rnn" in components:
                # with a time budget, the holdout nets may take half of it (the first net always trains)
                left = None if budget is None else budget / 2 - (time.perf_counter() - started)
                fitted, info = self._fit_members(
                    plan,
                    H,
                    seed,
                    Y_k,
                    X_k,
                    min(HOLDOUT_MEMBERS, self.n_members),
                    budget=left,
                    what=f"holdout origin {k + 1}/{len(cuts)}",
                )
                if k == 0:
                    latest_nets = fitted
                if fitted:
                    # global nets: the held-out series alone can be forecast, each from its own window
                    nets = [m._predict(H, Y_k[:, cols], X_k, X_next) for m in fitted]
                    forecasts["rnn"] = np.mean(nets, axis=0)
                holdout_info += [{**row, "origin": k} for row in info]
            for name in components:
                if name != "rnn":
                    forecasts[name] = _STATISTICAL[name](Y_k[:, cols], H, sp)
            truth = Y[len(Y) - cut : len(Y) - cut + H, cols]
            scales = np.array([_scale(y, sp) for y in _observed(Y_k[:, cols])])
            holdout.append((forecasts, truth, scales, _observed(Y_k[:, cols]), nets))
            if budget is not None and time.perf_counter() - started > budget / 2:
                break  # no earlier origin: the budget's first half is spent
        scores, weights = self._choose(components, holdout, non_negative)
        config["weights"] = weights
        config["holdout_scored_as_members"] = self._scored_as(holdout) if "rnn" in components else None
        config["holdout_members"] = holdout_info
        # series too short to be held out were never judged: every component with the same weight for them
        # (the rule when nothing can be judged; on a dev set of mixed M4 training parts it beat the weights
        # chosen on the long series, benchmarks/auto_mixed_dev.py)
        unjudged = None
        short = int((lengths < 2 * H + 1).sum())
        if cuts and short and len(components) > 1:
            equal = {name: 1.0 / len(components) for name in components}
            if equal != weights:
                unjudged = {"below": 2 * H + 1, "series": short, "weights": equal}
                self._log(f"{short} series of fewer than {2 * H + 1} observations, never held out: equal weights")
        config["unjudged"] = unjudged
        uses_nets = weights.get("rnn", 0) > 0 or (unjudged is not None and unjudged["weights"].get("rnn", 0) > 0)

        # the final nets, on all the data; with a budget too short for one more net, the latest holdout nets
        # (trained without the last horizon) forecast from the whole history instead
        members, member_info = [], []
        if uses_nets:
            epochs = _final_epochs(plan, holdout_info)
            left = None if budget is None else budget - (time.perf_counter() - started)
            per_net = (
                np.mean([row["fit_seconds"] for row in holdout_info if row["origin"] == 0]) if holdout_info else 0.0
            )
            if left is not None and latest_nets and per_net > left:
                members = latest_nets
                member_info = [
                    {**row, "trained_on": "all but the last horizon (time budget)"}
                    for row in holdout_info
                    if row["origin"] == 0
                ]
                self._log(f"time budget: the {len(members)} holdout net(s) forecast, no final training")
            else:
                members, member_info = self._fit_members(
                    plan, H, seed, Y, X, int(self.n_members), epochs=epochs, budget=left, what="final"
                )
        config["members"] = member_info
        if uses_nets and not members:  # no net could train: the others share its weight
            weights = config["weights"] = _without_nets(weights)
            if unjudged is not None:
                unjudged["weights"] = _without_nets(unjudged["weights"])
        config["fit_seconds"] = round(time.perf_counter() - started, 3)

        self.members_ = members
        self.weights_ = weights
        self.holdout_scores_ = scores
        self.sp_ = sp
        self.non_negative_ = non_negative
        self.config_ = config
        self._stat_cache_ = self._statistical(Y, H, sp)
        self._cache_key_ = _digest(Y)
        return self

    def _fit_members(self, plan, H, seed, Y, X, count, *, epochs=None, budget=None, what=""):
        """Train ``count`` nets of the plan on ``Y``: window lengths in turn, GRU then LSTM, seeds ``seed + i``.

        ``epochs``: a fixed number of epochs per window length (no early stopping), else the plan's. With a
        ``budget`` (seconds), a net is started only while the nets so far project to fit in it, and each
        net's training ends before it would run past what is left (``TimeLimit``; at least one epoch).
        """
        from ..estimators import RNNRegressor, TimeLimit

        n_lengths = len(plan.window_lengths)
        members, info, spent = [], [], 0.0
        lengths = np.array([len(y) for y in _observed(Y)])
        for i in range(count):
            if budget is not None and members and spent + spent / len(members) > budget:
                self._log(f"time budget of {self.time_budget} s reached after {len(members)} net(s)")
                break
            k = i % n_lengths
            cell = "gru" if (i // n_lengths) % 2 == 0 else "lstm"
            if _n_windows(lengths, plan, k, H) < 1:
                continue  # an early origin may leave too few observations for this window length
            net = RNNRegressor(
                cell=cell,
                hidden_size=plan.hidden_size,
                dropout=plan.dropout,
                loss="absolute_error",
                max_epochs=plan.max_epochs if epochs is None else epochs[k],
                batch_size=plan.batch_size,
                lr=plan.lr,
                # early stopping needs a validation tail: not with the few windows an early origin may leave
                patience=plan.patience if epochs is None and _n_windows(lengths, plan, k, H) >= 20 else None,
                random_state=seed + i,
                device=self.device,
                callbacks=None if budget is None else [("time_limit", TimeLimit(max(budget - spent, 1e-3)))],
            )
            member = DirectForecaster(
                net,
                window_length=plan.window_lengths[k],
                horizon=H,
                scaling="window",
                window_scale=plan.window_scale,
                patch_length=plan.patch_lengths[k],
                window_step=plan.window_step,
                min_observations=plan.min_observations,
            )
            t0 = time.perf_counter()
            member._fit(Y, X)
            seconds = time.perf_counter() - t0
            spent += seconds
            history = member.training_history() or []
            info.append(
                {
                    "window_length": plan.window_lengths[k],
                    "patch_length": plan.patch_lengths[k],
                    "cell": cell,
                    "random_state": seed + i,
                    "epochs": len(history),
                    "best_epoch": _best_epoch(history),
                    "stopped_by_budget": budget is not None
                    and dict(member.estimator_.net_.callbacks_)["time_limit"].stopped_,
                    "fit_seconds": round(seconds, 3),
                }
            )
            # the limit belonged to this fit's budget, not to the net: a refit of the member has none, and
            # the model saves with seqforecast.save (which stores no callback objects)
            member.estimator.set_params(callbacks=None)
            member.estimator_.set_params(callbacks=None)
            self._log(
                f"{what} net {i + 1}/{count}: {cell.upper()} on windows of {plan.window_lengths[k]}, "
                f"{len(history)} epoch(s), {seconds:.1f} s"
            )
            members.append(member)
        return members, info

    def _choose(self, components, holdout, non_negative):
        """Score every component and combination on the holdout origins; the best one wins.

        A combination's forecast is the mean of its members that could forecast the series (as at forecast
        time); its score is the mean MASE over every held-out (origin, series) pair.
        """
        judged, every = components, components
        if "rnn" in components and not any("rnn" in forecasts for forecasts, *_ in holdout):
            judged = [name for name in components if name != "rnn"]  # no origin left enough data for a net
        if not holdout or len(judged) <= 1:
            weights = {name: 1.0 / len(components) for name in components}  # nothing to choose on: all
            return pd.DataFrame(columns=["candidate", "mase", "n_scores", "t_vs_arima", "chosen"]), weights
        components = judged
        to_members = self._scored_as(holdout)
        rows = []
        for weights in _candidate_weights(components, self.combine):
            errors = []
            for forecasts, truth, scales, history, nets in holdout:
                if "rnn" in components and "rnn" not in forecasts:
                    continue  # no net at this origin: only origins where every candidate can be scored
                errors.append(
                    _holdout_errors(weights, forecasts, nets, truth, scales, history, non_negative, to_members)
                )
            if errors:
                label = candidate_label(weights)
                rows.append(
                    {
                        "candidate": label,
                        "mase": float(np.mean(np.concatenate(errors))),
                        "n_scores": int(sum(len(e) for e in errors)),
                        "_weights": weights,
                        "_errors": np.concatenate(errors),
                    }
                )
        table = pd.DataFrame(rows).sort_values("mase", kind="stable").reset_index(drop=True)
        chosen = 0
        arima = table.index[table["_weights"].map(lambda w: w == {"arima": 1.0})]
        table["t_vs_arima"] = np.nan
        if len(arima):
            table["t_vs_arima"] = [_paired_t(e, table.loc[arima[0], "_errors"]) for e in table["_errors"]]
            if not table.loc[0, "t_vs_arima"] < -switch_critical(int(table.loc[0, "n_scores"])):
                chosen = int(arima[0])  # the best is not clearly better than ARIMA alone (or is ARIMA)
        table["chosen"] = table.index == chosen
        best = table.loc[chosen, "_weights"]
        self._log(
            "holdout MASE: "
            + ", ".join(f"{r.candidate} {r.mase:.3f}" for r in table.head(6).itertuples())
            + f"; chosen: {table.loc[chosen, 'candidate']}"
        )
        weights = {name: float(best.get(name, 0.0)) for name in every}
        return table.drop(columns=["_weights", "_errors"]), weights

    def _scored_as(self, holdout):
        """Nets of the ensemble the holdout's candidates with the nets are scored as: ``n_members`` on a
        collection of series (see :func:`_holdout_errors`), None (the holdout nets as they are) with one."""
        if not holdout or max(truth.shape[1] for _, truth, *_ in holdout) < 2:
            return None
        return int(self.n_members)

    def _statistical(self, Y, H, sp):
        """Forecasts of the statistical components with a weight, for the judged or the unjudged series."""
        unjudged = (self.config_.get("unjudged") or {}).get("weights", {})
        used = [name for name in _STATISTICAL if self.weights_.get(name, 0) > 0 or unjudged.get(name, 0) > 0]
        return {name: _STATISTICAL[name](Y, H, sp) for name in used}

    def _series_weights(self, name, lengths):
        """Weight of component ``name`` for each series of ``lengths`` observations: ``weights_``, or the
        unjudged series' equal weights below ``config_["unjudged"]["below"]`` observations."""
        weights = np.full(len(lengths), self.weights_.get(name, 0.0))
        rule = self.config_.get("unjudged")  # absent in models saved by 0.5.0
        if rule is not None:
            weights[lengths < rule["below"]] = rule["weights"].get(name, 0.0)
        return weights

    # -------------------------------------------------------------------------------------- predict
    def _max_steps(self):
        return int(self.config_["horizon"])

    def _predict(self, horizon, Y, X, X_future):
        H = int(self.config_["horizon"])
        if horizon > H:
            raise ValueError(
                f"{type(self).__name__} was fitted to forecast {H} steps ahead; {horizon} were asked for. Refit "
                f"with horizon>={horizon}."
            )
        history = _observed(Y)
        lengths = np.array([len(y) for y in history])
        parts, weights = [], []
        if self.members_:
            parts.append(np.mean([m._predict(H, Y, X, X_future) for m in self.members_], axis=0))
            weights.append(self._series_weights("rnn", lengths))
        stats = self._stat_cache_ if _digest(Y) == self._cache_key_ else self._statistical(Y, H, self.sp_)
        for name, values in stats.items():
            parts.append(values)
            weights.append(self._series_weights(name, lengths))
        if not parts:  # nothing could forecast these series: their last values
            parts, weights = [np.full((H, Y.shape[1]), np.nan)], [np.ones(Y.shape[1])]
        return _combine(parts, weights, history, self.non_negative_)[:horizon]

    def training_history(self):
        return None if not self.members_ else self.members_[0].training_history()


def _holdout_errors(weights, forecasts, nets, truth, scales, history, non_negative, to_members=None):
    """MASE of each held-out series for the combination ``weights`` of the holdout ``forecasts``.

    With ``to_members`` (a collection of series) and at least two holdout ``nets``, a combination that holds
    the nets is scored as if it had ``to_members`` nets, as the final forecast has: the error with each
    holdout net alone in place of their mean (``e1``, averaged over the nets) and the error with their mean
    of ``k`` (``ek``) are extrapolated in 1/n (:func:`._auto_select.extrapolate_ensemble`). Without it,
    the nets' holdout noise, which the final ensemble of ``to_members`` nets averages away, is charged to
    every candidate that holds them: on the training parts of M4 Weekly and Hourly
    (``benchmarks/m4_ensemble_choice.py``, stop 26) the statistical share it chose helped the 2 holdout nets
    but not the 6 final ones, and the extrapolation predicted the 6 nets' sign in every Hourly case. With
    one series it is not used: on the single-series dev set (``benchmarks/auto_selection_dev.py``) it did
    not help (MASE 1.377 against 1.367).
    """
    names = [name for name in weights if name in forecasts]
    combined = _combine([forecasts[n] for n in names], [weights[n] for n in names], history, non_negative)
    errors = np.mean(np.abs(truth - combined), axis=0) / scales
    k = len(nets)
    if to_members is None or k < 2 or to_members <= k or weights.get("rnn", 0) <= 0 or "rnn" not in names:
        return errors
    single = np.zeros_like(errors)
    for net in nets:
        parts = [net if n == "rnn" else forecasts[n] for n in names]
        alone = _combine(parts, [weights[n] for n in names], history, non_negative)
        single += np.mean(np.abs(truth - alone), axis=0) / scales / k
    return extrapolate_ensemble(single, errors, k, to_members)


def _without_nets(weights):
    """``weights`` with the nets' share given to the others in proportion (no net could train); all zero
    when nothing else has a weight (the last values are then the forecast)."""
    rest = {name: w for name, w in weights.items() if name != "rnn" and w > 0}
    total = sum(rest.values()) or 1.0
    return {name: (rest[name] / total if name in rest else 0.0) for name in weights}


def _digest(Y: np.ndarray) -> str:
    """A fingerprint of a history: the statistical forecasts of the training data are kept, not recomputed."""
    return hashlib.sha256(np.ascontiguousarray(Y, dtype=np.float64).tobytes()).hexdigest()


def _n_windows(lengths, plan, k, horizon):
    """Training windows of the plan's ``k``-th window length over series of ``lengths`` observations."""
    return int(np.ceil(_windows(lengths, plan.window_lengths[k], horizon, plan.min_observations) / plan.window_step))


def _final_epochs(plan, holdout_info):
    """Epochs of the final nets, per window length: with early stopping, the median best epoch of the holdout
    nets of that length at the latest origin (of all lengths if none); without it, None (the plan's)."""
    if plan.patience is None or not holdout_info:
        return None
    latest = [row for row in holdout_info if row["origin"] == 0]
    out = []
    for length in plan.window_lengths:
        best = [row["best_epoch"] for row in latest if row["window_length"] == length] or [
            row["best_epoch"] for row in latest
        ]
        out.append(max(1, int(np.median(best))))
    return out


def _best_epoch(history):
    """The epoch with the lowest validation loss under early stopping, else the number of epochs trained."""
    losses = [row.get("valid_loss") for row in history]
    if history and all(v is not None for v in losses):
        return int(np.argmin(losses)) + 1
    return max(1, len(history))
