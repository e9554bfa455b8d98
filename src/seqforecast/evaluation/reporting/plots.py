"""Plots of a comparison, as matplotlib ``Figure`` objects drawn with the Agg backend.

Figures are built with ``matplotlib.figure.Figure`` directly (never ``pyplot``), so making a report touches
no global state, needs no display and leaves the user's backend alone. :func:`figure_png` renders one to
PNG bytes.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd

__all__ = [
    "plot_forecasts",
    "plot_errors_by_horizon",
    "plot_training_curves",
    "plot_attention",
    "figure_png",
    "model_colours",
]

_LABELS = {"mase": "MASE", "smape": "sMAPE (%)", "mae": "MAE", "rmse": "RMSE"}

#: fixed colours of the baselines, by the names compare gives them (their class names)
BASELINE_COLOURS = {
    "NaiveForecaster": "#7f7f7f",
    "SeasonalNaiveForecaster": "#bcbd22",
    "Naive2Forecaster": "#c49c94",
    "ARIMAForecaster": "#1f77b4",
    "ETSForecaster": "#17becf",
    "ThetaForecaster": "#8c564b",
}
#: colours of the other models, picked by a hash of the name (none of them is a baseline's)
MODEL_PALETTE = (
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#e377c2",
    "#393b79",
    "#637939",
    "#843c39",
    "#7b4173",
    "#e7969c",
    "#31a354",
    "#fd8d3c",
)


def model_colours(names):
    """A colour per model name that does not depend on which other models a report shows.

    Baselines have fixed colours (:data:`BASELINE_COLOURS`); any other name gets the colour of
    :data:`MODEL_PALETTE` at ``crc32(name) % 12`` (a hash that is the same in every process and version).
    Only when two models of one report hash to the same colour does the later one (in sorted order of the
    names) take the next free colour of the palette; beyond 12 models colours repeat.

    Parameters
    ----------
    names : iterable of str

    Returns
    -------
    dict of str -> str
        Hex colour per name.
    """
    import zlib

    colours = {name: BASELINE_COLOURS[name] for name in names if name in BASELINE_COLOURS}
    taken = set()
    for name in sorted(set(names) - set(colours)):
        start = zlib.crc32(name.encode("utf-8")) % len(MODEL_PALETTE)
        for k in range(len(MODEL_PALETTE)):
            colour = MODEL_PALETTE[(start + k) % len(MODEL_PALETTE)]
            if colour not in taken:
                break
        else:  # more models than colours
            colour = MODEL_PALETTE[start]
        taken.add(colour)
        colours[name] = colour
    return colours


def _figure(width, height):
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - matplotlib is a dependency
        raise ImportError("seqforecast's plots need matplotlib: pip install matplotlib") from None
    figure = Figure(figsize=(width, height), layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def figure_png(figure, dpi=100) -> bytes:
    """The figure as PNG bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _x(labels):
    """Index labels as values matplotlib can place: periods become timestamps."""
    index = pd.Index(labels)
    if isinstance(index, pd.PeriodIndex):
        return index.to_timestamp()
    return index


def plot_forecasts(result, *, max_series=4):
    """Actuals (black) and each model's forecasts from every origin, one panel per series (the first few).

    Prediction intervals, when the backtest recorded them, are shaded in the model's colour.
    """
    results = result.results
    names = list(dict.fromkeys(results["series"]))[:max_series]
    models = list(result.leaderboard().index)
    colours = model_colours(models)
    figure = _figure(10, 3.2 * len(names))
    axes = figure.subplots(len(names), 1, squeeze=False)[:, 0]
    y = result.y.to_frame(name="y" if result.y.name is None else result.y.name) if result.y.ndim == 1 else result.y
    first_row = max(int(result.origins[0, 1]) - 3 * result.settings["horizon"], 0)
    for ax, name in zip(axes, names):
        actual = y[name].iloc[first_row:]
        ax.plot(_x(actual.index), actual.to_numpy(), color="black", linewidth=1.5, label="actual")
        rows = results[results["series"] == name]
        for model in models:
            shown = False
            for _, path in rows[rows["model"] == model].groupby("cutoff", sort=True):
                x = _x(path["timestamp"])
                ax.plot(
                    x,
                    path["y_pred"].to_numpy(),
                    color=colours[model],
                    linewidth=1,
                    alpha=0.85,
                    label=None if shown else model,
                )
                if "y_lower" in path and path["y_lower"].notna().all():
                    ax.fill_between(
                        x,
                        path["y_lower"].to_numpy(),
                        path["y_upper"].to_numpy(),
                        color=colours[model],
                        alpha=0.2,
                        linewidth=0,
                    )
                shown = True
        for cutoff in _x(results["cutoff"].drop_duplicates()):
            ax.axvline(cutoff, color="grey", linewidth=0.5, alpha=0.4)
        ax.set_title(f"{name}: forecasts from each origin (grey lines: cutoffs)", fontsize=10)
        ax.legend(fontsize=8, ncol=min(len(models) + 1, 4), loc="upper left")
    return figure


def plot_errors_by_horizon(table, metric="mase"):
    """One line per model: the mean error at each step after the cutoff (``table`` from errors_by_horizon)."""
    figure = _figure(7, 4)
    ax = figure.subplots()
    colours = model_colours([str(model) for model in table.columns])
    for model in table.columns:
        ax.plot(
            table.index.to_numpy(),
            table[model].to_numpy(),
            marker="o",
            markersize=3,
            color=colours[str(model)],
            label=model,
        )
    ax.set_xlabel("steps after the cutoff")
    ax.set_ylabel(_LABELS.get(metric, metric))
    ax.set_title(f"{_LABELS.get(metric, metric)} by horizon step", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    return figure


def plot_training_curves(histories, *, max_models=4):
    """Per net, training (solid) and validation (dashed, when the fits held data out) loss per epoch of every
    fit; None without nets. A panel's title says which curves it draws.

    ``histories``: ``{model: {cutoff: [{"epoch", "train_loss", "valid_loss"?}, ...]}}``.
    """
    models = [m for m, fits in histories.items() if any(fits.values())][:max_models]
    if not models:
        return None
    figure = _figure(7, 3 * len(models))
    axes = figure.subplots(len(models), 1, squeeze=False)[:, 0]
    for ax, model in zip(axes, models):
        fits, with_valid = histories[model], False
        for k, (cutoff, history) in enumerate(fits.items()):
            epochs = np.array([row.get("epoch", i + 1) for i, row in enumerate(history)])
            colour = f"C{k % 10}"
            train = [row.get("train_loss", np.nan) for row in history]
            ax.plot(epochs, train, color=colour, linewidth=1, label=f"fit at {cutoff}" if len(fits) <= 6 else None)
            valid = [row.get("valid_loss") for row in history]
            valid = np.array([np.nan if v is None else v for v in valid], dtype=np.float64)
            if np.isfinite(valid).any():
                ax.plot(epochs, valid, color=colour, linewidth=1, linestyle="--")
                with_valid = True
        losses = [v for history in fits.values() for row in history for k, v in row.items() if k.endswith("loss")]
        if losses and min(losses) > 0:
            ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss (scaled units)")
        curves = (
            "training loss (solid), validation loss (dashed)" if with_valid else "training loss (no validation data)"
        )
        ax.set_title(f"{model}: {curves}, one colour per fit", fontsize=10)
        ax.grid(alpha=0.3)
        if len(fits) <= 6:
            ax.legend(fontsize=7)
    return figure


def plot_attention(weights, *, series=None, max_labels=12):
    """A heatmap of a forecast's attention weights: forecast steps (rows, top to bottom) by input time stamps
    (columns, oldest left), darker for more weight, with a colour bar.

    Parameters
    ----------
    weights : DataFrame
        As returned by :meth:`~seqforecast.forecasting.Seq2SeqForecaster.forecast_attention`: rows the
        forecast time stamps (or a row MultiIndex ``(series, time stamp)``), columns the input time stamps.
    series : hashable or None, default=None
        With several series, the one drawn (the first when None); ignored for one series.
    max_labels : int, default=12
        At most this many tick labels per axis (evenly spaced).

    Returns
    -------
    matplotlib.figure.Figure
    """
    frame = weights
    if isinstance(frame.index, pd.MultiIndex):
        names = list(dict.fromkeys(frame.index.get_level_values(0)))
        chosen = names[0] if series is None else series
        if chosen not in names:
            raise ValueError(
                f"plot_attention: series={chosen!r} is not among the frame's series {names[:5]}"
                f"{' ...' if len(names) > 5 else ''}; pass one of them, or series=None for the first."
            )
        frame = frame.xs(chosen, level=0)
        title = f"{chosen}: attention of each forecast step over the input window"
    else:
        title = "Attention of each forecast step over the input window"
    values = frame.to_numpy(dtype=np.float64)  # [steps, inputs]
    figure = _figure(min(4 + 0.35 * values.shape[1], 12), min(2.5 + 0.25 * values.shape[0], 10))
    ax = figure.subplots()
    image = ax.imshow(values, aspect="auto", cmap="viridis", vmin=0.0, vmax=max(float(values.max(initial=0.0)), 1e-12))
    for axis, labels, set_ticks, set_labels in (
        (1, frame.columns, ax.set_xticks, ax.set_xticklabels),
        (0, frame.index, ax.set_yticks, ax.set_yticklabels),
    ):
        ticks = np.unique(
            np.linspace(0, values.shape[axis] - 1, min(max_labels, values.shape[axis])).round().astype(int)
        )
        set_ticks(ticks)
        set_labels([str(labels[i]) for i in ticks], fontsize=7, rotation=90 if axis == 1 else 0)
    ax.set_xlabel("input time stamp")
    ax.set_ylabel("forecast time stamp")
    ax.set_title(title, fontsize=10)
    figure.colorbar(image, ax=ax, label="attention weight")
    return figure
