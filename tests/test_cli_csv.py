"""The command line on real-world CSVs: separators, decimal commas, day-first dates, date formats, missing
values, step counters; every data error found before any model is built (exit status 1, one line naming the
file's line and the flag that fixes it); usage errors exit 2; ``forecast``/``backtest`` say what they wrote."""

import datetime as dt

import pandas as pd
import pytest

from seqforecast import cli
from seqforecast.cli import main

DAYS = [dt.date(2023, 1, 1) + dt.timedelta(days=i) for i in range(40)]


def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text)
    return path


def dated(fmt, values=None, sep=",", header="date,visits", days=DAYS):
    """A CSV of ``days`` in ``fmt`` and ``values`` (default 1, 2, 3, ...)."""
    values = [str(i + 1) for i in range(len(days))] if values is None else values
    return header + "\n" + "".join(f"{d.strftime(fmt)}{sep}{v}\n" for d, v in zip(days, values))


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def no_fit(monkeypatch):
    """Any model built fails the test: the checks must come first."""

    def boom(*args, **kwargs):
        raise AssertionError("a model was built")

    for name in ("_make_model", "_auto", "_rnn"):
        monkeypatch.setattr(cli, name, boom)


def forecast(capsys, path, tmp_path, *flags, model="naive"):
    return run(capsys, "forecast", path, "--horizon", 2, "--out", tmp_path / "fc.csv", "--model", model, *flags)


def assert_error(result, code, message):
    assert result == (code, "", message + "\n")


# ------------------------------------------------------------------------------------- before any fit
@pytest.mark.parametrize("command", ["forecast", "backtest", "benchmark"])
def test_a_missing_value_stops_every_command_before_any_model_is_built(command, tmp_path, capsys, no_fit):
    values = [str(i) for i in range(1, 41)]
    values[30] = ""
    path = write(tmp_path, dated("%Y-%m-%d", values))
    out = tmp_path / ("report" if command == "benchmark" else "out.csv")
    code, stdout, stderr = run(capsys, command, path, "--horizon", 2, "--out", out)
    assert (code, stdout) == (1, "")
    assert stderr == (
        f"seqforecast {command}: error: column 'visits' has 1 missing value(s) after its first value: 2023-01-31 "
        "(line 32); fill them in the file (seqforecast does not impute; missing cells may only precede a series' "
        "first value)\n"
    )
    assert not out.exists()


def test_out_naming_a_folder_is_a_usage_error_before_any_fit(tmp_path, capsys, no_fit):
    path = write(tmp_path, dated("%Y-%m-%d"))
    for command in ("forecast", "backtest"):
        assert_error(
            run(capsys, command, path, "--horizon", 2, "--out", tmp_path),
            2,
            f"seqforecast {command}: error: --out {str(tmp_path)!r} is a folder; give a file's name, e.g. "
            f"{str(tmp_path / 'forecast.csv')!r}",
        )


def test_benchmark_out_naming_a_file_is_a_usage_error(tmp_path, capsys, no_fit):
    path = write(tmp_path, dated("%Y-%m-%d"))
    assert_error(
        run(capsys, "benchmark", path, "--out", path),
        2,
        f"seqforecast benchmark: error: --out {str(path)!r} is a file; benchmark writes a folder of files: give a "
        "folder's name",
    )


def test_an_unwritable_out_is_a_usage_error(tmp_path, capsys, monkeypatch, no_fit):
    path = write(tmp_path, dated("%Y-%m-%d"))
    monkeypatch.setattr(cli.os, "access", lambda *args: False)  # tests may run as root, who may write anywhere
    assert_error(
        forecast(capsys, path, tmp_path),
        2,
        f"seqforecast forecast: error: --out {str(tmp_path / 'fc.csv')!r} cannot be written: permission denied on "
        f"{str(tmp_path)!r}",
    )


# -------------------------------------------------------------------------------------------------- dates
def test_day_first_dates_ask_for_dayfirst(tmp_path, capsys):
    path = write(tmp_path, dated("%d.%m.%Y"))
    assert_error(
        forecast(capsys, path, tmp_path),
        1,
        "seqforecast forecast: error: read month first (the default), the dates in column 'date' are not in "
        "increasing order: 2023-01-13 (line 14) comes after 2023-12-01 (line 13); read day first, they are regular "
        "(step 'D' from 2023-01-01 to 2023-02-09): use --dayfirst",
    )
    code, stdout, _ = forecast(capsys, path, tmp_path, "--dayfirst")
    assert code == 0 and "(2023-02-10 to 2023-02-11)" in stdout
    assert pd.read_csv(tmp_path / "fc.csv")["date"].tolist() == ["2023-02-10", "2023-02-11"]


def test_dates_that_read_both_ways_ask_which(tmp_path, capsys):
    path = write(tmp_path, dated("%m/%d/%Y", days=DAYS[:10]))
    assert_error(
        forecast(capsys, path, tmp_path),
        1,
        "seqforecast forecast: error: the dates in column 'date' read two ways: month first (the default), step 'D' "
        "from 2023-01-01 to 2023-01-10; day first, step 'MS' from 2023-01-01 to 2023-10-01. Use --dayfirst for the "
        "second, or --date-format (e.g. '%m/%d/%Y') for the first",
    )
    assert forecast(capsys, path, tmp_path, "--date-format", "%m/%d/%Y")[0] == 0
    assert pd.read_csv(tmp_path / "fc.csv")["date"].tolist() == ["2023-01-11", "2023-01-12"]
    # the format suggested is written with the file's own separator
    path = write(tmp_path, dated("%m.%d.%Y", days=DAYS[:10]))
    code, _, err = forecast(capsys, path, tmp_path)
    assert code == 1 and err.strip().endswith("or --date-format (e.g. '%m.%d.%Y') for the first")


def test_date_format(tmp_path, capsys):
    path = write(tmp_path, dated("%Y%m%d"))
    assert forecast(capsys, path, tmp_path, "--date-format", "%Y%m%d")[0] == 0
    assert pd.read_csv(tmp_path / "fc.csv")["date"].tolist() == ["2023-02-10", "2023-02-11"]
    path = write(tmp_path, dated("%d.%m.%Y"))
    assert_error(
        forecast(capsys, path, tmp_path, "--date-format", "%m.%d.%Y"),
        1,
        "seqforecast forecast: error: cannot parse the date column 'date' with --date-format '%m.%d.%Y': "
        "'13.01.2023' at line 14; check the format",
    )


def test_dayfirst_and_date_format_exclude_each_other(tmp_path, capsys):
    path = write(tmp_path, dated("%d.%m.%Y"))
    code, stdout, stderr = forecast(capsys, path, tmp_path, "--dayfirst", "--date-format", "%d.%m.%Y")
    assert (code, stdout) == (2, "")
    assert stderr.startswith(
        "seqforecast forecast: error: argument --date-format: not allowed with argument --dayfirst"
    )


def test_a_missing_date_is_named_by_the_dates_around_it(tmp_path, capsys):
    path = write(tmp_path, dated("%Y-%m-%d", days=DAYS[:20] + DAYS[21:]))
    assert_error(
        forecast(capsys, path, tmp_path),
        1,
        "seqforecast forecast: error: the dates in column 'date' are not regularly spaced: they step by 'D', but "
        "2023-01-22 (line 22) follows 2023-01-20 (line 21) where 2023-01-21 was expected; add a row for each missing "
        "date (with empty cells only before a series starts)",
    )


def test_a_missing_month_is_named(tmp_path, capsys):
    months = pd.date_range("2020-01-01", periods=24, freq="MS").delete(10)
    path = write(tmp_path, "month,sales\n" + "".join(f"{m:%Y-%m-%d},{i}\n" for i, m in enumerate(months)))
    assert_error(
        forecast(capsys, path, tmp_path),
        1,
        "seqforecast forecast: error: the dates in column 'month' are not regularly spaced: they step by 'MS', but "
        "2020-12-01 (line 12) follows 2020-10-01 (line 11) where 2020-11-01 was expected; add a row for each missing "
        "date (with empty cells only before a series starts)",
    )


# ---------------------------------------------------------------------------------------- time steps
def test_a_column_of_whole_numbers_is_a_step_counter(tmp_path, capsys):
    path = write(tmp_path, "t,v\n" + "".join(f"{i:.1f},{i * 2}\n" for i in range(1, 31)))
    code, stdout, stderr = forecast(capsys, path, tmp_path)
    assert (code, stderr) == (0, "")
    assert stdout.startswith("seqforecast forecast: wrote a forecast of 2 steps (31 to 32) for 1 series")
    assert pd.read_csv(tmp_path / "fc.csv").values.tolist() == [[31, 60.0], [32, 60.0]]


def test_numbers_that_do_not_count_steps_ask_for_dates(tmp_path, capsys):
    path = write(tmp_path, "t,v\n1,1\n2,2\n4,3\n5,4\n")
    assert_error(
        forecast(capsys, path, tmp_path),
        1,
        "seqforecast forecast: error: the date column 't' holds numbers, not dates ('4' at line 4 after '2' at line "
        "3); a column of numbers is read as time steps only when it counts 1, 2, 3, ... (consecutive integers). "
        "Write dates there, name the date column with --date-column, or give the numbers' date format with "
        "--date-format (e.g. '%Y%m%d')",
    )
    path = write(tmp_path, "a,b\n1.5,1\n2.5,2\n3.5,3\n")
    assert "holds numbers, not dates ('1.5' at line 2)" in forecast(capsys, path, tmp_path)[2]


def test_a_file_with_one_column_asks_for_a_date_column(tmp_path, capsys):
    path = write(tmp_path, "visits\n" + "".join(f"{i}\n" for i in range(10)))
    assert_error(
        forecast(capsys, path, tmp_path),
        1,
        f"seqforecast forecast: error: {str(path)!r} has one column, 'visits'; seqforecast needs a date column "
        "(dates, or time steps 1, 2, 3, ...; the first, or --date-column) and one column per series",
    )


# ---------------------------------------------------------------------------------- separator and decimal
def test_a_semicolon_file_asks_for_sep(tmp_path, capsys):
    path = write(tmp_path, dated("%Y-%m-%d", [f"{i},5" for i in range(40)], sep=";", header="date;visits"))
    assert_error(
        forecast(capsys, path, tmp_path),
        1,
        f"seqforecast forecast: error: the header line of {str(path)!r}, 'date;visits', has no ',' (the separator, "
        "--sep); its columns seem separated by ';': use --sep ';'",
    )
    assert_error(
        forecast(capsys, path, tmp_path, "--sep", ";"),
        1,
        "seqforecast forecast: error: column 'visits' is not numeric: '0,5' at 2023-01-01 (line 2); if ',' is the "
        "decimal mark, use --decimal ','",
    )
    assert forecast(capsys, path, tmp_path, "--sep", ";", "--decimal", ",")[0] == 0
    assert pd.read_csv(tmp_path / "fc.csv")["visits"].tolist() == [39.5, 39.5]


def test_tab_separated(tmp_path, capsys):
    path = write(tmp_path, dated("%Y-%m-%d", sep="\t", header="date\tvisits"))
    assert "use --sep tab" in forecast(capsys, path, tmp_path)[2]
    assert forecast(capsys, path, tmp_path, "--sep", "tab")[0] == 0
    assert forecast(capsys, path, tmp_path, "--sep", "\\t")[0] == 0
    assert pd.read_csv(tmp_path / "fc.csv")["visits"].tolist() == [40.0, 40.0]


def test_sep_and_decimal_must_differ(tmp_path, capsys):
    path = write(tmp_path, dated("%Y-%m-%d"))
    assert_error(
        forecast(capsys, path, tmp_path, "--decimal", ","),
        2,
        "seqforecast forecast: error: --sep and --decimal are both ','; with --decimal ',' use e.g. --sep ';'",
    )
    code, _, stderr = forecast(capsys, path, tmp_path, "--sep", ";;")
    assert code == 2
    assert stderr.startswith("seqforecast forecast: error: argument --sep: must be one character (or tab), got ';;'")


def test_a_row_with_too_many_fields_names_its_line(tmp_path, capsys):
    path = write(tmp_path, "date,visits\n2023-01-01,1\n2023-01-02,1,5\n2023-01-03,2\n")
    assert_error(
        forecast(capsys, path, tmp_path),
        1,
        f"seqforecast forecast: error: line 3 of {str(path)!r} has 3 fields where the header has 2; check the "
        "separator (--sep, now ',') and the decimal mark (--decimal ',' for a decimal comma with --sep ';')",
    )


# ------------------------------------------------------------------------------------------ missing values
def test_text_is_not_silently_missing(tmp_path, capsys):
    values = [str(i) for i in range(40)]
    values[5] = "n/a"
    path = write(tmp_path, dated("%Y-%m-%d", values))
    assert_error(
        forecast(capsys, path, tmp_path),
        1,
        "seqforecast forecast: error: column 'visits' is not numeric: 'n/a' at 2023-01-06 (line 7); write a number "
        "there, or, if 'n/a' means a missing value, use --na-values 'n/a'",
    )
    assert (
        "has 1 missing value(s) after its first value: 2023-01-06 (line 7)"
        in forecast(capsys, path, tmp_path, "--na-values", "n/a,-")[2]
    )


def test_na_values_before_a_series_starts(tmp_path, capsys):
    rows = "".join(f"{d:%Y-%m-%d},{i},{'-' if i < 5 else 'n/a' if i < 8 else i}\n" for i, d in enumerate(DAYS))
    path = write(tmp_path, "date,a,b\n" + rows)
    assert forecast(capsys, path, tmp_path, "--na-values", "n/a,-")[0] == 0
    assert pd.read_csv(tmp_path / "fc.csv")[["a", "b"]].values.tolist() == [[39.0, 39.0], [39.0, 39.0]]


def test_literal_nan_and_inf_are_refused(tmp_path, capsys):
    values = [str(i) for i in range(40)]
    values[3] = "NaN"
    path = write(tmp_path, dated("%Y-%m-%d", values))
    assert "'NaN' at 2023-01-04 (line 5)" in forecast(capsys, path, tmp_path)[2]
    values[3] = "inf"
    path = write(tmp_path, dated("%Y-%m-%d", values))
    assert_error(
        forecast(capsys, path, tmp_path),
        1,
        "seqforecast forecast: error: column 'visits' holds 'inf' at 2023-01-04 (line 5); values must be finite",
    )


def test_blank_lines_are_skipped_and_still_counted(tmp_path, capsys):
    text = dated("%Y-%m-%d").replace("2023-01-03,3\n", "2023-01-03,3\n\n")
    path = write(tmp_path, text.replace("2023-01-05,5", "2023-01-05,x"))
    assert "'x' at 2023-01-05 (line 7)" in forecast(capsys, path, tmp_path)[2]
    path = write(tmp_path, text + "\n\n")
    assert forecast(capsys, path, tmp_path)[0] == 0


def test_a_byte_order_mark_is_not_part_of_the_first_name(tmp_path, capsys):
    path = tmp_path / "excel.csv"
    path.write_text(dated("%Y-%m-%d"), encoding="utf-8-sig")
    assert forecast(capsys, path, tmp_path)[0] == 0
    assert list(pd.read_csv(tmp_path / "fc.csv").columns) == ["date", "visits"]


def test_a_repeated_column_name_is_refused(tmp_path, capsys):
    path = write(tmp_path, "date,a,a\n2023-01-01,1,2\n2023-01-02,1,2\n2023-01-03,1,2\n")
    assert_error(
        forecast(capsys, path, tmp_path),
        1,
        f"seqforecast forecast: error: column 'a' appears 2 times in the header of {str(path)!r}",
    )


# ------------------------------------------------------------------------------------ help and success
def test_help_lists_the_csv_options(capsys):
    code, out, _ = run(capsys, "forecast", "--help")
    assert code == 0 and "--n-jobs" not in out
    for flag in ("--sep", "--decimal", "--dayfirst", "--date-format", "--na-values"):
        assert flag in out
    code, out, _ = run(capsys, "backtest", "--help")
    assert code == 0 and "--n-jobs" in out


def test_backtest_says_what_it_wrote(tmp_path, capsys):
    path = write(tmp_path, dated("%Y-%m-%d"))
    out = tmp_path / "bt.csv"
    flags = ("--initial-window", 30, "--step", 2)  # explicit origins: the defaults are another module's choice
    code, stdout, stderr = run(capsys, "backtest", path, "--horizon", 2, "--out", out, "--model", "naive", *flags)
    assert (code, stderr) == (0, "")
    assert stdout == (
        f"seqforecast backtest: wrote the backtest of model naive: 10 rows (5 origins x 1 series x 2 steps) to "
        f"{str(out)!r}\n"
    )
    args = ("backtest", path, "--horizon", 2, "--out", out, "--model", "naive", "--quiet", *flags)
    assert run(capsys, *args) == (0, "", "")


def test_benchmark_out_below_a_file_is_a_usage_error(tmp_path, capsys, no_fit):
    path = write(tmp_path, dated("%Y-%m-%d"))
    out = path / "report"
    assert_error(
        run(capsys, "benchmark", path, "--out", out),
        2,
        f"seqforecast benchmark: error: --out {str(out)!r} cannot be made: {str(path)!r} is a file, not a folder",
    )


def test_a_folder_given_as_the_csv_is_a_usage_error(tmp_path, capsys, no_fit):
    assert_error(
        run(capsys, "forecast", tmp_path, "--horizon", 2, "--out", tmp_path / "fc.csv"),
        2,
        f"seqforecast forecast: error: {str(tmp_path)!r} is not a file (a CSV is expected)",
    )
