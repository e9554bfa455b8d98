"""The report's HTML and Markdown, read back: unique headings, figures with alt text and captions, stable
model colours, the training curves' title and the Diebold-Mariano note."""

import re
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from seqforecast.base import BaseForecaster
from seqforecast.evaluation.reporting import compare
from seqforecast.evaluation.reporting.html import render_html, render_markdown
from seqforecast.evaluation.reporting.plots import BASELINE_COLOURS, MODEL_PALETTE, model_colours, plot_training_curves


class Last(BaseForecaster):
    """The naive forecast plus ``offset``, with a training curve when ``valid`` is not None."""

    def __init__(self, offset=0.0, valid=None):
        self.offset = offset
        self.valid = valid

    def _fit(self, Y, X):
        self.n_rows_ = len(Y)
        return self

    def _predict(self, horizon, Y, X, X_future):
        return np.tile(Y[-1] + self.offset, (horizon, 1))

    def training_history(self):
        if self.valid is None:
            return None
        rows = [{"epoch": e, "train_loss": 1.0 / e} for e in (1, 2, 3)]
        if self.valid:
            for row in rows:
                row["valid_loss"] = 1.5 * row["train_loss"]
        return rows


Y = pd.Series(np.arange(36.0) + 3 * np.sin(np.arange(36.0)), index=pd.period_range("2000-01", periods=36, freq="M"))


class _Page(HTMLParser):
    """Headings, and every img with its alt text, whether it sits in a figure and the figure's caption."""

    def __init__(self):
        super().__init__()
        self.headings, self.images, self.stack, self.in_heading, self.in_caption = [], [], [], None, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("h1", "h2", "h3"):
            self.in_heading = ""
        elif tag == "figure":
            self.stack.append({"images": [], "caption": ""})
        elif tag == "img":
            image = {"alt": attrs.get("alt"), "in_figure": bool(self.stack)}
            self.images.append(image)
            if self.stack:
                self.stack[-1]["images"].append(image)
        elif tag == "figcaption":
            self.in_caption = True

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3"):
            self.headings.append(self.in_heading.strip())
            self.in_heading = None
        elif tag == "figcaption":
            self.in_caption = False
        elif tag == "figure":
            figure = self.stack.pop()
            for image in figure["images"]:
                image["caption"] = figure["caption"].strip()

    def handle_data(self, data):
        if self.in_heading is not None:
            self.in_heading += data
        if self.in_caption and self.stack:
            self.stack[-1]["caption"] += data


def _parse(page):
    parser = _Page()
    parser.feed(page)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def result():
    models = {"GRU": Last(offset=0.5, valid=True), "LSTM": Last(offset=-0.5, valid=False)}
    return compare(models, Y, horizon=3, step=3, initial_window=18, baselines=["naive", "seasonal-naive"], sp=3)


@pytest.mark.slow
def test_html_headings_are_unique_and_every_figure_has_alt_text_and_a_caption(result):
    page = _parse(render_html(result))
    assert len(page.headings) == len(set(page.headings)), page.headings
    assert {"MASE by horizon step", "Forecasts", "Training curves"} <= set(page.headings)
    assert len(page.images) == 3
    for image in page.images:
        assert image["alt"] and image["in_figure"] and image["caption"], image


def test_markdown_headings_are_unique(result):
    text = render_markdown(
        result,
        images={"Forecasts": "forecasts.png", "MASE by horizon step": "errors.png", "Training curves": "curves.png"},
    )
    headings = re.findall(r"^#+ (.*)$", text, flags=re.M)
    assert len(headings) == len(set(headings)), headings
    assert headings.count("MASE by horizon step") == 1 and "![MASE by horizon step](errors.png)" in text


def test_the_dm_table_says_what_h_is(result):
    assert "h = ceil(horizon / step) = ceil(3 / 3) = 1" in render_markdown(result)
    overlapping = compare({"GRU": Last(offset=0.5)}, Y, horizon=4, step=2, initial_window=12, baselines=["naive"], sp=1)
    assert "h = ceil(horizon / step) = ceil(4 / 2) = 2" in render_markdown(overlapping)
    assert "autocovariances of the differences up to lag h - 1 = 1" in render_markdown(overlapping)


def _line_colours(figure):
    """Colour of each labelled line (a model's first line carries its name; matplotlib labels the rest "_...")."""
    lines = [line for ax in figure.axes for line in ax.get_lines()]
    return {line.get_label(): line.get_color() for line in lines if not line.get_label().startswith("_")}


def test_a_model_keeps_its_colour_across_reports_with_other_models():
    first = compare({"GRU": Last(offset=0.5)}, Y, horizon=3, initial_window=18, baselines=["naive"], sp=3)
    second = compare(
        {"AutoRNN": Last(offset=1.0), "LSTM": Last(offset=-0.5), "GRU": Last(offset=0.5)},
        Y,
        horizon=3,
        initial_window=18,
        baselines=["naive", "seasonal-naive"],
        sp=3,
    )
    for plot in ("plot_errors_by_horizon", "plot_forecasts"):
        a, b = _line_colours(getattr(first, plot)()), _line_colours(getattr(second, plot)())
        for name in ("GRU", "NaiveForecaster"):
            assert a[name] == b[name], (plot, name)
        models = [m for m in b if m != "actual"]
        assert len({b[m] for m in models}) == len(models)  # distinct within one report
    assert model_colours(["NaiveForecaster"])["NaiveForecaster"] == BASELINE_COLOURS["NaiveForecaster"]
    assert model_colours(["GRU"])["GRU"] == model_colours(["GRU", "LSTM", "Zeta"])["GRU"]
    assert not set(MODEL_PALETTE) & set(BASELINE_COLOURS.values())


def test_training_curves_draw_validation_dashed_or_say_there_is_none():
    with_valid = [{"epoch": e, "train_loss": 1.0 / e, "valid_loss": 2.0 / e} for e in (1, 2, 3)]
    without = [{"epoch": e, "train_loss": 1.0 / e} for e in (1, 2, 3)]
    figure = plot_training_curves({"GRU": {"2000-06": with_valid}, "LSTM": {"2000-06": without}})
    gru, lstm = figure.axes
    assert [line.get_linestyle() for line in gru.lines] == ["-", "--"]
    assert "training loss (solid), validation loss (dashed)" in gru.get_title()
    assert [line.get_linestyle() for line in lstm.lines] == ["-"]
    assert "training loss (no validation data)" in lstm.get_title()
