"""Compare forecasters on a rolling-origin backtest and report it: "does my RNN beat ARIMA?" in one call.

:func:`compare` backtests every model (and, unless told otherwise, the naive, seasonal naive and automatic
ARIMA baselines) on the same origins and returns a :class:`ComparisonResult`: the tidy forecasts of all
models, a leaderboard, errors by horizon step, Diebold-Mariano tests against the best baseline, plots, and
writers for CSV, Markdown and one self-contained HTML page.

Scores
------
Every forecast (one model, one origin, one series, ``horizon`` steps) is scored on its own; the leaderboard
reports the mean and the standard deviation of these scores over origins and series:

* MAE, RMSE (root of the mean squared error over the horizon), sMAPE (M4's, in percent);
* MASE: MAE divided by the in-sample MAE of the seasonal naive forecast (lag ``sp``) on the data that
  forecast was made from: the training window of its origin, so no score uses data after its cutoff.

:func:`diebold_mariano` tests equal predictive accuracy (Diebold & Mariano, 1995) with the small-sample
correction of Harvey, Leybourne & Newbold (1997).
"""

from __future__ import annotations

import json
import math
import numbers
import os
import platform
import sys
import time
import warnings
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from ..significance import DieboldMarianoResult, _dm_from_differential, diebold_mariano
from ...exceptions import SeqforecastWarning
from ..backtest import TIMING_COLUMNS, _run_backtest, backtest_origins

__all__ = ["compare", "ComparisonResult", "diebold_mariano", "DieboldMarianoResult"]

_METRICS = ("mase", "smape", "mae", "rmse")
_BASELINE_MODULES = ("seqforecast.baselines", "seqforecast.arima")

# ---------------------------------------------------------------------------------------------- compare
def _named_models(forecasters):
    """A dict name -> forecaster from a dict, a list or one forecaster; names must be unique strings."""
    if isinstance(forecasters, dict):
        for name in forecasters:
            if not isinstance(name, str) or not name:
                raise TypeError(f"compare: model names must be non-empty strings; got {name!r}.")
        return dict(forecasters)
    if hasattr(forecasters, "fit") and hasattr(forecasters, "forecast"):
        forecasters = [forecasters]
    if not isinstance(forecasters, (list, tuple)):
        raise TypeError(
            f"compare: forecasters must be a dict name -> forecaster, a list of forecasters or one forecaster; "
            f"got {type(forecasters).__name__}."
        )
    named = {}
    for forecaster in forecasters:
        name = type(forecaster).__name__
        if name in named:
            raise ValueError(
                f"compare: two models are named {name!r} (their class name); pass a dict with distinct names, "
                f"e.g. {{'{name}_a': ..., '{name}_b': ...}}."
            )
        named[name] = forecaster
    return named


def _default_baselines(sp):
    """The baselines compare adds: naive, seasonal naive (sp > 1) and automatic ARIMA, as importable."""
    candidates = [("NaiveForecaster", "baselines", lambda cls: cls())]
    if sp > 1:
        candidates.append(("SeasonalNaiveForecaster", "baselines", lambda cls: cls(sp=sp)))
    candidates.append(("ARIMAForecaster", "arima", lambda cls: cls(sp=sp)))
    found = {}
    for name, module, make in candidates:
        try:
            cls = getattr(__import__(f"seqforecast.{module}", fromlist=[name]), name)
        except (ImportError, AttributeError) as exc:
            warnings.warn(
                f"compare: the baseline {name} is not available (seqforecast.{module}: {exc}); it is left out "
                "of the comparison.", SeqforecastWarning, stacklevel=3,
            )
            continue
        found[name] = make(cls)
    return found


def _is_baseline(forecaster):
    return type(forecaster).__module__ in _BASELINE_MODULES


def compare(forecasters, y, X=None, *, horizon, sp=1, baselines=True, initial_window=None, step=None,
            window="expanding", window_length=None, refit=True, n_jobs=None, verbose=0, coverage=None):
    """Backtest several forecasters on the same origins, beside the standard baselines.

    Parameters
    ----------
    forecasters : dict of str -> forecaster, list of forecasters, or one forecaster
        The models to assess; a list names each by its class name.
    y : Series of shape (n_timesteps,) or DataFrame of shape (n_timesteps, n_series)
    X : DataFrame or array-like of shape (n_timesteps, n_covariates), default=None
        Known-ahead covariates, given to every model (baselines refuse covariates: pass None then).
    horizon : int >= 1
        Steps forecast from each origin.
    sp : int >= 1, default=1
        Seasonal period: of the MASE scale and of the seasonal baselines (12 for monthly data).
    baselines : bool, default=True
        Add ``NaiveForecaster()``, ``SeasonalNaiveForecaster(sp)`` (when ``sp > 1``) and the automatic
        ``ARIMAForecaster(sp=sp)``, unless a model of that name is already given. A baseline that cannot be
        imported is left out with a :class:`~seqforecast.exceptions.SeqforecastWarning`.
    initial_window, step, window, window_length, refit, n_jobs, verbose : see :func:`~seqforecast.backtest`
    coverage : float in (0, 1) or None, default=None
        Record prediction intervals for the models that give them (``y_lower``/``y_upper`` stay NaN for
        the others).

    Returns
    -------
    ComparisonResult

    Examples
    --------
    >>> from seqforecast import RecursiveForecaster, RNNRegressor, compare          # doctest: +SKIP
    >>> from seqforecast.datasets import load_airline                              # doctest: +SKIP
    >>> rnn = RecursiveForecaster(RNNRegressor(cell="gru", random_state=0), window_length=24)  # doctest: +SKIP
    >>> result = compare({"GRU": rnn}, load_airline(), horizon=12, sp=12)           # doctest: +SKIP
    >>> result.leaderboard()                                                       # doctest: +SKIP
    >>> result.save("report/")                                                     # doctest: +SKIP
    """
    started = time.perf_counter()
    models = _named_models(forecasters)
    if isinstance(sp, bool) or not isinstance(sp, numbers.Integral) or sp < 1:
        raise ValueError(f"compare: sp (the seasonal period) must be an int >= 1; got {sp!r}.")
    if baselines:
        for name, forecaster in _default_baselines(int(sp)).items():
            models.setdefault(name, forecaster)
    if not models:
        raise ValueError("compare: no model to compare; pass forecasters, or baselines=True.")
    if not isinstance(y, (pd.Series, pd.DataFrame)):
        raise TypeError(
            f"compare: y must be a pandas Series (one series) or DataFrame (one column per series); got "
            f"{type(y).__name__}."
        )
    origins = backtest_origins(len(y), horizon=horizon, step=step, initial_window=initial_window,
                               window=window, window_length=window_length)  # bad settings fail before any fit
    frames, histories = [], {}
    for name, forecaster in models.items():
        wants_interval = coverage is not None and hasattr(forecaster, "_predict_interval")
        frame, history = _run_backtest(
            forecaster, y, X, horizon=horizon, initial_window=initial_window, step=step, window=window,
            window_length=window_length, refit=refit, n_jobs=n_jobs, verbose=verbose,
            coverage=coverage if wants_interval else None, name=name,
        )
        if coverage is not None and not wants_interval:
            frame.insert(7, "y_lower", np.nan)
            frame.insert(8, "y_upper", np.nan)
        frames.append(frame)
        if history:
            histories[name] = history
    settings = {
        "horizon": int(horizon), "sp": int(sp), "initial_window": initial_window,
        "step": int(horizon if step is None else step), "window": window, "window_length": window_length,
        "refit": refit, "coverage": coverage, "n_jobs": n_jobs, "baselines": bool(baselines),
        "wall_seconds": round(time.perf_counter() - started, 3),
    }
    return ComparisonResult(
        pd.concat(frames, ignore_index=True), y, origins=origins, sp=int(sp), settings=settings,
        baselines=[name for name, f in models.items() if _is_baseline(f)], histories=histories,
        models=models,
    )


# ------------------------------------------------------------------------------------- ComparisonResult
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
        Models counted as baselines (those of ``seqforecast.baselines`` and ``seqforecast.arima``).
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

    def _scales(self):
        """MASE scale per (cutoff, series): in-sample MAE of the lag-sp naive on the origin's training data."""
        Y = self.y.to_numpy(dtype=np.float64).reshape(len(self.y), -1)  # [n] -> [n, S]
        series = ["y" if self.y.name is None else self.y.name] if self.y.ndim == 1 else list(self.y.columns)
        keys, values = [], []
        for a, b, _, _ in self.origins:
            cutoff = self.y.index[b - 1]
            for j, name in enumerate(series):
                train = Y[a:b, j]
                train = train[~np.isnan(train)]  # leading NaN only (the forecasters refuse any other)
                scale = np.mean(np.abs(train[self.sp :] - train[: -self.sp])) if len(train) > self.sp else np.nan
                keys.append((cutoff, name))
                values.append(scale if scale > 0 else np.nan)
        return pd.Series(values, index=pd.MultiIndex.from_tuples(keys, names=["cutoff", "series"]))

    def _scaled_rows(self):
        """``results`` with the error, its absolute value and the scale of every row (cached per ``results``)."""
        cached = getattr(self, "_rows_cache", None)
        if cached is not None and cached[0] is self.results:
            return cached[1].copy()
        frame = self._compute_scaled_rows()
        self._rows_cache = (self.results, frame)
        return frame.copy()

    def _compute_scaled_rows(self):
        frame = self.results[["model", "series", "cutoff", "horizon_step", "y_true", "y_pred"]].copy()
        scales = self._scales()
        keys = pd.MultiIndex.from_arrays([frame["cutoff"], frame["series"]])
        frame["scale"] = scales.reindex(keys).to_numpy()
        frame["error"] = frame["y_true"] - frame["y_pred"]
        frame["abs_error"] = frame["error"].abs()
        den = frame["y_true"].abs() + frame["y_pred"].abs()
        # sMAPE term 200|e| / (|y| + |y_hat|), 0 where both are 0 (an exact forecast), as metrics.smape
        frame["smape"] = np.divide(200.0 * frame["abs_error"], den, out=np.zeros(len(frame)), where=den > 0)
        undefined = int(frame.groupby(["cutoff", "series"], sort=False)["scale"].first().isna().sum())
        if undefined:
            warnings.warn(
                f"MASE is undefined for {undefined} (origin, series) pair(s): their training window has at most "
                f"sp={self.sp} values, or repeats exactly at lag sp (a zero scale). They are left out of the "
                "MASE means.", SeqforecastWarning, stacklevel=3,
            )
        return frame

    def scores(self):
        """One row per forecast (model, cutoff, series): MASE, sMAPE, MAE and RMSE over the horizon.

        Returns
        -------
        DataFrame with columns ``model, cutoff, series, mase, smape, mae, rmse``.
        """
        rows = self._scaled_rows()
        rows["squared_error"] = rows["error"] ** 2
        grouped = rows.groupby(["model", "cutoff", "series"], sort=False)
        out = grouped.agg(mae=("abs_error", "mean"), mse=("squared_error", "mean"), smape=("smape", "mean"),
                          scale=("scale", "first"))
        out["mase"] = out["mae"] / out["scale"]
        out["rmse"] = np.sqrt(out["mse"])
        return out[list(_METRICS)].reset_index()

    def leaderboard(self):
        """Per model: mean and spread of each score over forecasts, timings; best MASE first.

        Returns
        -------
        DataFrame indexed by model, with columns ``mase, mase_std, smape, smape_std, mae, mae_std, rmse,
        rmse_std`` (mean and standard deviation, ddof=1, over the ``n_forecasts`` = origins x series
        forecasts), ``fit_seconds`` and ``predict_seconds`` (mean seconds per origin; an origin without a
        refit counts 0), ``n_forecasts`` and ``baseline`` (bool). Sorted by MASE, then by name.
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

    def errors_by_horizon(self, metric="mase"):
        """The mean error at each step after the cutoff, per model.

        Parameters
        ----------
        metric : {"mase", "smape", "mae", "rmse"}, default="mase"
            At step ``k``: the mean over forecasts of ``|e_k| / scale`` (MASE), of the sMAPE term, of
            ``|e_k|``, or the root of the mean of ``e_k ** 2``.

        Returns
        -------
        DataFrame of shape (horizon, n_models)
            Indexed by ``horizon_step``; columns in leaderboard order.
        """
        if metric not in _METRICS:
            raise ValueError(f"errors_by_horizon: metric must be one of {list(_METRICS)}; got {metric!r}.")
        rows = self._scaled_rows()
        column = {"mase": "scaled", "smape": "smape", "mae": "abs_error", "rmse": "squared"}[metric]
        rows["scaled"] = rows["abs_error"] / rows["scale"]
        rows["squared"] = rows["error"] ** 2
        table = rows.pivot_table(index="horizon_step", columns="model", values=column, aggfunc="mean",
                                 sort=False)
        if metric == "rmse":
            table = np.sqrt(table)
        order = [m for m in self.leaderboard().index if m in table.columns]
        table = table[order]
        table.columns.name = "model"
        return table

    def best_baseline(self):
        """Name of the baseline with the lowest mean MASE (None when there is no baseline)."""
        board = self.leaderboard()
        board = board[board["baseline"] & board["mase"].notna()]
        return None if board.empty else board.index[0]

    def significance(self, reference=None, *, loss="absolute", alpha=0.05):
        """Diebold-Mariano tests (HLN-corrected) of every model against a reference model.

        For each origin, the loss of a model is the mean over the horizon, and over the series, of its
        scaled errors ``|e| / scale`` (``loss="absolute"``: the origin's MASE) or ``(e / scale) ** 2``
        (``"squared"``), with the MASE scale of each origin and series; the test runs on the differences
        to the reference over the ``n_origins`` origins, oldest first. Forecast windows of origins less
        than ``horizon`` steps apart overlap, so the autocovariances go up to lag
        ``h - 1 = ceil(horizon / step) - 1`` (capped at ``n_origins - 2``, as the test needs ``h < n``).

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
        if loss not in ("absolute", "squared"):
            raise ValueError(f"significance: loss must be 'absolute' or 'squared'; got {loss!r}.")
        if reference is None:
            reference = self.best_baseline()
            if reference is None:
                raise ValueError(
                    "significance: there is no baseline among the models to test against; name one with "
                    f"reference=..., one of {self.model_names}."
                )
        if reference not in self.model_names:
            raise ValueError(f"significance: unknown reference {reference!r}; the models are {self.model_names}.")
        rows = self._scaled_rows()
        scaled = rows["error"] / rows["scale"]
        rows["loss"] = scaled.abs() if loss == "absolute" else scaled**2
        per_origin = rows.pivot_table(index="cutoff", columns="model", values="loss", aggfunc="mean",
                                      sort=True)  # [n_origins, n_models], oldest origin first
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
                verdict = ("no significant difference" if not p < alpha
                           else "better" if test.mean_difference < 0 else "worse")
            out.append({"model": model, "reference": reference, "loss": loss,
                        "mean_difference": float(d.mean()) if len(d) else np.nan, "statistic": stat,
                        "p_value": p, "n_origins": len(d), "h": h_used, "verdict": verdict})
        columns = ["model", "reference", "loss", "mean_difference", "statistic", "p_value", "n_origins", "h",
                   "verdict"]
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
        """A few sentences answering "does the best net (or model) beat the best baseline?"."""
        board = self.leaderboard()
        candidate, reference = self._candidate(board), self.best_baseline()
        n_origins, n_series = len(self.origins), self.results["series"].nunique()
        context = (f"{n_series} series, {n_origins} origins ({self.settings['window']} window, step "
                   f"{self.settings['step']}), horizon {self.settings['horizon']}, seasonal period {self.sp}.")
        if candidate is None:
            return f"Only baselines were compared; best: {board.index[0]}. {context}"
        if reference is None:
            return f"No baseline was compared, so nothing to beat; best model: {board.index[0]}. {context}"
        m_cand, m_ref = board.loc[candidate, "mase"], board.loc[reference, "mase"]
        test = self.significance(reference, alpha=alpha).loc[candidate]
        change = 100.0 * (m_cand - m_ref) / m_ref
        lower = m_cand < m_ref
        figures = (f"{candidate} has MASE {m_cand:.3f} against {m_ref:.3f} for {reference}, the best "
                   f"of {len([b for b in board.index if b in self.baselines])} baseline(s) ({change:+.1f}%).")
        if test["verdict"] == "too few origins":
            answer = ("Lower MASE, but untested" if lower else "No") + f": with {n_origins} origins there are " \
                "too few forecasts for a significance test."
        elif test["verdict"] == "better":
            answer = (f"Yes: the Diebold-Mariano test (HLN correction, absolute scaled errors) finds it "
                      f"significantly more accurate (p = {test['p_value']:.3g} < {alpha}).")
        elif test["verdict"] == "worse":
            answer = (f"No: the Diebold-Mariano test finds it significantly less accurate "
                      f"(p = {test['p_value']:.3g} < {alpha}).")
        elif lower:
            answer = (f"Not clearly: its MASE is lower, but the difference is not significant at the "
                      f"{alpha:g} level (Diebold-Mariano p = {test['p_value']:.3g}, {n_origins} origins).")
        else:
            answer = (f"No: its MASE is higher (the difference is not significant, Diebold-Mariano p = "
                      f"{test['p_value']:.3g}).")
        return f"Does {candidate} beat the best baseline? {answer} {figures} {context}"

    # --------------------------------------------------------------------------------------- plots
    def plot_forecasts(self, *, max_series=4):
        """Figure: actuals and every model's forecasts from every origin (intervals shaded when present)."""
        from .plots import plot_forecasts

        return plot_forecasts(self, max_series=max_series)

    def plot_errors_by_horizon(self, metric="mase"):
        """Figure: the mean error at each step after the cutoff, one line per model."""
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
        """Write a Markdown report: summary, leaderboard, significance and per-horizon tables.

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
        versions = {"python": platform.python_version()}
        for module in ("seqforecast", "numpy", "pandas", "scipy", "sklearn", "torch", "skorch", "statsmodels",
                       "joblib", "matplotlib"):
            mod = sys.modules.get(module)
            if mod is None:
                try:
                    mod = __import__(module)
                except ImportError:
                    continue
            versions[module] = getattr(mod, "__version__", "unknown")
        models, seeds = {}, {}
        for name, forecaster in self.models.items():
            params = forecaster.get_params(deep=True) if hasattr(forecaster, "get_params") else {}
            models[name] = {"class": f"{type(forecaster).__module__}.{type(forecaster).__name__}",
                            "baseline": name in self.baselines,
                            "params": {k: _jsonable(v) for k, v in params.items()}}
            found = {k: _jsonable(v) for k, v in params.items() if k.split("__")[-1] == "random_state"}
            if found:
                seeds[name] = found
        return {
            "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "versions": versions,
            "machine": {"platform": platform.platform(), "machine": platform.machine(),
                        "processor": platform.processor(), "cpu_count": os.cpu_count()},
            "seeds": seeds,
            "settings": {**{k: _jsonable(v) for k, v in self.settings.items()},
                         "n_origins": len(self.origins),
                         "cutoffs": [str(self.y.index[b - 1]) for b in self.origins[:, 1]],
                         "n_series": int(self.results["series"].nunique()), "n_timesteps": len(self.y)},
            "models": models,
        }

    def save(self, directory):
        """Write the whole report into ``directory`` (created if needed).

        Files: ``report.html`` (self-contained), ``report.md`` (with the plots as PNG files beside it),
        ``results.csv`` (tidy forecasts), ``leaderboard.csv``, ``significance.csv``,
        ``errors_by_horizon.csv`` and ``metadata.json`` (versions, machine, seeds, settings).

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
        if self.best_baseline() is not None and len(self.model_names) > 1:
            self.significance().to_csv(directory / "significance.csv")
            written["significance.csv"] = directory / "significance.csv"
        self.errors_by_horizon().to_csv(directory / "errors_by_horizon.csv")
        written["errors_by_horizon.csv"] = directory / "errors_by_horizon.csv"
        images = {}
        for title, filename, figure in (("Forecasts", "forecasts.png", self.plot_forecasts()),
                                        ("MASE by horizon step", "errors_by_horizon.png",
                                         self.plot_errors_by_horizon()),
                                        ("Training curves", "training_curves.png", self.plot_training_curves())):
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
        return (f"ComparisonResult({len(self.model_names)} models, {len(self.origins)} origins, "
                f"horizon={self.settings.get('horizon')})")


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
