"""Tests for the seqforecast command line (seqforecast.cli.main and python -m seqforecast)."""

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose

from seqforecast.cli import main


@pytest.fixture
def csv(tmp_path):
    """Two monthly series over 36 months: a has a yearly cycle, b is a line."""
    t = np.arange(36)
    frame = pd.DataFrame(
        {
            "date": pd.period_range("2000-01", periods=36, freq="M").astype(str),
            "a": np.round(20 + 5 * np.sin(2 * np.pi * t / 12) + 0.5 * t, 3),
            "b": 100.0 + 2 * t,
        }
    )
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    return path


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# ---------------------------------------------------------------------------------------------------------
# subcommands end to end
# ---------------------------------------------------------------------------------------------------------
def test_forecast_naive_writes_dates_and_one_column_per_series(csv, tmp_path, capsys):
    out = tmp_path / "fc.csv"
    code, stdout, stderr = run(capsys, "forecast", csv, "--horizon", 3, "--out", out, "--model", "naive")
    assert (code, stdout, stderr) == (
        0,
        f"seqforecast forecast: wrote a forecast of 3 steps (2003-01-01 to 2003-03-01) for 2 series (model naive) "
        f"to {str(out)!r}\n",
        "",
    )
    assert run(capsys, "forecast", csv, "--horizon", 3, "--out", out, "--model", "naive", "--quiet")[1:] == ("", "")
    result = pd.read_csv(out)
    assert list(result.columns) == ["date", "a", "b"]
    assert result["date"].tolist() == ["2003-01-01", "2003-02-01", "2003-03-01"]
    data = pd.read_csv(csv)
    assert_allclose(result["a"], [data["a"].iloc[-1]] * 3)
    assert_allclose(result["b"], [170.0] * 3)


def test_forecast_seasonal_naive_one_column(csv, tmp_path, capsys):
    out = tmp_path / "fc.csv"
    code, _, _ = run(
        capsys,
        "forecast",
        csv,
        "--horizon",
        4,
        "--out",
        out,
        "--model",
        "seasonal-naive",
        "--sp",
        12,
        "--columns",
        "a",
        "--date-column",
        "date",
    )
    assert code == 0
    result = pd.read_csv(out)
    assert list(result.columns) == ["date", "a"]
    assert_allclose(result["a"], pd.read_csv(csv)["a"].iloc[24:28])  # the same months one year earlier


def test_forecast_rnn(csv, tmp_path, capsys):
    import torch

    threads = torch.get_num_threads()
    out = tmp_path / "fc.csv"
    code, stdout, stderr = run(
        capsys, "forecast", csv, "--horizon", 2, "--out", out, "--columns", "b", "--model", "rnn", "--window-length", 4
    )
    assert (code, stdout.startswith("seqforecast forecast: wrote a forecast of 2 steps"), stderr) == (0, True, "")
    result = pd.read_csv(out)
    assert result.shape == (2, 2) and np.isfinite(result["b"]).all()
    assert torch.get_num_threads() == threads  # --torch-threads applied during the run only


def test_integer_time_column(tmp_path, capsys):
    path = tmp_path / "steps.csv"
    pd.DataFrame({"t": np.arange(10, 20), "v": np.arange(10.0)}).to_csv(path, index=False)
    out = tmp_path / "fc.csv"
    assert run(capsys, "forecast", path, "--horizon", 2, "--out", out, "--model", "naive")[0] == 0
    assert pd.read_csv(out).values.tolist() == [[20, 9.0], [21, 9.0]]


def test_backtest_writes_the_tidy_frame(csv, tmp_path, capsys):
    out = tmp_path / "bt.csv"
    code, stdout, stderr = run(
        capsys, "backtest", csv, "--horizon", 3, "--out", out, "--model", "naive", "--initial-window", 24, "--step", 3
    )
    assert (code, stdout, stderr) == (
        0,
        f"seqforecast backtest: wrote the backtest of model naive: 24 rows (4 origins x 2 series x 3 steps) to "
        f"{str(out)!r}\n",
        "",
    )
    result = pd.read_csv(out)
    assert list(result.columns) == [
        "model",
        "series",
        "cutoff",
        "timestamp",
        "horizon_step",
        "y_true",
        "y_pred",
        "fit_seconds",
        "predict_seconds",
    ]
    # test windows start at 33, 30, 27, 24 (first window 24 rows): 4 origins x 2 series x 3 steps
    assert len(result) == 4 * 2 * 3
    assert result["cutoff"].iloc[0] == "2001-12-01" and result["timestamp"].iloc[-1] == "2002-12-01"
    assert (result["model"] == "NaiveForecaster").all()


def test_backtest_sliding_window(csv, tmp_path, capsys):
    out = tmp_path / "bt.csv"
    code, _, _ = run(
        capsys,
        "backtest",
        csv,
        "--horizon",
        6,
        "--out",
        out,
        "--model",
        "seasonal-naive",
        "--sp",
        12,
        "--sliding-window",
        12,
        "--columns",
        "b",
    )
    assert code == 0
    result = pd.read_csv(out)
    assert result["cutoff"].nunique() == 4  # test windows start at 30, 24, 18, 12 (12-step training windows)
    # the seasonal naive forecast of a line is its value one year earlier: off by 12 * 2
    assert_allclose(result["y_true"] - result["y_pred"], 24.0)


@pytest.mark.slow  # fits the RNN and the baselines on every origin
def test_benchmark_quick_on_a_csv(csv, tmp_path, capsys):
    # --baselines leaves ARIMA out: its automatic order search takes from 0.1 s to 20 s on such short series
    out = tmp_path / "report"
    code, stdout, stderr = run(
        capsys,
        "benchmark",
        csv,
        "--out",
        out,
        "--horizon",
        3,
        "--sp",
        12,
        "--quick",
        "--columns",
        "b",
        "--model",
        "rnn",
        "--window-length",
        6,
        "--baselines",
        "naive,seasonal-naive",
    )
    assert (code, stderr) == (0, "")
    assert (out / "report.html").is_file() and (out / "report.md").is_file()
    assert (out / "results.csv").is_file() and (out / "leaderboard.csv").is_file()
    assert (out / "training_curves.png").is_file()  # the GRU's training_history(), one curve per fit
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    assert meta["settings"]["seed"] == 0 and meta["seeds"]["GRU (quick)"] == {"estimator__random_state": 0}
    assert meta["settings"]["rnn_settings"]["hidden_size"] == 8
    assert meta["settings"]["baselines"] == ["naive", "seasonal-naive"]
    lines = stdout.splitlines()
    assert lines[0] == f"seqforecast benchmark on {str(csv)!r}: horizon 3, sp 12, 6 origins"
    assert "GRU (quick)" in stdout and "SeasonalNaiveForecaster" in stdout
    assert lines[-2].startswith("Does GRU (quick) beat the best baseline?")
    assert lines[-1] == f"Report: {out / 'report.html'}"
    leaderboard = pd.read_csv(out / "leaderboard.csv", index_col="model")
    assert sorted(leaderboard.index) == ["GRU (quick)", "NaiveForecaster", "SeasonalNaiveForecaster"]
    assert leaderboard["baseline"].to_dict() == {
        "GRU (quick)": False,
        "NaiveForecaster": True,
        "SeasonalNaiveForecaster": True,
    }


@pytest.mark.slow  # fits AutoRNNForecaster (one net at three holdout origins) on every origin
def test_benchmark_compares_the_auto_forecaster_by_default(csv, tmp_path, capsys):
    out = tmp_path / "report"
    code, stdout, stderr = run(
        capsys,
        "benchmark",
        csv,
        "--out",
        out,
        "--horizon",
        3,
        "--quick",
        "--columns",
        "a",
        "--baselines",
        "naive",
        "--step",
        12,
        "--quiet",
    )
    assert (code, stderr) == (0, "")
    meta = json.loads((out / "metadata.json").read_text(encoding="utf-8"))
    assert meta["settings"]["model"] == "AutoRNNForecaster(horizon=3, n_members=1, random_state=0)"
    assert meta["seeds"]["AutoRNN (quick)"] == {"random_state": 0}
    assert stdout.splitlines()[-2].startswith("Does AutoRNN (quick) beat the best baseline?")


@pytest.mark.slow  # fits AutoRNNForecaster
def test_forecast_uses_the_auto_forecaster_by_default_and_shows_progress_when_asked(csv, tmp_path, capsys):
    out = tmp_path / "f.csv"
    code, stdout, stderr = run(capsys, "forecast", csv, "--horizon", 3, "--out", out, "--columns", "a", "--progress")
    assert code == 0
    frame = pd.read_csv(out)
    assert list(frame.columns) == ["date", "a"] and frame["date"].tolist() == ["2003-01-01", "2003-02-01", "2003-03-01"]
    # the forecaster's own progress lines: its plan (sp read from the monthly dates), each net, the holdout
    assert "AutoRNNForecaster: 1 series of 36 to 36 observations, horizon 3, sp 12" in stderr
    # with 3 holdout origins only a large gain may replace ARIMA (Student's t, df 2), so ARIMA is kept here
    # and no final net is fitted
    assert "holdout origin 3/3 net 2/2: GRU on windows of 24" in stderr
    assert "AutoRNNForecaster: holdout MASE: " in stderr and stderr.endswith("; chosen: arima\n")
    assert "final net" not in stderr
    assert run(capsys, "forecast", csv, "--horizon", 3, "--out", out, "--columns", "a", "--quiet")[2] == ""


def test_window_length_belongs_to_the_rnn_model(csv, tmp_path, capsys):
    code, _, err = run(capsys, "forecast", csv, "--horizon", 3, "--out", tmp_path / "f.csv", "--window-length", 6)
    assert (code, err) == (
        2,
        "seqforecast forecast: error: --window-length applies to --model rnn only (the "
        "auto model chooses its own windows)\n",
    )


def test_quiet_and_progress_exclude_each_other(csv, tmp_path, capsys):
    code, _, err = run(capsys, "forecast", csv, "--horizon", 3, "--out", tmp_path / "f.csv", "--quiet", "--progress")
    assert code == 2
    assert err.startswith("seqforecast forecast: error: argument --progress: not allowed with argument --quiet")


def test_benchmark_baselines_are_the_ones_compare_knows(tmp_path, capsys):
    from seqforecast.cli import _BASELINES
    from seqforecast.evaluation.reporting.compare import BASELINES

    assert _BASELINES == BASELINES
    code, stdout, stderr = run(capsys, "benchmark", "--out", tmp_path / "r", "--baselines", "naive,ets")
    assert (code, stdout) == (2, "")
    assert stderr == (
        "seqforecast benchmark: error: argument --baselines: 'naive,ets' is not a comma-separated "
        "list of baselines among naive, seasonal-naive, arima (see seqforecast benchmark --help)\n"
    )


@pytest.mark.slow  # a new interpreter imports the package
def test_python_dash_m(csv, tmp_path):
    out = tmp_path / "fc.csv"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "seqforecast",
            "forecast",
            str(csv),
            "--horizon",
            "1",
            "--out",
            str(out),
            "--model",
            "naive",
            "--quiet",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert len(pd.read_csv(out)) == 1


# ---------------------------------------------------------------------------------------------------------
# usage errors: exit 2, one line on stderr, no traceback
# ---------------------------------------------------------------------------------------------------------
def write(tmp_path, text):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    return path


def assert_usage_error(capsys, argv, message):
    code, stdout, stderr = run(capsys, *argv)
    assert code == 2
    assert stdout == ""
    assert stderr == message + "\n"


def test_missing_file(tmp_path, capsys):
    missing = tmp_path / "nope.csv"
    assert_usage_error(
        capsys,
        ["forecast", missing, "--horizon", 2, "--out", tmp_path / "o.csv"],
        f"seqforecast forecast: error: file not found: {str(missing)!r}",
    )


def test_missing_column(csv, tmp_path, capsys):
    assert_usage_error(
        capsys,
        ["backtest", csv, "--horizon", 2, "--out", tmp_path / "o.csv", "--columns", "c"],
        f"seqforecast backtest: error: column 'c' not found in {str(csv)!r}; its columns are ['date', 'a', 'b'] "
        "(see --columns)",
    )
    assert_usage_error(
        capsys,
        ["forecast", csv, "--horizon", 2, "--out", tmp_path / "o.csv", "--date-column", "when"],
        f"seqforecast forecast: error: column 'when' not found in {str(csv)!r}; its columns are ['date', 'a', 'b'] "
        "(see --date-column)",
    )


@pytest.mark.parametrize("command", ["forecast", "backtest", "benchmark"])
def test_a_horizon_past_the_limit_is_refused_before_any_model_is_built(command, csv, tmp_path, capsys):
    # the model would allocate a forecast of 10**8 steps: refused by the limit every forecaster has
    out = tmp_path if command == "benchmark" else tmp_path / "o.csv"
    assert_usage_error(
        capsys,
        [command, csv, "--horizon", 100_000_000, "--out", out],
        f"seqforecast {command}: error: --horizon must be at most 1000000 (the most steps seqforecast forecasts "
        "ahead), got 100000000",
    )
    assert not (tmp_path / "o.csv").exists()


def assert_data_error(capsys, argv, message):
    code, stdout, stderr = run(capsys, *argv)
    assert (code, stdout, stderr) == (1, "", message + "\n")


def test_unparseable_dates(tmp_path, capsys):
    path = write(tmp_path, "date,v\n2000-01-01,1\nhello,2\n2000-01-03,3\n")
    assert_data_error(
        capsys,
        ["forecast", path, "--horizon", 1, "--out", tmp_path / "o.csv"],
        "seqforecast forecast: error: cannot parse the date column 'date' as dates: 'hello' at line 3; give their "
        "format with --date-format (e.g. '%d.%m.%Y')",
    )


def test_irregular_dates(tmp_path, capsys):
    path = write(tmp_path, "date,v\n2000-01-01,1\n2000-01-02,2\n2000-01-05,3\n2000-01-06,4\n")
    assert_data_error(
        capsys,
        ["forecast", path, "--horizon", 1, "--out", tmp_path / "o.csv"],
        "seqforecast forecast: error: the dates in column 'date' have no regular step (steps of 1 day, 3 days); "
        "write one row per time step",
    )


def test_non_numeric_column(tmp_path, capsys):
    path = write(tmp_path, "date,a,b\n2000-01-01,1,1\n2000-01-02,2,x\n2000-01-03,3,abc\n")
    assert_data_error(
        capsys,
        ["forecast", path, "--horizon", 1, "--out", tmp_path / "o.csv"],
        "seqforecast forecast: error: column 'b' is not numeric: 'x' at 2000-01-02 (line 3); write a number there, "
        "or, if 'x' means a missing value, use --na-values 'x'",
    )


@pytest.mark.parametrize("command", ["forecast", "backtest", "benchmark"])
def test_horizon_must_be_positive(csv, tmp_path, capsys, command):
    argv = [command, csv, "--horizon", 0, "--out", tmp_path / "o"]
    assert_usage_error(capsys, argv, f"seqforecast {command}: error: --horizon must be a positive integer, got 0")


def test_argparse_errors_are_one_line(csv, tmp_path, capsys):
    code, stdout, stderr = run(capsys, "forecast", csv, "--horizon", 2, "--out", tmp_path / "o.csv", "--model", "lstm")
    assert (code, stdout, stderr.count("\n")) == (2, "", 1)
    # argparse's wording of the choices differs between Python versions; the frame around it is ours
    assert stderr.startswith("seqforecast forecast: error: argument --model: invalid choice: 'lstm' (choose from")
    assert stderr.endswith("seasonal-naive') (see seqforecast forecast --help)\n") or stderr.endswith(
        "seasonal-naive) (see seqforecast forecast --help)\n"
    )
    code, _, err = run(capsys)
    assert code == 2 and err.count("\n") == 1
    assert err.startswith("seqforecast: error: the following arguments are required: command")


def test_help_returns_zero(capsys):
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "benchmark" in out


def test_modelling_errors_exit_1_on_one_line(csv, tmp_path, capsys):
    code, stdout, stderr = run(
        capsys, "forecast", csv, "--horizon", 2, "--out", tmp_path / "o.csv", "--model", "rnn", "--window-length", 40
    )
    assert (code, stdout) == (1, "")
    assert stderr.count("\n") == 1
    assert stderr == (
        "seqforecast forecast: error: RecursiveForecaster (series 'a'): every series needs at least 41 "
        "observations (window_length=40 + horizon=1); the series has 36. Use a shorter window_length, "
        "a longer series, or min_observations=... to pad short series (or AutoRNNForecaster, which "
        "does).\n"
    )


# ---------------------------------------------------------------------------------------------------------
# --coverage: prediction intervals
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.slow  # the automatic order search of ARIMA on two series
def test_forecast_with_coverage_writes_the_interval_columns(csv, tmp_path, capsys):
    out = tmp_path / "fc.csv"
    code, stdout, stderr = run(
        capsys, "forecast", csv, "--horizon", 3, "--out", out, "--model", "arima", "--coverage", 0.9
    )
    assert (code, stdout, stderr) == (
        0,
        f"seqforecast forecast: wrote a forecast of 3 steps (2003-01-01 to 2003-03-01) for 2 series (model arima), "
        f"with 0.9 prediction intervals to {str(out)!r}\n",
        "",
    )
    result = pd.read_csv(out)
    assert list(result.columns) == ["date", "a", "b", "a_lower", "a_upper", "b_lower", "b_upper"]
    assert not result.isna().any().any()
    for name in ("a", "b"):
        assert (result[f"{name}_lower"] <= result[name]).all() and (result[name] <= result[f"{name}_upper"]).all()


def test_backtest_with_coverage_writes_the_interval_columns(csv, tmp_path, capsys):
    out = tmp_path / "bt.csv"
    argv = ["backtest", csv, "--horizon", 3, "--out", out, "--model", "arima", "--columns", "b"]
    assert run(capsys, *argv, "--initial-window", 30, "--coverage", 0.8)[0] == 0
    result = pd.read_csv(out)
    assert list(result.columns) == [
        "model",
        "series",
        "cutoff",
        "timestamp",
        "horizon_step",
        "y_true",
        "y_pred",
        "y_lower",
        "y_upper",
        "fit_seconds",
        "predict_seconds",
    ]
    assert len(result) == 2 * 3 and not result.isna().any().any()
    assert (result["y_lower"] <= result["y_pred"]).all() and (result["y_pred"] <= result["y_upper"]).all()


@pytest.mark.parametrize("value", ["0", "1", "1.5", "-0.1", "nan", "inf"])
@pytest.mark.parametrize("command", ["forecast", "backtest", "benchmark"])
def test_coverage_outside_zero_one_is_refused(csv, tmp_path, capsys, command, value):
    argv = [command, csv, "--horizon", 2, "--out", tmp_path / "o", "--coverage", value]
    argv += ["--model", "arima"] if command != "benchmark" else []
    shown = float(value)
    assert_usage_error(
        capsys,
        argv,
        f"seqforecast {command}: error: --coverage must be a probability strictly between 0 and 1, e.g. 0.9 for "
        f"90% intervals, got {shown}",
    )


def test_coverage_must_be_a_number(csv, tmp_path, capsys):
    argv = ["forecast", csv, "--horizon", 2, "--out", tmp_path / "o.csv", "--coverage", "90%"]
    assert_usage_error(
        capsys,
        argv,
        "seqforecast forecast: error: argument --coverage: invalid float value: '90%' (see seqforecast forecast "
        "--help)",
    )


@pytest.mark.parametrize("model", ["auto", "rnn", "naive", "seasonal-naive"])
def test_coverage_needs_a_model_with_intervals(csv, tmp_path, capsys, model):
    argv = ["backtest", csv, "--horizon", 2, "--out", tmp_path / "o.csv", "--coverage", 0.9, "--model", model]
    assert_usage_error(
        capsys,
        argv,
        f"seqforecast backtest: error: --coverage needs a model that gives prediction intervals: --model arima; "
        f"{model} gives none (in Python, ConformalForecaster gives any model intervals)",
    )


@pytest.mark.slow  # fits the quick GRU and ARIMA on every origin
def test_benchmark_with_coverage_reports_the_intervals(csv, tmp_path, capsys):
    out = tmp_path / "report"
    argv = ["benchmark", csv, "--out", out, "--horizon", 3, "--columns", "b", "--quick", "--model", "rnn"]
    code, stdout, stderr = run(capsys, *argv, "--baselines", "naive,arima", "--coverage", 0.8)
    assert (code, stderr) == (0, "")
    table = pd.read_csv(out / "coverage.csv", index_col="model")
    assert table["intervals"].to_dict() == {"ARIMAForecaster": True, "NaiveForecaster": False, "GRU (quick)": False}
    assert 0 <= table.loc["ARIMAForecaster", "coverage"] <= 1
    assert "Prediction intervals of coverage 0.8:" in stdout
    assert "<h2>Prediction intervals</h2>" in (out / "report.html").read_text(encoding="utf-8")
    assert pd.read_csv(out / "results.csv").columns.tolist()[7:9] == ["y_lower", "y_upper"]
