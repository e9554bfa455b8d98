"""The M4 benchmark script (benchmarks/m4.py) in quick mode, and the forecaster options it relies on.

The first part runs the script on a few M4 series (skipped when the M4 data folder is absent). The second
part pins the options added to seqforecast.forecasting for global models on M4 (``window_step``,
``patch_length``, ``window_scale``, time-ordered training windows, ``EnsembleForecaster``) on hand-written
data, so it never needs the M4 files.
"""

import importlib.util
import json
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.linear_model import LinearRegression

import seqforecast
from seqforecast.estimators import RNNRegressor
from seqforecast.forecasting import (
    DirectForecaster,
    EnsembleForecaster,
    RecursiveForecaster,
)

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "m4.py"


def load_script():
    spec = importlib.util.spec_from_file_location("m4_benchmark", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["m4_benchmark"] = module
    spec.loader.exec_module(module)
    return module


m4 = load_script()
DATA = m4.DEFAULT_DATA
needs_data = pytest.mark.skipif(
    not (DATA / "Hourly-train.csv").exists(),
    reason=f"M4 data not found in {DATA} (Hourly-train.csv, Hourly-test.csv): the quick benchmark needs them",
)


# ------------------------------------------------------------------------------------------ the script
@needs_data
def test_quick_mode_writes_the_result_files(tmp_path):
    argv = [
        "--frequency",
        "Hourly",
        "--quick",
        "--n-series",
        "6",
        "--models",
        "naive2",
        "snaive",
        "gru-direct",
        "--out",
        str(tmp_path),
    ]
    assert m4.main(argv) == 0
    table = pd.read_csv(tmp_path / "m4_Hourly.csv")
    assert list(table.columns) == ["model", "smape", "mase", "owa", "fit_seconds", "predict_seconds", "settings"]
    assert list(table["model"]) == ["naive2", "snaive", "gru-direct"]
    naive2 = table.set_index("model").loc["naive2"]
    assert naive2["owa"] == pytest.approx(1.0, abs=1e-12)  # OWA is relative to Naive2 itself
    assert np.isfinite(table[["smape", "mase", "owa", "fit_seconds", "predict_seconds"]].to_numpy()).all()
    settings = json.loads(table.set_index("model").loc["gru-direct", "settings"])
    assert settings["code"].startswith("DirectForecaster(estimator=RNNRegressor(")
    text = (tmp_path / "m4_Hourly.md").read_text()
    for needle in ("| naive2 |", "ES-RNN", "FFORMA", "ARIMA (auto.arima)", "Load average", "torch threads 1"):
        assert needle in text
    meta = json.loads((tmp_path / "m4_Hourly.json").read_text())
    assert meta["settings"]["n_series"] == 6 and meta["settings"]["quick"] is True
    assert "versions" in meta["environment"] and "machine" in meta["environment"]


@needs_data
def test_holdout_mode_scores_the_last_horizon_of_the_training_data(tmp_path):
    from seqforecast.baselines import Naive2Forecaster
    from seqforecast.evaluation.metrics import m4_scores

    argv = [
        "--frequency",
        "Hourly",
        "--quick",
        "--holdout",
        "--n-series",
        "5",
        "--models",
        "naive2",
        "snaive",
        "--out",
        str(tmp_path),
    ]
    assert m4.main(argv) == 0
    table = pd.read_csv(tmp_path / "m4_Hourly_holdout.csv").set_index("model")
    assert not (tmp_path / "m4_Hourly.csv").exists()
    # by hand: the same 5 series, their last 48 training values held out
    y_train, _, rows = m4.load_m4(DATA, "Hourly", n_series=5, seed=0)
    fit, held = y_train.iloc[:-48], y_train.iloc[-48:].to_numpy()
    naive2 = Naive2Forecaster(sp=24).fit(None, fit).forecast(48).to_numpy()
    snaive = np.concatenate([fit.to_numpy()[-24:]] * 2)
    expected = m4_scores(held, snaive, y_train=[r[:-48] for r in rows], sp=24, y_pred_naive2=naive2)
    assert table.loc["snaive", "smape"] == pytest.approx(expected["smape"], rel=1e-12)
    assert table.loc["snaive", "mase"] == pytest.approx(expected["mase"], rel=1e-12)
    assert table.loc["naive2", "smape"] == pytest.approx(expected["smape_naive2"], rel=1e-12)
    text = (tmp_path / "m4_Hourly_holdout.md").read_text()
    assert "**Holdout check, not the M4 test.**" in text and "Official M4 results" not in text


@needs_data
def test_ensemble_choice_scores_every_combination_at_the_validation_origin(tmp_path):
    spec = importlib.util.spec_from_file_location("m4_ensemble_choice", ROOT / "benchmarks" / "m4_ensemble_choice.py")
    choice = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(choice)
    argv = ["--n-series", "4", "--max-epochs", "1", "--seeds", "0", "--candidates", "A", "C", "--out", str(tmp_path)]
    assert choice.main(argv) == 0
    result = json.loads((tmp_path / "m4_Hourly_ensemble_choice.json").read_text())
    assert [(n["candidate"], n["seed"]) for n in result["nets"]] == [("A", 0), ("C", 0)]
    combos = {c["candidates"]: c for c in result["combinations"]}
    assert sorted(combos) == ["A", "A+C", "C"] and combos["A+C"]["n_nets"] == 2
    for net in result["nets"]:  # the mean of one net's forecasts is that net's forecast
        assert combos[net["candidate"]]["owa"] == pytest.approx(net["owa"], rel=1e-12)
    assert "cell='gru'" in result["nets"][0]["code"] and "cell=" not in result["nets"][1]["code"]  # lstm: default


@needs_data
def test_weekly_choice_extrapolates_the_pair_to_the_final_ensemble_at_an_earlier_origin(tmp_path):
    spec = importlib.util.spec_from_file_location("m4_ensemble_choice", ROOT / "benchmarks" / "m4_ensemble_choice.py")
    choice = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(choice)
    argv = ["--frequency", "Weekly", "--n-series", "6", "--max-epochs", "1", "--seeds", "0", "1"]
    argv += ["--candidates", "A", "B", "C", "D", "--earlier", "13", "--save-forecasts", "--out", str(tmp_path)]
    assert choice.main(argv) == 0
    stem = tmp_path / "m4_Weekly_ensemble_choice_earlier13"
    result = json.loads(stem.with_suffix(".json").read_text())
    assert result["settings"]["earlier"] == 13 and result["mix"] == "Theta (sp=52)"
    single = {(n["candidate"], n["seed"]): n["owa"] for n in result["nets"]}
    rows = result["by_ensemble_size"]
    assert [r["nets"] for r in rows] == [
        "A0 B0", "A0 B0", "A0 B0 C0 D0 A1 B1", "A1 B1", "A1 B1", "A1 B1 C1 D1 A0 B0", "all"
    ]  # fmt: skip
    for seed, (pair, extrapolated) in zip((0, 1), (rows[0:2], rows[3:5])):
        one = (single[("A", seed)] + single[("B", seed)]) / 2  # score(n) = a + b / n through n = 1 and n = 2
        assert extrapolated["how"] == "extrapolated to 6"
        assert extrapolated["owa"] == pytest.approx(pair["owa"] - (one - pair["owa"]) * (1 - 2 / 6), rel=1e-12)
    combos = {c["candidates"]: c for c in result["combinations"]}
    for column in ("owa", "owa_mixed"):  # every net of A-D: the same mean as the combination's row
        assert rows[-1][column] == pytest.approx(combos["A+B+C+D"][column], rel=1e-9)
    # the held-out values are the 13 training values before the last 13 (the M4 test values are not read)
    saved = np.load(stem.with_suffix(".npz"))
    y_train, _, train_rows = m4.load_m4(DATA, "Weekly", n_series=6, seed=0)
    _, y_held, _, _ = m4.holdout_split(
        y_train.iloc[:-13].reset_index(drop=True), [r[:-13] for r in train_rows], "Weekly"
    )
    np.testing.assert_array_equal(saved["held"], y_held.to_numpy())
    kept = [train_rows[list(y_train.columns).index(c)] for c in y_held.columns]
    np.testing.assert_array_equal(saved["held"], np.array([r[-26:-13] for r in kept]).T)
    assert saved["forecasts"].shape == (8, 13, y_held.shape[1])


def test_selection_dev_extrapolates_the_nets_candidates_to_the_final_ensemble():
    """auto_selection_dev.py's ``_x`` rules: a candidate with the nets scored as with n_members nets."""
    spec = importlib.util.spec_from_file_location("auto_selection_dev", ROOT / "benchmarks" / "auto_selection_dev.py")
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    truth = np.array([10.0, 10.0])
    nets = [np.array([12.0, 12.0]), np.array([9.0, 9.0])]  # alone: errors 2 and 1; their mean 10.5: error 0.5
    fc = {"rnn": np.mean(nets, axis=0), "theta": np.array([11.0, 11.0])}
    rec = {"holdout": [(fc, truth, 2.0)], "holdout_singles": [nets], "n_members": 6, "last": 10.0}
    components = ["rnn", "theta"]
    # plain: e2 = 0.5 / 2 = 0.25; with the nets alone e1 = 1.5 / 2 = 0.75; 6 nets: 0.25 - 0.5 * (1 - 2 / 6)
    np.testing.assert_allclose(dev._errors(rec, {"rnn": 1.0}, components), [0.25])
    np.testing.assert_allclose(dev._errors(rec, {"rnn": 1.0}, components, extrapolate=True), [0.25 - 0.5 * 2 / 3])
    # 3/4 nets + 1/4 theta (11): mean 10.625 -> 0.3125; singles 11.75 and 9.5 -> (1.75 + 0.5) / 2 / 2 = 0.5625
    np.testing.assert_allclose(
        dev._errors(rec, {"rnn": 0.75, "theta": 0.25}, components, extrapolate=True),
        [0.3125 - (0.5625 - 0.3125) * 2 / 3],
    )
    np.testing.assert_allclose(dev._errors(rec, {"theta": 1.0}, components, extrapolate=True), [0.5])  # no nets
    # a flip: with theta at 7 the plain holdout prefers 3/4 nets + 1/4 theta (mean 9.625: 0.375 / 2 against
    # the nets' 0.5 / 2); as with 6 nets, the nets alone score (0.5 - 1.0 * 2/3) / 2 against the mix's singles
    # 10.75 and 8.5 -> (0.375 - 0.75 * 2/3) / 2, and the _x rule keeps the nets alone
    rec["holdout"] = [({**fc, "theta": np.array([7.0, 7.0])}, truth, 2.0)]
    np.testing.assert_allclose(dev._errors(rec, {"rnn": 0.75, "theta": 0.25}, components), [0.1875])
    np.testing.assert_allclose(dev._errors(rec, {"rnn": 1.0}, components, extrapolate=True), [-1 / 12])
    np.testing.assert_allclose(dev._errors(rec, {"rnn": 0.75, "theta": 0.25}, components, extrapolate=True), [-1 / 16])
    assert dev.select(rec, components, "best") == {"rnn": 0.75, "theta": 0.25}
    assert dev.select(rec, components, "best_x") == {"rnn": 1.0}


@needs_data
def test_loaded_series_end_together_and_keep_their_values():
    y_train, y_test, rows = m4.load_m4(DATA, "Weekly", n_series=5, seed=1)
    assert y_train.shape == (max(len(r) for r in rows), 5) and y_test.shape == (13, 5)
    for j, r in enumerate(rows):
        column = y_train.iloc[:, j].to_numpy()
        np.testing.assert_array_equal(column[-len(r) :], r)  # aligned on the forecast origin
        assert np.isnan(column[: -len(r)]).all()  # leading NaN only


def test_the_readme_recipe_is_the_benchmark_model():
    """The README's M4 recipe builds exactly the table's Hourly ensemble (no benchmark-only settings)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### The M4 recipe") :]
    code = section[section.index("```python") + len("```python") : section.index("model.fit(None, y)")]
    namespace = {}
    exec(code, namespace)
    expected = m4.build_model("gru-direct-ensemble", "Hourly", quick=False, seed=0)
    assert repr(namespace["model"]) == repr(expected)


@pytest.mark.parametrize("frequency", ["Hourly", "Weekly"])
def test_committed_results_end_with_their_development_log(frequency):
    """m4_<frequency>.md copies m4_<frequency>.tried.md at its end; an edit to the log must reach the result."""
    results = ROOT / "benchmarks" / "results"
    log = (results / f"m4_{frequency}.tried.md").read_text(encoding="utf-8").strip()
    assert (results / f"m4_{frequency}.md").read_text(encoding="utf-8").rstrip().endswith(log)


def test_missing_data_folder_says_where_to_get_it(tmp_path, capsys):
    assert m4.main(["--frequency", "Weekly", "--data", str(tmp_path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert f"M4 data not found in {tmp_path} (Weekly-train.csv, Weekly-test.csv)." in err
    assert "M4-methods" in err and "Dataset/Train/Weekly-train.csv" in err
    assert not (tmp_path / "out").exists()


# ---------------------------------------------------------------- forecaster options used by the benchmark
class Recorder(RegressorMixin, BaseEstimator):
    """Remembers what it was fitted on; predicts zeros (in the model's units) of the fitted width."""

    def __init__(self, three_d=False):
        self.three_d = three_d

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = self.three_d
        return tags

    def fit(self, X, y):
        self.X_, self.y_ = np.array(X), np.array(y)
        return self

    def predict(self, X):
        return np.zeros((len(X),) + self.y_.shape[1:])


def test_window_step_keeps_every_kth_window_anchored_at_the_end():
    y = pd.Series(np.arange(10.0))
    f = DirectForecaster(Recorder(), window_length=3, horizon=2, scaling=None, window_step=2).fit(None, y)
    # (10 - 3 - 2) % 2 = 1 leading step unused; windows start at 1, 3, 5 (make_windows' diagram)
    np.testing.assert_array_equal(f.estimator_.X_, [[1, 2, 3], [3, 4, 5], [5, 6, 7]])
    np.testing.assert_array_equal(f.estimator_.y_, [[4, 5], [6, 7], [8, 9]])


def test_global_training_windows_are_ordered_by_time_then_series():
    # "b" starts one step later; windows are sorted by the step their target falls on (2, 3, 3, 4, 4), so
    # the last rows (an RNN's early-stopping tail) are the most recent windows of both series
    y = pd.DataFrame({"a": [1.0, 2, 3, 4, 5], "b": [np.nan, 20, 30, 40, 50]})
    f = RecursiveForecaster(Recorder(), window_length=2, scaling=None).fit(None, y)
    np.testing.assert_array_equal(f.estimator_.X_, [[1, 2], [2, 3], [20, 30], [3, 4], [30, 40]])
    np.testing.assert_array_equal(f.estimator_.y_, [3, 4, 40, 5, 50])


def test_patch_length_gives_sequence_estimators_patches_of_consecutive_steps():
    y = pd.Series(np.arange(12.0))
    f = DirectForecaster(
        Recorder(three_d=True), window_length=6, horizon=2, scaling=None, window_step=4, patch_length=3
    ).fit(None, y)
    # windows [0..5] -> y [6, 7] and [4..9] -> y [10, 11], each as 2 patches of 3 values
    np.testing.assert_array_equal(f.estimator_.X_, [[[0, 1, 2], [3, 4, 5]], [[4, 5, 6], [7, 8, 9]]])
    flat = DirectForecaster(Recorder(), window_length=6, horizon=2, scaling=None, window_step=4, patch_length=3).fit(
        None, y
    )
    np.testing.assert_array_equal(flat.estimator_.X_, [[0, 1, 2, 3, 4, 5], [4, 5, 6, 7, 8, 9]])  # unchanged


def test_patch_length_must_divide_the_window():
    f = DirectForecaster(Recorder(three_d=True), window_length=10, horizon=2, patch_length=4)
    msg = (
        "DirectForecaster: window_length=10 is not a multiple of patch_length=4; the window is cut into whole "
        "patches. Use a window_length such as 8, or another patch_length."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        f.fit(None, pd.Series(np.arange(30.0)))


def test_window_scale_mean_divides_by_the_level():
    y = pd.Series([2.0, 4, 6, 8, 10, 12])
    f = DirectForecaster(
        Recorder(), window_length=2, horizon=1, scaling="window", window_scale="mean", window_step=2
    ).fit(None, y)
    # windows [4, 6] (level 5) -> 8, [8, 10] (level 9) -> 12, as x / level - 1
    np.testing.assert_allclose(f.estimator_.X_, [[-0.2, 0.2], [-1 / 9, 1 / 9]])
    np.testing.assert_allclose(f.estimator_.y_, [[0.6], [1 / 3]])
    # a model predicting 0 forecasts the last window's level: (10 + 12) / 2
    np.testing.assert_allclose(f.forecast(1).to_numpy(), [11.0])


def test_window_scale_is_checked():
    f = RecursiveForecaster(LinearRegression(), window_length=2, scaling="window", window_scale="max")
    msg = "The 'window_scale' parameter of RecursiveForecaster must be a str among {'mean', 'std'}. Got 'max' instead."
    with pytest.raises(ValueError, match=re.escape(msg)):
        f.fit(None, pd.Series(np.arange(20.0)))


def tiny_direct(seed=None):
    net = RNNRegressor(cell="gru", hidden_size=4, max_epochs=2, batch_size=16, random_state=seed)
    return DirectForecaster(net, window_length=8, horizon=3, scaling="window", patch_length=4)


def test_ensemble_is_the_mean_or_median_of_members_seeded_in_turn():
    t = np.arange(60)
    y = pd.DataFrame({"a": 10 + np.sin(t / 3), "b": 5 + np.cos(t / 4)})
    ens = EnsembleForecaster(tiny_direct(), n_members=3, random_state=7).fit(None, y)
    assert [m.estimator_.random_state for m in ens.forecasters_] == [7, 8, 9]
    members = np.stack([tiny_direct(seed).fit(None, y).forecast(3).to_numpy() for seed in (7, 8, 9)])
    np.testing.assert_allclose(ens.forecast(3).to_numpy(), members.mean(axis=0), rtol=1e-12)
    assert list(ens.forecast(3).columns) == ["a", "b"]
    ens.set_params(aggregate="median").fit(None, y)
    np.testing.assert_allclose(ens.forecast(2).to_numpy(), np.median(members, axis=0)[:2], rtol=1e-12)


def test_ensemble_needs_a_seed_to_vary():
    ens = EnsembleForecaster(DirectForecaster(LinearRegression(), window_length=2, horizon=1), n_members=2)
    msg = (
        "EnsembleForecaster: DirectForecaster has no random_state parameter (its own or its estimator's), so "
        "all members would be the same model."
    )
    with pytest.raises(ValueError, match=re.escape(msg)):
        ens.fit(None, pd.Series(np.arange(20.0)))
    with pytest.raises(
        ValueError,
        match=re.escape(
            "The 'aggregate' parameter of EnsembleForecaster must be a str among {'mean', 'median'}. Got 'max' instead."
        ),
    ):
        EnsembleForecaster(tiny_direct(), aggregate="max").fit(None, pd.Series(np.arange(20.0)))


def test_ensemble_of_several_forecasters_copies_each_in_turn():
    t = np.arange(60)
    y = pd.Series(10 + np.sin(t / 3))
    short = tiny_direct().set_params(window_length=4)
    ens = EnsembleForecaster([tiny_direct(), short], n_members=2, random_state=3).fit(None, y)
    assert [(m.window_length, m.estimator_.random_state) for m in ens.forecasters_] == [(8, 3), (8, 4), (4, 5), (4, 6)]
    members = [
        base.set_params(estimator__random_state=seed).fit(None, y).forecast(3).to_numpy()
        for base, seed in ((tiny_direct(), 3), (tiny_direct(), 4), (short, 5), (clone(short), 6))
    ]
    np.testing.assert_allclose(ens.forecast(3).to_numpy(), np.mean(members, axis=0), rtol=1e-12)
    with pytest.raises(
        ValueError, match=re.escape("EnsembleForecaster: forecaster is an empty list; give at least one forecaster.")
    ):
        EnsembleForecaster([]).fit(None, y)


def test_edge_cases_merge_reruns_some_cases_and_keeps_the_others_with_their_version(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("auto_edge_cases", ROOT / "benchmarks" / "auto_edge_cases.py")
    edge = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(edge)
    monkeypatch.setattr(edge, "RESULTS", tmp_path)
    budget = {
        "what": "budget case",
        "budget_seconds": 120.0,
        "fit_seconds": 100.0,
        "within_budget": True,
        "holdout_nets": 1,
        "final_nets": 1,
        "auto_config": {},
    }
    defaults = {"what": "defaults case"}
    for name in ("DirectForecaster(horizon=18)", "RecursiveForecaster()"):
        defaults[name] = {"fit_seconds": 5.0, "epochs": 2, "net": {}, "finite_forecast": True}
    earlier = {"date_utc": "2026-01-01T00:00:00+00:00", "machine": "m", "versions": {"seqforecast": "0.5.0"}}
    (tmp_path / "auto_edge_cases.json").write_text(
        json.dumps({"environment": earlier, "results": {"defaults": defaults, "budget": {**budget, "fit_seconds": 9}}})
    )
    monkeypatch.setattr(edge, "case_budget", lambda data, seed, seconds: dict(budget))
    assert edge.main(["--cases", "budget", "--merge"]) == 0
    results = json.loads((tmp_path / "auto_edge_cases.json").read_text())["results"]
    assert list(results) == ["budget", "defaults"]  # the cases' order, not the run's
    assert results["budget"]["fit_seconds"] == 100.0 and results["budget"]["seqforecast"] == seqforecast.__version__
    assert results["defaults"]["seqforecast"] == "0.5.0"
    assert results["defaults"]["date_utc"] == "2026-01-01T00:00:00+00:00"
    text = (tmp_path / "auto_edge_cases.md").read_text()
    assert "seqforecast 0.5.0, run 2026-01-01T00:00:00+00:00." in text
    assert f"seqforecast {seqforecast.__version__}, run " in text
    assert "Command: `python benchmarks/auto_edge_cases.py --cases budget --merge`." in text
    # without --merge, only the cases run are written
    assert edge.main(["--cases", "budget"]) == 0
    assert list(json.loads((tmp_path / "auto_edge_cases.json").read_text())["results"]) == ["budget"]


def test_holdout_labels_name_every_candidate_once():
    from seqforecast import AutoRNNForecaster
    from seqforecast.forecasting._auto_select import _candidate_weights, candidate_label

    nets = [np.array([[3.0, 4.0]]), np.array([[-1.0, 2.0]])]
    forecasts = {"rnn": np.mean(nets, axis=0), "theta": np.full((1, 2), 1.9), "seasonal_naive": np.ones((1, 2))}
    holdout = [(forecasts, np.zeros((1, 2)), np.ones(2), [np.ones(5)] * 2, nets)]
    components = ["rnn", "theta", "seasonal_naive"]
    table, _ = AutoRNNForecaster(1)._choose(components, holdout, False)
    labels = [candidate_label(w) for w in _candidate_weights(components, "auto")]
    assert len(set(labels)) == len(labels) and sorted(labels) == sorted(table["candidate"])
    assert candidate_label({"theta": 1.0}) == "theta"
    assert candidate_label({"rnn": 0.75, "theta": 0.25}) == "0.75 rnn + 0.25 theta"


def test_collection_dev_names_only_the_components_with_a_weight():
    spec = importlib.util.spec_from_file_location("auto_collection_dev", ROOT / "benchmarks" / "auto_collection_dev.py")
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    assert dev.short({"rnn": 0.75, "theta": 0.25, "arima": 0.0}) == "0.75 rnn + 0.25 theta"
