"""The result of :func:`~seqforecast.reporting.compare`: scores, tables, tests, plots and report writers.

Scores
------
Every forecast (one model, one origin, one series, ``horizon`` steps) is scored on its own by
:func:`seqforecast.metrics.scores_per_series`; the leaderboard reports the mean and the standard deviation
of these scores over origins and series:

* MAE, RMSE (root of the mean squared error over the horizon), sMAPE (M4's, in percent);
* MASE: MAE divided by the in-sample MAE of the seasonal naive forecast (lag ``sp``) on the data that
  forecast was made from: the training window of its origin, so no score uses data after its cutoff.

The MASE of a forecast is undefined when its training window has at most ``sp`` values or repeats exactly
at lag ``sp`` (a zero scale, e.g. a constant series): it is NaN then, with a
:class:`~seqforecast.exceptions.SeqforecastWarning` that says why, and the MASE means leave it out. The
scale depends only on the origin and the series, so every model loses the same forecasts and their means
stay comparable; the other metrics score those forecasts as usual.
"""

from __future__ import annotations

import json
import math
import numbers
import warnings
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from ..._utils.metadata import PACKAGES, machine, versions
from ..._utils.validation import check_option
from ...exceptions import SeqforecastWarning
from ..backtest import TIMING_COLUMNS
from ..metrics import mae, rmse, scores_per_series, smape
from ..significance import _dm_from_differential

__all__ = ["ComparisonResult"]

_METRICS = ("mase", "smape", "mae", "rmse")
_SCALE_FREE = {"smape": smape, "mae": mae, "rmse": rmse}


def _step_score(metric, true, pred, scale):
    """One step after the cutoff, over all forecasts: the metric of the forecasts' values at that step.

    MASE there is the MAE of the values in units of each forecast's scale (``|e| / scale`` averaged),
    leaving out the forecasts without a scale.
    """
    if metric != "mase":
        return _SCALE_FREE[metric](true, pred)
    defined = scale > 0
    if not defined.any():
        return np.nan
    return mae(true[defined] / scale[defined], pred[defined] / scale[defined])


class ComparisonResult:
    """Forecasts of several models on the same backtest, and everything to report on them.

    Made by :func:`compare`; all tables are computed on demand from ``results``.

    Attributes
    ----------
    results : DataFrame
        The tidy backtest frame of all models (see :func:`~seqforecast.backtest`).
    y : Series or DataFrame
        The series that were backtested.
    origins : ndarray of shape (n_origins, 4)
        Row bounds of every origin (:func:`~seqforecast.model_selection.backtest_origins`).
    sp : int
        Seasonal period of the MASE scale.
    baselines : list of str
        Models counted as baselines (``seqforecast.baselines.is_baseline``).
    histories : dict of str -> dict
        Per net, its training curve per fit: ``{model: {cutoff: [{"epoch", "train_loss", ...}, ...]}}``.
    models : dict of str -> forecaster
        The (unfitted) forecasters, by name.
    settings : dict
        The backtest settings, for the report.
    """

    def __init__(self, results, y, *, origins, sp, settings, baselines=(), histories=None, models=None):
        self.results = results
        self.y = y
        self.origins = np.asarray(origins)
        self.sp = sp
        self.settings = dict(settings)
        self.baselines = list(baselines)
        self.histories = dict(histories or {})
        self.models = dict(models or {})

    # ------------------------------------------------------------------------------------ scores
    @property
    def model_names(self):
        return list(dict.fromkeys(self.results["model"]))

    def _forecast_scores(self):
        """One row per forecast: ``model, cutoff, series``, its scores and its MASE ``scale`` (cached per
        ``results``)."""
        cached = getattr(self, "_scores_cache", None)
        if cached is None or cached[0] is not self.results:
            cached = (self.results, self._compute_forecast_scores())
            self._scores_cache = cached
        return cached[1].copy()

    def _compute_forecast_scores(self):
        Y = self.y.to_numpy(dtype=np.float64).reshape(len(self.y), -1)  # [n] -> [n, S]
        columns = ["y" if self.y.name is None else self.y.name] if self.y.ndim == 1 else list(self.y.columns)
        windows = {self.y.index[b - 1]: (a, b) for a, b, _, _ in self.origins}  # cutoff -> training rows
        first_rows, names, values = [], [], []
        for (_, cutoff), block in self.results.groupby(["model", "cutoff"], sort=False):
            series = list(dict.fromkeys(block["series"]))
            true = block.pivot(index="horizon_step", columns="series", values="y_true")[series]  # [H, S]
            pred = block.pivot(index="horizon_step", columns="series", values="y_pred")[series]  # [H, S]
            a, b = windows[cutoff]
            train = Y[a:b][:, [columns.index(s) for s in series]]  # [window, S], leading NaN kept
            scores = scores_per_series(true.to_numpy(), pred.to_numpy(), y_train=train, sp=self.sp)
            first_rows += [block.index[0]] * len(series)
            names += series
            values.append(np.column_stack([scores[k] for k in (*_METRICS, "scale")]))  # [S, 5]
        table = self.results.loc[first_rows, ["model", "cutoff"]].reset_index(drop=True)
        table["series"] = names
        table[[*_METRICS, "scale"]] = np.vstack(values)
        self._warn_undefined_mase(table)
        return table

    def _warn_undefined_mase(self, table):
        pairs = table.drop_duplicates(["cutoff", "series"])["scale"]
        short, zero = int(pairs.isna().sum()), int((pairs == 0).sum())
        if not short + zero:
            return
        reasons = []
        if zero:
            reasons.append(
                f"{zero} training window(s) repeat exactly at lag sp={self.sp} (a zero scale, e.g. a constant series)"
            )
        if short:
            reasons.append(f"{short} training window(s) have at most sp={self.sp} values")
        warnings.warn(
            f"MASE is undefined for {short + zero} (origin, series) pair(s): {' and '.join(reasons)}. Their MASE "
            "is NaN and left out of the MASE means (the same forecasts for every model); sMAPE, MAE and RMSE "
            "score them.",
            SeqforecastWarning,
            stacklevel=4,
        )

    def scores(self):
        """One row per forecast (model, cutoff, series): MASE, sMAPE, MAE and RMSE over the horizon.

        Returns
        -------
        DataFrame with columns ``model, cutoff, series, mase, smape, mae, rmse``; ``mase`` is NaN where
        it is undefined (see the module docstring).
        """
        return self._forecast_scores()[["model", "cutoff", "series", *_METRICS]]

    def leaderboard(self):
        """Per model: mean and spread of each score over forecasts, timings; best MASE first.

        Returns
        -------
        DataFrame indexed by model, with columns ``mase, mase_std, smape, smape_std, mae, mae_std, rmse,
        rmse_std`` (mean and standard deviation, ddof=1, over the ``n_forecasts`` = origins x series
        forecasts; the MASE ones over the forecasts where it is defined), ``fit_seconds`` and
        ``predict_seconds`` (mean seconds per origin; an origin without a refit counts 0), ``n_forecasts``
        and ``baseline`` (bool). Sorted by MASE, then by name; a model without any defined MASE comes last.
        """
        scores = self.scores()
        grouped = scores.groupby("model", sort=False)
        table = pd.DataFrame(index=pd.Index(self.model_names, name="model"))
        for metric in _METRICS:
            table[metric] = grouped[metric].mean()
            table[f"{metric}_std"] = grouped[metric].std(ddof=1)
        timings = self.results.groupby(["model", "cutoff"], sort=False)[TIMING_COLUMNS].first()
        table[TIMING_COLUMNS] = timings.groupby(level="model", sort=False).mean()
        table["n_forecasts"] = grouped.size()
        table["baseline"] = [name in self.baselines for name in table.index]
        table["_name"] = table.index
        return table.sort_values(["mase", "_name"], na_position="last").drop(columns="_name")

    def coverage_table(self):
        """Per model, how well its prediction intervals hold: coverage, ACD, mean width, MSIS.

        Only for a comparison made with ``coverage`` (else ``ValueError``); a model without intervals is
        listed with ``intervals`` False and NaN scores. How each score is computed:
        :mod:`seqforecast.evaluation.reporting.intervals`.

        Returns
        -------
        DataFrame indexed by model (leaderboard order), with columns ``intervals, coverage, acd, width, msis,
        n_forecasts``.
        """
        from .intervals import coverage_table

        return coverage_table(
            self.results,
            self.y,
            origins=self.origins,
            sp=self.sp,
            coverage=self.settings.get("coverage"),
            scales=self._forecast_scores(),
            models=list(self.leaderboard().index),
        )

    def errors_by_horizon(self, metric="mase"):
        """The error at each step after the cutoff, per model, over all its forecasts.

        Parameters
        ----------
        metric : {"mase", "smape", "mae", "rmse"}, default="mase"
            At step ``k``: the metric of the forecasts' values at that step (the mean over forecasts of
            ``|e_k| / scale``, of the sMAPE term, of ``|e_k|``, or the root of the mean of ``e_k ** 2``).

        Returns
        -------
        DataFrame of shape (horizon, n_models)
            Indexed by ``horizon_step``; columns in leaderboard order.
        """
        check_option(metric, "metric", _METRICS, "errors_by_horizon")
        rows = self.results[["model", "series", "cutoff", "horizon_step", "y_true", "y_pred"]]
        scales = self._forecast_scores().drop_duplicates(["cutoff", "series"]).set_index(["cutoff", "series"])
        scale = scales["scale"].reindex(pd.MultiIndex.from_frame(rows[["cutoff", "series"]])).to_numpy()
        true, pred = rows["y_true"].to_numpy(), rows["y_pred"].to_numpy()
        values = {}
        for (model, step), at in rows.groupby(["model", "horizon_step"], sort=False).indices.items():
            values[(step, model)] = _step_score(metric, true[at], pred[at], scale[at])
        table = pd.Series(values).unstack()
        table.index.name = "horizon_step"
        order = [m for m in self.leaderboard().index if m in table.columns]
        table = table[order]
        table.columns.name = "model"
        return table

    def best_baseline(self):
        """Name of the baseline with the lowest mean MASE (None when there is no baseline, or no baseline
        has a defined MASE)."""
        board = self.leaderboard()
        board = board[board["baseline"] & board["mase"].notna()]
        return None if board.empty else board.index[0]

    def significance(self, reference=None, *, loss="absolute", alpha=0.05):
        """Diebold-Mariano tests (HLN-corrected) of every model against a reference model.

        For each origin, the loss of a model is the mean over its series of the MASE of its forecast
        (``loss="absolute"``: the mean of ``|e| / scale`` over horizon and series) or of ``(RMSE / scale)
        ** 2`` (``"squared"``: the mean of ``(e / scale) ** 2``), with the MASE scale of each origin and
        series (series without one left out); the test runs on the differences to the reference over the
        ``n_origins`` origins, oldest first. Forecast windows of origins less than ``horizon`` steps apart
        overlap, so the autocovariances go up to lag ``h - 1 = ceil(horizon / step) - 1`` (capped at
        ``n_origins - 2``, as the test needs ``h < n``).

        Parameters
        ----------
        reference : str or None, default=None
            The model to test against; None means the best baseline (:meth:`best_baseline`).
        loss : {"absolute", "squared"}, default="absolute"
        alpha : float in (0, 1), default=0.05
            Significance level of the ``verdict`` column.

        Returns
        -------
        DataFrame indexed by model (every model but the reference, in leaderboard order), with columns
        ``reference, loss, mean_difference`` (model minus reference: negative means the model is more
        accurate), ``statistic, p_value, n_origins, h, verdict`` (``"better"``, ``"worse"``, ``"no
        significant difference"``, or ``"too few origins"`` with fewer than 3 origins, where the statistic
        and the p-value are NaN).
        """
        check_option(loss, "loss", ("absolute", "squared"), "significance")
        if reference is None:
            reference = self.best_baseline()
            if reference is None:
                raise ValueError(
                    "significance: there is no baseline among the models to test against; name one with "
                    f"reference=..., one of {self.model_names}."
                )
        if reference not in self.model_names:
            raise ValueError(f"significance: unknown reference {reference!r}; the models are {self.model_names}.")
        scores = self._forecast_scores()
        if loss == "absolute":
            scores["loss"] = scores["mase"]
        else:
            scores["loss"] = (scores["rmse"] / scores["scale"].where(scores["scale"] > 0)) ** 2
        per_origin = scores.pivot_table(
            index="cutoff", columns="model", values="loss", aggfunc="mean", sort=True
        )  # [n_origins, n_models], oldest origin first
        h = math.ceil(self.settings["horizon"] / self.settings["step"])
        out = []
        for model in self.leaderboard().index:
            if model == reference:
                continue
            d = (per_origin[model] - per_origin[reference]).dropna().to_numpy()
            h_used = min(h, max(len(d) - 1, 1))
            if len(d) < 3:
                stat, p, verdict = np.nan, np.nan, "too few origins"
            else:
                test = _dm_from_differential(d, h_used)
                stat, p = test.statistic, test.pvalue
                verdict = (
                    "no significant difference" if not p < alpha else "better" if test.mean_difference < 0 else "worse"
                )
            out.append(
                {
                    "model": model,
                    "reference": reference,
                    "loss": loss,
                    "mean_difference": float(d.mean()) if len(d) else np.nan,
                    "statistic": stat,
                    "p_value": p,
                    "n_origins": len(d),
                    "h": h_used,
                    "verdict": verdict,
                }
            )
        columns = ["model", "reference", "loss", "mean_difference", "statistic", "p_value", "n_origins", "h", "verdict"]
        return pd.DataFrame(out, columns=columns).set_index("model")

    # ------------------------------------------------------------------------------------- summary
    def _candidate(self, board):
        """The model the report is about: the best net, else the best model that is not a baseline."""
        others = board[~board["baseline"]]
        if others.empty:
            return None
        nets = [m for m in others.index if m in self.histories]
        return nets[0] if nets else others.index[0]

    def summary(self, alpha=0.05):
        """A few sentences answering "does the best net (or model) beat the best baseline?".

        The degenerate cases are said as they are: one model alone has nothing to be ranked against; a MASE
        undefined for every forecast (every training window constant, or too short) ranks nothing and tests
        nothing; equal MASE is a tie, not a loss.
        """
        board = self.leaderboard()
        candidate, reference = self._candidate(board), self.best_baseline()
        n_origins, n_series = len(self.origins), self.results["series"].nunique()
        context = (
            f"{n_series} series, {n_origins} origins ({self.settings['window']} window, step "
            f"{self.settings['step']}), horizon {self.settings['horizon']}, seasonal period {self.sp}."
        )
        baselines = [m for m in board.index if m in self.baselines]
        others = [m for m in board.index if m not in self.baselines]
        compared = (
            f"Compared: {_listing(baselines, 'baseline')} and {_listing(others, 'other model')}."
            if baselines and others
            else f"Compared: {_listing(baselines or others, 'baseline' if baselines else 'model')}."
        )
        defined = board["mase"].notna()
        if len(board) == 1:
            name = board.index[0]
            kind = "baseline" if baselines else "model"
            score = f"MASE {board.loc[name, 'mase']:.3f}" if defined.iloc[0] else "MASE undefined: see the warning"
            return f"Only one {kind} was compared, {name} ({score}), so there is nothing to rank it against. {context}"
        if not defined.any():
            return (
                "MASE is undefined for every forecast (see the warning), so the models are not ranked and no test "
                f"is made; compare their sMAPE, MAE and RMSE in the leaderboard. {compared} {context}"
            )
        best = board.index[0]  # the leaderboard puts the models without a defined MASE last
        if candidate is None:
            return (
                f"Only baselines were compared; the lowest MASE is {best}'s ({board.loc[best, 'mase']:.3f}). "
                f"{compared} {context}"
            )
        if reference is None:
            return (
                f"No baseline was compared, so there is nothing to beat; the lowest MASE is {best}'s "
                f"({board.loc[best, 'mase']:.3f}). {compared} {context}"
            )
        m_cand, m_ref = board.loc[candidate, "mase"], board.loc[reference, "mase"]
        test = self.significance(reference, alpha=alpha).loc[candidate]
        change = f" ({100.0 * (m_cand - m_ref) / m_ref:+.1f}%)" if m_ref > 0 else ""
        figures = (
            f"{candidate} has MASE {m_cand:.3f} against {m_ref:.3f} for {reference}, the best "
            f"of {len(baselines)} baseline(s){change}."
        )
        if m_cand == m_ref:
            answer = "No: its MASE equals the best baseline's (a tie)."
        elif test["verdict"] == "too few origins":
            answer = (
                "Lower MASE, but untested" if m_cand < m_ref else "No"
            ) + f": with {n_origins} origins there are too few forecasts for a significance test."
        elif test["verdict"] == "better":
            answer = (
                f"Yes: the Diebold-Mariano test (HLN correction, absolute scaled errors) finds it "
                f"significantly more accurate (p = {test['p_value']:.3g} < {alpha})."
            )
        elif test["verdict"] == "worse":
            answer = (
                f"No: the Diebold-Mariano test finds it significantly less accurate "
                f"(p = {test['p_value']:.3g} < {alpha})."
            )
        elif m_cand < m_ref:
            answer = (
                f"Not clearly: its MASE is lower, but the difference is not significant at the "
                f"{alpha:g} level (Diebold-Mariano p = {test['p_value']:.3g}, {n_origins} origins)."
            )
        else:
            answer = (
                f"No: its MASE is higher (the difference is not significant, Diebold-Mariano p = "
                f"{test['p_value']:.3g})."
            )
        return f"Does {candidate} beat the best baseline? {answer} {figures} {context}"

    # --------------------------------------------------------------------------------------- plots
    def plot_forecasts(self, *, max_series=4):
        """Figure: actuals and every model's forecasts from every origin (intervals shaded when present)."""
        from .plots import plot_forecasts

        return plot_forecasts(self, max_series=max_series)

    def plot_errors_by_horizon(self, metric="mase"):
        """Figure: the error at each step after the cutoff, one line per model."""
        from .plots import plot_errors_by_horizon

        return plot_errors_by_horizon(self.errors_by_horizon(metric), metric)

    def plot_training_curves(self):
        """Figure: training (and validation) loss per epoch of every net's fits; None without nets."""
        from .plots import plot_training_curves

        return plot_training_curves(self.histories)

    # ------------------------------------------------------------------------------------- writers
    def to_csv(self, path):
        """Write the tidy results (all models, all origins) to ``path``."""
        self.results.to_csv(path, index=False)
        return Path(path)

    def to_markdown(self, path, *, images=None):
        """Write a Markdown report: summary, leaderboard, coverage (with ``coverage``), significance and
        per-horizon tables.

        ``images``: optional ``{title: relative path}`` of PNG files to link (as :meth:`save` does).
        """
        from .html import render_markdown

        Path(path).write_text(render_markdown(self, images=images or {}), encoding="utf-8")
        return Path(path)

    def to_html(self, path):
        """Write one self-contained HTML page (plots embedded as base64 PNG data URIs, no external assets)."""
        from .html import render_html

        Path(path).write_text(render_html(self), encoding="utf-8")
        return Path(path)

    def metadata(self):
        """Versions, machine, seeds and settings of the comparison, JSON-ready."""
        models, seeds = {}, {}
        for name, forecaster in self.models.items():
            params = forecaster.get_params(deep=True) if hasattr(forecaster, "get_params") else {}
            models[name] = {
                "class": f"{type(forecaster).__module__}.{type(forecaster).__name__}",
                "baseline": name in self.baselines,
                "params": {k: _jsonable(v) for k, v in params.items()},
            }
            found = {k: _jsonable(v) for k, v in params.items() if k.split("__")[-1] == "random_state"}
            if found:
                seeds[name] = found
        return {
            "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "versions": versions((*PACKAGES, "joblib", "matplotlib")),
            "machine": machine(),
            "seeds": seeds,
            "settings": {
                **{k: _jsonable(v) for k, v in self.settings.items()},
                "n_origins": len(self.origins),
                "cutoffs": [str(self.y.index[b - 1]) for b in self.origins[:, 1]],
                "n_series": int(self.results["series"].nunique()),
                "n_timesteps": len(self.y),
            },
            "models": models,
        }

    def save(self, directory):
        """Write the whole report into ``directory`` (created if needed).

        Files: ``report.html`` (self-contained), ``report.md`` (with the plots as PNG files beside it),
        ``results.csv`` (tidy forecasts), ``leaderboard.csv``, ``coverage.csv`` (with ``coverage``:
        :meth:`coverage_table`), ``significance.csv``, ``errors_by_horizon.csv`` and ``metadata.json``
        (versions, machine, seeds, settings).

        Returns
        -------
        dict of str -> Path
            The files written, by name.
        """
        from .plots import figure_png

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        written = {"results.csv": self.to_csv(directory / "results.csv")}
        self.leaderboard().to_csv(directory / "leaderboard.csv")
        written["leaderboard.csv"] = directory / "leaderboard.csv"
        if self.settings.get("coverage") is not None:
            self.coverage_table().to_csv(directory / "coverage.csv")
            written["coverage.csv"] = directory / "coverage.csv"
        if self.best_baseline() is not None and len(self.model_names) > 1:
            self.significance().to_csv(directory / "significance.csv")
            written["significance.csv"] = directory / "significance.csv"
        self.errors_by_horizon().to_csv(directory / "errors_by_horizon.csv")
        written["errors_by_horizon.csv"] = directory / "errors_by_horizon.csv"
        from .html import FIGURES

        images = {}
        for title, filename, method, _, _ in FIGURES:
            figure = getattr(self, method)()
            if figure is not None:
                (directory / filename).write_bytes(figure_png(figure))
                images[title] = filename
                written[filename] = directory / filename
        written["report.md"] = self.to_markdown(directory / "report.md", images=images)
        written["report.html"] = self.to_html(directory / "report.html")
        (directory / "metadata.json").write_text(json.dumps(self.metadata(), indent=2), encoding="utf-8")
        written["metadata.json"] = directory / "metadata.json"
        return written

    def __repr__(self):
        return (
            f"ComparisonResult({len(self.model_names)} models, {len(self.origins)} origins, "
            f"horizon={self.settings.get('horizon')})"
        )


def _listing(names, noun):
    """``["a", "b"]`` -> ``"2 baselines (a, b)"``."""
    return f"{len(names)} {noun}{'' if len(names) == 1 else 's'} ({', '.join(names)})"


def _jsonable(value):
    """Numbers, strings, bools, None, dicts and lists as JSON; anything else by its repr (cut at 200 chars)."""
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."
