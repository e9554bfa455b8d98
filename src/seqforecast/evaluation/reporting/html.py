"""Render a :class:`~seqforecast.reporting.ComparisonResult` as Markdown or as one self-contained HTML page.

The HTML page has no external assets: the style is inline and the plots are PNG images embedded as base64
``data:`` URIs, so the single file can be mailed, archived or opened offline. Every piece of text from the
data (model and series names) is escaped.
"""

from __future__ import annotations

import base64
import html
import json
import math

import pandas as pd

__all__ = ["render_html", "render_markdown"]

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 70em;
       padding: 0 1em; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.8em; border-bottom: 1px solid #ddd; }
.summary { background: #f4f7fb; border-left: 4px solid #3b6fb6; padding: 0.8em 1em; }
table { border-collapse: collapse; margin: 0.6em 0; font-size: 0.92em; }
th, td { padding: 0.3em 0.7em; border-bottom: 1px solid #e3e3e3; }
th { background: #fafafa; text-align: left; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
img { max-width: 100%; height: auto; border: 1px solid #eee; }
figure { margin: 0.8em 0; } figcaption { color: #555; font-size: 0.9em; }
pre { background: #f7f7f7; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
.note { color: #555; font-size: 0.9em; }
"""


def _fmt(value):
    """A number for a table: 4 significant digits, thousands as integers; NaN as n/a."""
    if isinstance(value, bool) or value is None:
        return "yes" if value is True else "no" if value is False else ""
    if isinstance(value, (int,)) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "n/a"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"
    return str(value)


def _cells(value):
    """(text, is_number) of one table cell."""
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars -> Python
        value = value.item()
    return _fmt(value), isinstance(value, (int, float)) and not isinstance(value, bool)


def _leaderboard_table(board):
    """Display form of the leaderboard: ``mean ± std`` per metric."""
    shown = pd.DataFrame(index=board.index)
    for metric, label in (("mase", "MASE"), ("smape", "sMAPE %"), ("mae", "MAE"), ("rmse", "RMSE")):
        shown[label] = [f"{_fmt(float(m))} ± {_fmt(float(s))}" for m, s in zip(board[metric], board[f"{metric}_std"])]
    shown["fit s/origin"] = board["fit_seconds"].astype(float)
    shown["predict s/origin"] = board["predict_seconds"].astype(float)
    shown["forecasts"] = board["n_forecasts"].astype(int)
    shown["baseline"] = board["baseline"].astype(bool)
    return shown


def _coverage_display(result):
    """Display form of the coverage table: a model without intervals says so in its coverage cell."""
    from .intervals import NO_INTERVALS

    table = result.coverage_table()
    shown = pd.DataFrame(index=table.index)
    labels = {"coverage": "coverage", "acd": "ACD", "width": "mean width", "msis": "MSIS"}
    for column, label in labels.items():
        shown[label] = [
            float(value) if has else (NO_INTERVALS if column == "coverage" else "—")
            for value, has in zip(table[column], table["intervals"])
        ]
    shown["forecasts"] = table["n_forecasts"].astype(int)
    return shown


def _coverage_note(result):
    coverage = float(result.settings["coverage"])
    return (
        f"Prediction intervals of nominal coverage {coverage:g}, over all forecasts (origins × series × steps). "
        f"coverage: share of actual values inside their interval; ACD: |coverage − {coverage:g}| (M4); mean "
        f"width: mean of upper − lower; MSIS: M4's mean scaled interval score (alpha = {1 - coverage:.4g}), "
        f"scaled as MASE by the in-sample MAE of the seasonal naive forecast (lag {result.sp}) on each origin's "
        "training data, lower is better. A model listed with “no intervals” gives none (as the naive and "
        "seasonal naive baselines): wrap it in ConformalForecaster(model, horizon=...) to calibrate intervals on "
        "its own forecast errors."
    )


def _significance_table(result):
    if result.best_baseline() is None or len(result.model_names) < 2:
        return None
    table = result.significance()
    return table.rename(
        columns={
            "mean_difference": "mean loss difference",
            "statistic": "DM statistic (HLN)",
            "p_value": "p-value",
            "n_origins": "origins",
        }
    )


def _horizon_table(result):
    table = result.errors_by_horizon("mase")
    table.index.name = "step"
    return table


def _dm_note(result, table):
    """The note under the Diebold-Mariano table, with what its ``h`` is for this backtest."""
    horizon, step = result.settings["horizon"], result.settings["step"]
    h = math.ceil(horizon / step)
    overlap = (
        "the forecast windows of consecutive origins do not overlap, so no autocovariance enters the variance"
        if h == 1
        else f"the forecast windows of {h} consecutive origins overlap, so the variance of the mean loss "
        f"difference includes the autocovariances of the differences up to lag h - 1 = {h - 1}"
    )
    capped = " (capped below the number of origins, as the test needs)" if (table["h"] < h).any() else ""
    return (
        "HLN-corrected DM test on the per-origin mean absolute scaled error (MASE); a negative mean loss "
        "difference means the model is more accurate than the reference. h is the forecast horizon the test "
        f"assumes, counted in origins: h = ceil(horizon / step) = ceil({horizon} / {step}) = {h}{capped}; "
        f"{overlap}."
    )


#: the report's figures: (title, file name of the PNG save() writes, method of ComparisonResult, alt, caption)
FIGURES = (
    (
        "MASE by horizon step",
        "errors_by_horizon.png",
        "plot_errors_by_horizon",
        "Line chart of the mean absolute scaled error at each step after the cutoff, one line per model",
        "MASE at each step after the cutoff, per model (mean over origins and series); lower is better.",
    ),
    (
        "Forecasts",
        "forecasts.png",
        "plot_forecasts",
        "Actual values in black and each model's forecasts from every origin, one panel per series",
        "Forecasts from every origin against the actual values (black); grey vertical lines mark the cutoffs; "
        "shaded bands are the prediction intervals, where the comparison recorded them. The first four series "
        "at most.",
    ),
    (
        "Training curves",
        "training_curves.png",
        "plot_training_curves",
        "Loss per training epoch of every fit of each net, one colour per fit",
        "Training loss per epoch of each net's fits (solid), with the validation loss (dashed) where the fit "
        "held data out for early stopping; one colour per fit.",
    ),
)


def _sections(result):
    """(title, table, note) of every table of the report, in order."""
    sig = _significance_table(result)
    sections = [
        (
            "Leaderboard",
            _leaderboard_table(result.leaderboard()),
            "Mean ± standard deviation over forecasts (origins × series); sorted by MASE. MASE scales by "
            f"the in-sample MAE of the seasonal naive forecast (lag {result.sp}) on each origin's training "
            "data. Seconds are means per origin.",
        )
    ]
    if result.settings.get("coverage") is not None:
        sections.append(("Prediction intervals", _coverage_display(result), _coverage_note(result)))
    if sig is not None:
        sections.append(("Significance: Diebold-Mariano tests against the best baseline", sig, _dm_note(result, sig)))
    sections.append(("MASE by horizon step", _horizon_table(result), "Mean over origins and series."))
    return sections


# ------------------------------------------------------------------------------------------- Markdown
def _markdown_table(frame):
    def cell(text):
        return str(text).replace("|", "\\|").replace("\n", " ")

    index_name = frame.index.name or ""
    header = [index_name] + [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(cell(h) for h in header) + " |"]
    aligns = (
        ["---"] + ["---:" if _cells(frame[c].iloc[0])[1] else "---" for c in frame.columns]
        if len(frame)
        else ["---"] * len(header)
    )
    lines.append("| " + " | ".join(aligns) + " |")
    for label, row in frame.iterrows():
        lines.append("| " + " | ".join([cell(_cells(label)[0])] + [cell(_cells(v)[0]) for v in row]) + " |")
    return "\n".join(lines)


def render_markdown(result, images=None):
    """The report as Markdown; ``images`` maps a figure's title to a PNG path to link (relative to the file).

    A figure with the title of a table's section sits in that section; every heading is unique.
    """
    images = dict(images or {})
    captions = {title: caption for title, _, _, _, caption in FIGURES}
    out = ["# seqforecast comparison report", "", result.summary(), ""]

    def figure(title):
        path = images.pop(title)
        return [f"![{title}]({path})", "", f"_{captions.get(title, title)}_", ""]

    for title, table, note in _sections(result):
        out += [f"## {title}", "", _markdown_table(table), "", f"_{note}_", ""]
        if title in images:
            out += figure(title)
    for title in list(images):
        out += [f"## {title}", ""] + figure(title)
    out += ["## Settings", "", "```json", json.dumps(result.metadata()["settings"], indent=2), "```", ""]
    return "\n".join(out)


# ----------------------------------------------------------------------------------------------- HTML
def _html_table(frame):
    e = html.escape
    head = "".join(f"<th>{e(str(c))}</th>" for c in [frame.index.name or ""] + list(frame.columns))
    rows = []
    for label, row in frame.iterrows():
        cells = [f"<th>{e(_cells(label)[0])}</th>"]
        for value in row:
            text, numeric = _cells(value)
            cells.append(f'<td class="num">{e(text)}</td>' if numeric else f"<td>{e(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _figure(figure, alt, caption):
    """``<figure>`` with the PNG embedded as a data URI, its alt text and its caption."""
    from .plots import figure_png

    data = base64.b64encode(figure_png(figure)).decode("ascii")
    return (
        f'<figure><img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def render_html(result):
    """The report as one self-contained HTML page: unique headings, every figure with alt text and a caption."""
    e = html.escape
    figures = {}
    for title, _, method, alt, caption in FIGURES:
        drawn = getattr(result, method)()
        if drawn is not None:
            figures[title] = _figure(drawn, alt, caption)
    body = ["<h1>seqforecast comparison report</h1>", f'<p class="summary">{e(result.summary())}</p>']
    for title, table, note in _sections(result):
        body += [f"<h2>{e(title)}</h2>", _html_table(table), f'<p class="note">{e(note)}</p>']
        if title in figures:
            body.append(figures.pop(title))
    for title, drawn in figures.items():
        body += [f"<h2>{e(title)}</h2>", drawn]
    meta = result.metadata()
    body += [
        "<h2>Settings, versions and machine</h2>",
        f"<pre>{e(json.dumps({k: meta[k] for k in ('settings', 'seeds', 'versions', 'machine')}, indent=2))}</pre>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        "<title>seqforecast comparison report</title>\n"
        f"<style>{_STYLE}</style>\n</head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )
