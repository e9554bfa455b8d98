"""The M4 interval benchmark script (benchmarks/m4_intervals.py) in quick mode, on a tiny synthetic M4-shaped folder.

The folder holds what the script reads from the M4 data folder: ``Weekly-train.csv`` and ``Weekly-test.csv`` in
the organisers' wide format (first column ``V1`` the ids, shorter series ending in empty cells) and the official
interval table. The scores in the result files are checked against seqforecast's metrics on the same forecasts.
"""

import importlib.util
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "m4_intervals.py"


def load_script():
    spec = importlib.util.spec_from_file_location("m4_intervals_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["m4_intervals_benchmark"] = module
    spec.loader.exec_module(module)
    return module


m4i = load_script()
HORIZON = 13


def write_weekly_folder(path: Path, lengths=(110, 96, 120, 104, 100, 115, 98, 107, 112, 101)) -> None:
    """A tiny Weekly M4 folder: 10 positive series of different lengths and levels (10 series x 2 conformal
    origins give the 19 calibration errors per step a 95 % interval needs)."""
    rng = np.random.default_rng(0)
    width = max(lengths)
    train, test = [], []
    for j, n in enumerate(lengths):
        t = np.arange(n + HORIZON)
        y = (50 + 20 * j) * (1 + 0.1 * np.sin(2 * np.pi * t / 52)) + np.cumsum(rng.normal(0, 1, n + HORIZON))
        train.append(list(y[:n]) + [np.nan] * (width - n))  # shorter rows end in empty cells
        test.append(y[n:])
    ids = [f"W{j + 1}" for j in range(len(lengths))]
    pd.DataFrame(train, index=pd.Index(ids, name="V1"), columns=[f"V{k + 2}" for k in range(width)]).to_csv(
        path / "Weekly-train.csv"
    )
    pd.DataFrame(test, index=pd.Index(ids, name="V1"), columns=[f"V{k + 2}" for k in range(HORIZON)]).to_csv(
        path / "Weekly-test.csv"
    )
    official = pd.DataFrame(
        {
            "method": ["Naive", "ETS", "ARIMA", "36", "118"],
            "msis_weekly": [26.358, 20.386, 19.575, 16.2, 22.034],
            "msis_hourly": [71.245, 17.487, 7.538, 13.559, 7.928],
            "acd_weekly": [0.001, 0.014, 0.005, 0.012, 0.021],
            "acd_hourly": [0.011, 0.001, 0.001, 0.024, 0.04],
        }
    )
    official.to_csv(path / "m4_official_interval_results_by_frequency.csv", index=False)


@pytest.mark.slow  # fits two small nets (one of them at two conformal origins) and ETS: about 5 s
def test_quick_mode_writes_interval_scores_beside_the_official_ones(tmp_path):
    from seqforecast.evaluation.probabilistic import acd, interval_coverage, msis

    data, out = tmp_path / "m4", tmp_path / "out"
    data.mkdir()
    write_weekly_folder(data)
    models = ["naive", "ets", "gru-quantile", "gru-gaussian", "gru-conformal"]  # arima: 12 s more on these series
    argv = ["--frequency", "Weekly", "--quick", "--data", str(data), "--out", str(out), "--models", *models]
    assert m4i.main(argv) == 0
    assert not (out / "m4_intervals_Weekly.json").exists()  # quick runs never overwrite a full result
    result = json.loads((out / "m4_intervals_Weekly.quick.json").read_text())
    rows = {r["model"]: r for r in result["results"]}
    assert list(rows) == models
    for r in rows.values():
        for key in ("msis", "acd", "coverage", "width", "smape", "mase", "owa", "fit_seconds"):
            assert np.isfinite(r[key]), (r["model"], key)
        assert 0 <= r["coverage"] <= 1 and r["acd"] == pytest.approx(abs(r["coverage"] - 0.95))
    assert rows["gru-quantile"]["settings"]["code"].startswith("DirectForecaster(estimator=RNNRegressor(")
    assert "loss='quantile'" in rows["gru-quantile"]["settings"]["code"]
    assert rows["gru-conformal"]["settings"]["calibration"]["n_origins"] == 2
    assert rows["gru-conformal"]["settings"]["calibration"]["errors_per_step"] == 2 * 10  # >= 19, what 95 % needs
    assert "method='scaled'" in rows["gru-conformal"]["settings"]["code"]
    # the naive row, rebuilt by hand and scored with seqforecast's metrics, gives the file's figures
    y_train, y_test, train_rows = m4i.load_m4(data, "Weekly")
    model = m4i.build_naive("Weekly", True, 0).fit(None, y_train)
    frame = model.forecast(HORIZON, coverage=0.95)
    lower = frame[[f"{c}_lower" for c in y_train.columns]].to_numpy()
    upper = frame[[f"{c}_upper" for c in y_train.columns]].to_numpy()
    expected = msis(y_test.to_numpy(), lower, upper, y_train=train_rows, sp=1)
    assert rows["naive"]["msis"] == pytest.approx(expected, rel=1e-12)
    assert rows["naive"]["acd"] == pytest.approx(acd(y_test.to_numpy(), lower, upper), abs=1e-12)
    assert rows["naive"]["coverage"] == pytest.approx(interval_coverage(y_test.to_numpy(), lower, upper), abs=1e-12)
    # the official rows, read from the CSV (the best entry found by its MSIS)
    official = {o["model"]: o for o in result["official"]}
    assert official["ARIMA (official benchmark)"]["msis"] == 19.575
    assert official["best Weekly entry (#36)"]["msis"] == 16.2
    assert result["settings"]["quick"] is True and result["settings"]["n_series"] == 10
    assert "versions" in result["environment"] and "machine" in result["environment"]
    text = (out / "m4_intervals_Weekly.quick.md").read_text()
    for needle in (
        "| naive |",
        "| gru-conformal |",
        "ES-RNN",
        "best Weekly entry (#36)",
        "QUICK MODE",
        "NOT the official",
    ):
        assert needle in text


def test_missing_data_says_where_to_get_it(tmp_path, capsys):
    assert m4i.main(["--frequency", "Hourly", "--data", str(tmp_path), "--out", str(tmp_path)]) == 2
    assert "M4-methods" in capsys.readouterr().err


def test_the_default_models_hold_every_kind_of_interval_but_the_costly_auto_conformal():
    assert {"gru-quantile", "gru-gaussian", "gru-gaussian-paths", "gru-conformal", "arima", "ets", "naive"} <= set(
        m4i.DEFAULT_MODELS
    )
    assert "auto-conformal" in m4i.MODELS and "auto-conformal" not in m4i.DEFAULT_MODELS


def test_a_failing_model_is_noted_and_the_others_are_kept(tmp_path, monkeypatch):
    def broken(frequency, quick, seed):
        raise RuntimeError("no such head")

    monkeypatch.setitem(m4i.MODELS, "broken", broken)
    data, out = tmp_path / "m4", tmp_path / "out"
    data.mkdir()
    write_weekly_folder(data)
    argv = ["--frequency", "Weekly", "--quick", "--data", str(data), "--out", str(out), "--models", "broken", "naive"]
    assert m4i.main(argv) == 1
    result = json.loads((out / "m4_intervals_Weekly.quick.json").read_text())
    assert [r["model"] for r in result["results"]] == ["naive"]
    assert any(n.startswith("broken FAILED, no row: RuntimeError: no such head") for n in result["notes"])
    assert not any(n.startswith("PARTIAL") for n in result["notes"])


@pytest.mark.slow  # a few 1-epoch nets at 2 conformal origins: about 10 s
def test_holdout_mode_scores_the_last_horizon_of_the_training_data(tmp_path):
    from seqforecast.evaluation.probabilistic import msis

    data, out = tmp_path / "m4", tmp_path / "out"
    data.mkdir()
    write_weekly_folder(data)
    models = ["naive", "gru-conformal-normalized", "gru-ensemble-conformal-normalized"]
    argv = ["--frequency", "Weekly", "--quick", "--holdout", "--data", str(data), "--out", str(out), "--models"]
    assert m4i.main(argv + models) == 0
    assert not (out / "m4_intervals_Weekly.quick.json").exists()  # a holdout run has its own file
    result = json.loads((out / "m4_intervals_Weekly_holdout.quick.json").read_text())
    assert result["settings"]["holdout"] is True and result["notes"][0].startswith("HOLDOUT CHECK")
    rows = {r["model"]: r for r in result["results"]}
    assert "method='normalized'" in rows["gru-conformal-normalized"]["settings"]["code"]
    ensemble = rows["gru-ensemble-conformal-normalized"]["settings"]["code"]
    assert ensemble.startswith("ConformalForecaster(forecaster=EnsembleForecaster(") and "window_length=64" in ensemble
    # the naive row by hand: fitted without the last 13 training values, scored on them (the test file unread)
    y_train, _, train_rows = m4i.load_m4(data, "Weekly")
    y_fit, y_held = y_train.iloc[:-HORIZON], y_train.iloc[-HORIZON:].to_numpy()
    frame = m4i.build_naive("Weekly", True, 0).fit(None, y_fit).forecast(HORIZON, coverage=0.95)
    lower = frame[[f"{c}_lower" for c in y_fit.columns]].to_numpy()
    upper = frame[[f"{c}_upper" for c in y_fit.columns]].to_numpy()
    expected = msis(y_held, lower, upper, y_train=[r[:-HORIZON] for r in train_rows], sp=1)
    assert rows["naive"]["msis"] == pytest.approx(expected, rel=1e-12)
    assert "HOLDOUT CHECK" in (out / "m4_intervals_Weekly_holdout.quick.md").read_text()
