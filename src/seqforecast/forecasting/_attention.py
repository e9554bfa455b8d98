"""The attention weights of a seq2seq forecast: :meth:`ForecastAttention.forecast_attention`, a mixin of
:class:`~seqforecast.forecasting.Seq2SeqForecaster`.

A net with attention (``RNNRegressor(architecture="seq2seq", attention="dot" | "additive")``) weighs, at
each forecast step, every step of the input window it reads; the frame says, per series, how much each input
time stamp counted for each forecast time stamp.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

from .._utils.time_index import check_time_index
from ..base._inputs import as_frame

__all__ = ["ATTENTION_SCORES", "ForecastAttention"]

#: The ``attention`` options of the default net (:data:`seqforecast.nets.ATTENTIONS`, repeated here so that
#: importing the forecasters does not load torch).
ATTENTION_SCORES = ("dot", "additive")


def _input_labels(history, time_index, n_rows):
    """The labels of the last ``n_rows`` rows of a history indexed by ``history`` (a pandas Index); rows
    before its start (a window padded with ``min_observations``) are labelled by stepping back from its
    last label at its frequency."""
    if len(history) >= n_rows:
        return pd.Index(history[len(history) - n_rows :])
    if time_index.kind == "integer":
        last = time_index.cutoff
        return pd.RangeIndex(last - (n_rows - 1) * time_index.freq, last + time_index.freq, time_index.freq)
    make = pd.period_range if time_index.kind == "period" else pd.date_range
    return make(end=time_index.cutoff, periods=n_rows, freq=time_index.freq)


class ForecastAttention:
    """A mixin of a direct forecaster whose fitted estimator has ``attention_weights`` (it reads
    ``estimator_``, ``horizon_``, ``patch_length_``, ``window_length_``, ``_last_windows`` and
    ``_regressor_input``)."""

    def forecast_attention(self, steps, X=None, *, y_context=None, X_context=None):
        """The attention weights of :meth:`forecast`'s forecast of the next ``steps`` time steps.

        Each forecast step of the decoder weighs every step of the input window (the last ``window_length``
        rows of the history); the weights of one forecast step are non-negative and sum to 1. They come
        from the fitted net (:meth:`~seqforecast.RNNRegressor.attention_weights`) on the same last windows
        as the forecast.

        Parameters
        ----------
        steps, X, y_context, X_context
            As in :meth:`forecast`.

        Returns
        -------
        DataFrame of shape (steps, n_inputs) for one series, (n_series * steps, n_inputs) for several
            Rows: the forecast steps, on the forecast's index (one series), or a row MultiIndex
            ``(series, <forecast time stamp>)``, series by series in column order (several series: a global
            model). Columns: the input window's time stamps, oldest first, as a column Index named
            ``"input"``: the ``window_length`` labels of the history's last rows, or, with
            ``patch_length > 1`` (the net reads one patch per step), the label of each patch's first row.
            ``frame.loc[t]`` is the weight of every input time stamp in the forecast of ``t``.

        Raises
        ------
        ValueError
            The fitted estimator has no attention.
        """
        check_is_fitted(self)
        model = self._as_fitted()
        owner = type(self).__name__
        weigh = getattr(model.estimator_, "attention_weights", None)
        module = getattr(getattr(model.estimator_, "net_", None), "module_", None)
        if weigh is None or getattr(module, "attention", None) is None:
            raise ValueError(
                f"{owner}.forecast_attention needs an estimator fitted with attention; this one has none. Refit "
                f"with {owner}(attention='dot') (the default net), or with "
                "RNNRegressor(architecture='seq2seq', attention='dot') as its estimator."
            )
        steps, Y, Xh, X_future, index = model._forecast_inputs(steps, X, y_context, X_context, "forecast_attention")
        self._check_head_covariates(steps, X_future)
        windows, _, _ = model._last_windows(Y, Xh, X_future)  # [S, L, F]
        weights = np.asarray(weigh(model._regressor_input(model.estimator_, windows)))  # [S, H_fit, L / p]
        weights = weights[:, :steps]  # [S, H_fit, L / p] -> [S, steps, L / p]
        if y_context is None:
            history, time_index = model.y_train_.index, model.time_index_
        else:
            history = as_frame(y_context, what="y_context")[0].index
            time_index = check_time_index(history, what="y_context")
        labels = _input_labels(history, time_index, model.window_length_)
        columns = pd.Index(labels[:: model.patch_length_], name="input")  # the first row of each patch
        names = model._series_names()
        if isinstance(model.y_train_, pd.Series):
            return pd.DataFrame(weights[0], index=index, columns=columns)
        rows = pd.MultiIndex.from_product([names, index], names=["series", index.name])
        return pd.DataFrame(weights.reshape(len(rows), len(columns)), index=rows, columns=columns)  # [S * steps, T]
