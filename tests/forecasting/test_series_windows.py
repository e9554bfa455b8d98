"""Training windows cut per batch (SeriesWindows) are the windows the forecasters materialised until 0.3.

The reference below is the materialising code of seqforecast 0.3.0 (``_WindowForecaster._training_windows``:
``sliding_window_view`` per series, then concatenation), kept here to pin the numbers: each lazy window must
equal its materialised twin, and a net trained on the lazy windows must equal one trained on the arrays.
"""

import numpy as np
import pandas as pd
import pytest
from numpy.lib.stride_tricks import sliding_window_view

from seqforecast import DirectForecaster, RecursiveForecaster, RNNRegressor, Seq2SeqForecaster
from seqforecast._utils.scaling import level_stats, scale_stats
from seqforecast._utils.series_windows import SeriesWindows

TINY = dict(cell="gru", hidden_size=4, max_epochs=2, batch_size=8, random_state=0)


def _reference(Y, X, *, L, H, step, scaling, window_scale, min_obs, shift, patch):
    """Every window materialised (seqforecast 0.3.0), keyed by (series, last target row)."""
    n_rows, n_series = Y.shape
    Ys = Y
    if scaling == "series":
        loc, scale = scale_stats(Y, axis=0)
        Ys = (Y - loc) / scale
    if X is None:
        features = [Ys[:, [j]] for j in range(n_series)]
    else:
        shifted = np.zeros((n_rows, X.shape[1]))
        available = X[shift : shift + n_rows]
        shifted[: len(available)] = available
        features = [np.hstack([Ys[:, [j]], shifted]) for j in range(n_series)]
    first = (~np.isnan(Y)).argmax(axis=0)
    out = {}
    for j, feats in enumerate(features):
        feats = feats[first[j] :]
        n_obs = len(feats)
        if min_obs is not None:
            if n_obs < min_obs + H:
                continue
            if n_obs < L + H:
                pad = np.zeros((L - min_obs, feats.shape[1]))
                pad[:, 0] = np.nan
                feats = np.vstack([pad, feats])
        n = len(feats)
        start = (n - L - H) % step
        Xw = sliding_window_view(feats[: n - H], L, axis=0)[start::step].transpose(0, 2, 1).copy()
        yw = sliding_window_view(feats[L:, 0], H)[start::step].copy()
        if scaling == "window":
            wloc, wscale = (level_stats if window_scale == "mean" else scale_stats)(Xw[:, :, 0], axis=1)
            Xw[:, :, 0] = (Xw[:, :, 0] - wloc[:, None]) / wscale[:, None]
            yw = (yw - wloc[:, None]) / wscale[:, None]
        if min_obs is not None:
            observed = ~np.isnan(Xw[:, :, :1])
            Xw = np.where(observed | (np.arange(Xw.shape[2]) > 0), Xw, 0.0)
            Xw = np.concatenate([Xw, observed.astype(float)], axis=2)
        Xw = Xw.reshape(len(Xw), L // patch, patch * Xw.shape[2])
        ends = n_rows - 1 - step * np.arange(len(yw))[::-1]
        for k, end in enumerate(ends):
            out[(j, int(end))] = (Xw[k], yw[k])
    return out


def _collection(seed=0, n_rows=40, starts=(0, 0, 9, 31)):
    rng = np.random.default_rng(seed)
    Y = 50 + rng.normal(size=(n_rows, len(starts))).cumsum(axis=0)
    for j, s in enumerate(starts):
        Y[:s, j] = np.nan
    return Y


CASES = {
    "plain": dict(L=6, H=3, step=1, scaling="series", window_scale="std", min_obs=None, patch=1, starts=(0, 0, 9)),
    "window-std": dict(L=6, H=2, step=2, scaling="window", window_scale="std", min_obs=None, patch=2, starts=(0, 5)),
    "window-mean": dict(L=4, H=3, step=3, scaling="window", window_scale="mean", min_obs=None, patch=1, starts=(0,)),
    "raw": dict(L=5, H=1, step=1, scaling=None, window_scale="std", min_obs=None, patch=1, starts=(0, 0)),
    "padded": dict(L=8, H=3, step=1, scaling="window", window_scale="std", min_obs=2, patch=4, starts=(0, 30, 33, 36)),
    "padded-series": dict(L=8, H=2, step=2, scaling="series", window_scale="std", min_obs=3, patch=1, starts=(0, 33)),
}


@pytest.mark.parametrize("covariates", [False, True])
@pytest.mark.parametrize("case", list(CASES))
def test_each_lazy_window_equals_its_materialised_twin(case, covariates):
    c = dict(CASES[case])
    Y = _collection(starts=c.pop("starts"))
    X = np.random.default_rng(1).normal(size=(len(Y), 2)) if covariates else None
    f = DirectForecaster(
        window_length=c["L"],
        horizon=c["H"],
        scaling=c["scaling"],
        window_step=c["step"],
        window_scale=c["window_scale"],
        min_observations=c["min_obs"],
        patch_length=c["patch"],
    )
    f.window_length_, f.scaling_, f.window_scale_, f.min_observations_ = (
        c["L"],
        c["scaling"],
        c["window_scale"],
        c["min_obs"],
    )
    f.horizon_, f.patch_length_ = c["H"], c["patch"]
    windows = f._training_windows(Y, X, horizon=c["H"])
    expected = _reference(Y, X, shift=c["H"], **c)

    assert len(windows) == len(expected) > 0
    Xw, yw = windows.materialise()
    series, last = windows.locate(np.arange(len(windows)))
    assert Xw.shape == (len(expected),) + next(iter(expected.values()))[0].shape == windows.shape
    for k, key in enumerate(zip(series.tolist(), last.tolist())):
        np.testing.assert_array_equal(Xw[k], expected[key][0])
        np.testing.assert_array_equal(yw[k], expected[key][1])
    # oldest first; within a time step the series with the most windows first, then column order
    n_windows = np.bincount(series, minlength=Y.shape[1])
    order = np.lexsort((series, -n_windows[series], last))
    np.testing.assert_array_equal(order, np.arange(len(windows)))
    # any batch is the same rows of the whole
    rows = np.array([len(windows) - 1, 0, 3, 3])
    Xb, yb = windows.take(rows)
    np.testing.assert_array_equal(Xb, Xw[rows])
    np.testing.assert_array_equal(yb, yw[rows])


def test_windows_are_numbered_by_hand():
    # series a has 3 windows (L=1, H=1: rows 0-1, 1-2, 2-3), b 2 (rows 1-2, 2-3), c 1 (rows 2-3)
    Y = np.array([[0.0, np.nan, np.nan], [1.0, 10.0, np.nan], [2.0, 11.0, 20.0], [3.0, 12.0, 21.0]])
    w = SeriesWindows(Y, first=[0, 1, 2], n_windows=[3, 2, 1], window_length=1, horizon=1)
    series, last = w.locate(np.arange(len(w)))
    assert series.tolist() == [0, 0, 1, 0, 1, 2]
    assert last.tolist() == [1, 2, 2, 3, 3, 3]
    X, y = w.materialise()
    assert X[:, 0, 0].tolist() == [0.0, 1.0, 10.0, 2.0, 11.0, 20.0]
    assert y[:, 0].tolist() == [1.0, 2.0, 11.0, 3.0, 12.0, 21.0]
    with pytest.raises(IndexError, match=r"window numbers must be in \[0, 6\); got 0 .. 6"):
        w.take([0, 6])


@pytest.mark.parametrize(
    "make, starts",
    [
        (lambda est: RecursiveForecaster(est, window_length=6), (0, 12, 30)),
        (lambda est: DirectForecaster(est, window_length=8, horizon=3, patch_length=2, scaling="window"), (0, 20)),
        (lambda est: Seq2SeqForecaster(est, window_length=6, horizon=3, min_observations=2), (0, 12, 35)),
    ],
    ids=["recursive", "direct-patched", "seq2seq-padded"],
)
def test_a_net_trained_on_lazy_windows_equals_one_trained_on_the_arrays(make, starts):
    Y = pd.DataFrame(_collection(starts=starts))
    arch = "seq2seq" if "Seq2Seq" in type(make(None)).__name__ else "many_to_one"
    est = RNNRegressor(architecture=arch, patience=2, **TINY)
    f = make(est).fit(None, Y)
    assert f.estimator_._fits_series_windows
    # the same net trained on the same windows as arrays (what the forecasters did until 0.3)
    f2 = make(est)
    f2.window_length_, f2.scaling_, f2.window_scale_ = f2.window_length, f2.scaling, f2.window_scale
    f2.min_observations_ = f2.min_observations
    horizon = getattr(f2, "horizon", 1)
    f2.horizon_, f2.patch_length_ = horizon, getattr(f2, "patch_length", 1)
    Xw, yw = f2._training_windows(Y.to_numpy(), None, horizon=horizon).materialise()
    twin = RNNRegressor(architecture=arch, patience=2, **TINY).fit(Xw, yw)
    np.testing.assert_array_equal(f.estimator_.predict(Xw), twin.predict(Xw).reshape(len(Xw), -1))
    assert [r["valid_loss"] for r in f.estimator_.history_] == [r["valid_loss"] for r in twin.history_]


def test_samples_per_epoch_draws_that_many_windows_and_thins_the_validation_tail():
    Y = pd.DataFrame(_collection(n_rows=120, starts=(0, 0, 0)))
    est = RNNRegressor(samples_per_epoch=40, patience=3, validation_fraction=0.2, **TINY)
    f = DirectForecaster(est, window_length=6, horizon=2).fit(None, Y)
    history = f.estimator_.net_.history
    # 40 samples in batches of 8: 5 training batches; the tail (20 % of 339 windows = 68) thinned to 8
    assert [len(epoch["batches"]) for epoch in history] == [5 + 1] * len(history)
    sizes = [b["valid_batch_size"] for b in history[0]["batches"] if "valid_batch_size" in b]
    assert sizes == [8]
    # seeded: the same draws give the same net
    g = DirectForecaster(est, window_length=6, horizon=2).fit(None, Y)
    np.testing.assert_array_equal(f.forecast(2).to_numpy(), g.forecast(2).to_numpy())
