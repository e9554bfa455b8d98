"""Seq2SeqForecaster.forecast_attention: the frame's layout pinned on tiny examples, its values the net's
weights on the forecast's last windows, the default net's ``attention``, the refusals, the heatmap, model files."""

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.utils._param_validation import InvalidParameterError

from seqforecast.estimators import RNNRegressor
from seqforecast.evaluation.reporting.plots import figure_png, plot_attention
from seqforecast.forecasting import Seq2SeqForecaster
from seqforecast.forecasting._attention import ATTENTION_SCORES
from seqforecast.nets import ATTENTIONS
from seqforecast.persistence import load, save

NET = dict(architecture="seq2seq", attention="dot", hidden_size=4, max_epochs=2, batch_size=8, random_state=0)


def series(n=20, start=100, name="load"):
    t = np.arange(n)
    return pd.Series(10.0 + np.sin(t / 2.0) + 0.1 * t, index=pd.RangeIndex(start, start + n), name=name)


def forecaster(**kwargs):
    return Seq2SeqForecaster(RNNRegressor(**NET), **{"window_length": 4, "horizon": 2, **kwargs})


def test_one_series_frame():
    y = series()  # index 100 .. 119
    model = forecaster(scaling=None).fit(None, y)
    frame = model.forecast_attention(2)
    assert frame.index.equals(pd.RangeIndex(120, 122))
    assert frame.columns.equals(pd.Index([116, 117, 118, 119], name="input"))
    # the net's weights on the last window (no scaling: the last four values as they are)
    expected = model.estimator_.attention_weights(y.to_numpy()[-4:].reshape(1, 4, 1))[0]
    np.testing.assert_array_equal(frame.to_numpy(), expected)
    np.testing.assert_allclose(frame.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert model.forecast_attention(1).equals(frame.iloc[:1])


def test_several_series_frame():
    index = pd.date_range("2024-01-01", periods=20, freq="h")
    y = pd.DataFrame({"a": series().to_numpy(), "b": series().to_numpy()[::-1].copy()}, index=index)
    frame = forecaster().fit(None, y).forecast_attention(2)
    future = pd.date_range("2024-01-01 20:00", periods=2, freq="h")
    assert frame.index.equals(pd.MultiIndex.from_product([["a", "b"], future], names=["series", None]))
    assert list(frame.columns) == list(pd.date_range("2024-01-01 16:00", periods=4, freq="h"))
    assert frame.columns.name == "input"
    assert not np.allclose(frame.loc["a"].to_numpy(), frame.loc["b"].to_numpy())  # each series its own window


def test_patches_are_labelled_by_their_first_row():
    frame = forecaster(patch_length=2).fit(None, series()).forecast_attention(2)
    assert frame.columns.equals(pd.Index([116, 118], name="input"))  # rows 116-117 and 118-119
    assert frame.shape == (2, 2)


def test_a_new_context_and_a_padded_one():
    y = series()
    model = forecaster(min_observations=2).fit(None, y)
    frame = model.forecast_attention(2, y_context=y.iloc[:8])  # index 100 .. 107
    assert frame.index.equals(pd.RangeIndex(108, 110))
    assert frame.columns.equals(pd.Index([104, 105, 106, 107], name="input"))
    short = model.forecast_attention(2, y_context=y.iloc[:3])  # 100 .. 102: the window starts one step before
    assert short.columns.equals(pd.Index([99, 100, 101, 102], name="input"))


@pytest.mark.slow
def test_the_default_net_takes_the_attention():
    model = Seq2SeqForecaster(window_length=4, horizon=2, attention="additive").fit(None, series())
    assert model.estimator_.attention == "additive"
    assert model.estimator_.architecture == "seq2seq"
    assert model.forecast_attention(2).shape == (2, 4)
    assert ATTENTION_SCORES == ATTENTIONS  # the forecasters' copy of the options (no torch at import)


def test_attention_and_an_estimator_are_refused_together():
    model = Seq2SeqForecaster(RNNRegressor(architecture="seq2seq"), attention="dot")
    with pytest.raises(
        ValueError,
        match=re.escape(
            "Seq2SeqForecaster: attention='dot' configures the default net, but an estimator was given. Set it on "
            "the estimator (RNNRegressor(architecture='seq2seq', attention='dot')) and leave Seq2SeqForecaster's "
            "attention=None."
        ),
    ):
        model.fit(None, series())
    with pytest.raises(InvalidParameterError, match=re.escape("The 'attention' parameter of Seq2SeqForecaster")):
        Seq2SeqForecaster(attention="luong").fit(None, series())


@pytest.mark.parametrize(
    "estimator",
    [RNNRegressor(**{**NET, "attention": None}), LinearRegression()],
    ids=["seq2seq-without-attention", "linear"],
)
def test_a_model_without_attention_is_refused(estimator):
    model = Seq2SeqForecaster(estimator, window_length=4, horizon=2).fit(None, series())
    with pytest.raises(
        ValueError,
        match=re.escape(
            "Seq2SeqForecaster.forecast_attention needs an estimator fitted with attention; this one has none. "
            "Refit with Seq2SeqForecaster(attention='dot') (the default net), or with "
            "RNNRegressor(architecture='seq2seq', attention='dot') as its estimator."
        ),
    ):
        model.forecast_attention(2)


@pytest.mark.slow
def test_heatmap():
    index = pd.date_range("2024-01-01", periods=20, freq="h")
    y = pd.DataFrame({"a": series().to_numpy(), "b": series().to_numpy() + 1.0}, index=index)
    frame = forecaster().fit(None, y).forecast_attention(2)
    figure = plot_attention(frame, series="b")
    heatmap, colour_bar = figure.axes
    np.testing.assert_array_equal(heatmap.images[0].get_array(), frame.loc["b"].to_numpy())
    assert heatmap.get_title() == "b: attention of each forecast step over the input window"
    assert [t.get_text() for t in heatmap.get_xticklabels()] == [str(t) for t in frame.columns]
    assert figure_png(figure).startswith(b"\x89PNG")
    assert plot_attention(frame).axes[0].get_title().startswith("a: ")  # the first series by default
    with pytest.raises(
        ValueError,
        match=re.escape(
            "plot_attention: series='c' is not among the frame's series ['a', 'b']; pass one of them, or "
            "series=None for the first."
        ),
    ):
        plot_attention(frame, series="c")


def test_a_model_file_keeps_the_attention(tmp_path):
    model = forecaster().fit(None, series())
    save(model, tmp_path / "model.zip")
    loaded = load(tmp_path / "model.zip")
    pd.testing.assert_frame_equal(loaded.forecast_attention(2), model.forecast_attention(2))
    pd.testing.assert_series_equal(loaded.forecast(2), model.forecast(2))
