"""The ``seqforecast`` command line: forecast, backtest and benchmark a CSV of series.

::

    seqforecast forecast  sales.csv --horizon 12 --out forecast.csv [--model auto|rnn|arima|naive|seasonal-naive]
    seqforecast backtest  sales.csv --horizon 12 --out backtest.csv [--initial-window N --step N ...]
    seqforecast benchmark [sales.csv] --out report/ [--horizon 12 --sp 12 --baselines naive,arima --quick]

The default model is ``auto``, :class:`~seqforecast.AutoRNNForecaster`: the best the package does with
nothing set. Long runs show a progress line on stderr when it is a terminal (``--quiet`` silences it,
``--progress`` shows it in a log file too).

A CSV has one date column (the first, or ``--date-column``) and one column per series (all the others, or
``--columns``). Dates are parsed with pandas and must be regularly spaced; an integer column is used as is
(evenly spaced time steps). The module is thin: it parses, calls :func:`~seqforecast.backtest` /
:func:`~seqforecast.reporting.compare`, and writes files. Bad input exits with status 2 and one line on
stderr; an error while modelling exits with status 1, also on one line.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from .exceptions import FrequencyWarning

__all__ = ["main", "RNN_SETTINGS", "RNN_SETTINGS_QUICK"]

#: The GRU of ``--model rnn`` and of the benchmark: small enough for a couple of minutes on 2 CPU cores
#: (one fit on ~100 windows of the airline series takes about a second), seeded for reproducible fits.
RNN_SETTINGS = dict(cell="gru", hidden_size=32, num_layers=1, max_epochs=150, batch_size=16, lr=5e-3, gradient_clip=1.0)
#: ``--quick``: a smoke test of the whole pipeline in seconds, not a model to judge.
RNN_SETTINGS_QUICK = dict(
    cell="gru", hidden_size=8, num_layers=1, max_epochs=5, batch_size=16, lr=1e-2, gradient_clip=1.0
)
_MODELS = ("auto", "rnn", "arima", "naive", "seasonal-naive")
#: ``--baselines`` of the benchmark: the names of seqforecast.evaluation.reporting.compare.BASELINES
_BASELINES = ("naive", "seasonal-naive", "arima")


class UsageError(Exception):
    """Bad input from the command line: exit status 2, one line on stderr."""

    def __init__(self, message, prog=None):
        super().__init__(message)
        self.prog = prog


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line instead of the usage block, exit status 2 as argparse
        raise UsageError(f"{message} (see {self.prog} --help)", prog=self.prog)


# ------------------------------------------------------------------------------------------- loading
def _read_series(path, date_column=None, columns=None):
    """The CSV at ``path`` as a Series (one value column) or DataFrame, on a regular time index."""
    path = Path(path)
    if not path.is_file():
        raise UsageError(f"file not found: {str(path)!r}")
    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {str(path)!r} as CSV: {str(exc).strip().splitlines()[0]}") from None
    available = [str(c) for c in frame.columns]
    frame.columns = available
    date_column = available[0] if date_column is None else date_column
    values = [c for c in available if c != date_column] if columns is None else list(columns)
    for column in [date_column, *values]:
        if column not in available:
            raise UsageError(f"column {column!r} not found in {str(path)!r}; its columns are {available}")
    if not values:
        raise UsageError(f"{str(path)!r} has no value column besides the date column {date_column!r}")
    index = _time_index(frame[date_column], date_column)
    data = {}
    for column in values:
        col = frame[column]
        if pd.api.types.is_bool_dtype(col):
            raise UsageError(f"column {column!r} holds booleans (True/False); write them as numbers (0/1)")
        if not pd.api.types.is_numeric_dtype(col):
            numeric = pd.to_numeric(col, errors="coerce")
            bad = np.flatnonzero(numeric.isna() & col.notna())
            raise UsageError(f"column {column!r} is not numeric: value {col.iloc[bad[0]]!r} at data row {bad[0] + 1}")
        data[column] = col.to_numpy(dtype=np.float64)
    out = pd.DataFrame(data, index=index)
    return out.iloc[:, 0].rename(values[0]) if len(values) == 1 else out


def _time_index(col, name):
    """A regular index from the date column: integers as they are, anything else parsed as dates, with the
    frequency that :func:`~seqforecast._utils.time_index.check_time_index` resolves."""
    from ._utils.time_index import check_time_index

    index = _parse_dates(col, name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FrequencyWarning)  # a CSV's dates never carry a frequency
            time_index = check_time_index(index, what=f"the date column {name!r}")
    except (TypeError, ValueError) as exc:
        if _sorted_unique_dates(index):  # then the only way to fail is dates without a regular step
            raise UsageError(
                f"the dates in column {name!r} are not regularly spaced (no frequency can be inferred); "
                "resample the series to a regular frequency first"
            ) from None
        raise UsageError(str(exc).splitlines()[0]) from None
    if time_index.kind == "datetime":
        index = pd.DatetimeIndex(index, freq=time_index.freq)
    return index


def _sorted_unique_dates(index):
    """Whether ``index`` holds at least 3 dates, sorted and without duplicates."""
    return isinstance(index, pd.DatetimeIndex) and len(index) >= 3 and index.is_monotonic_increasing and index.is_unique


def _parse_dates(col, name):
    """The date column as an index: integers as they are, anything else parsed as dates (time zone dropped)."""
    if col.isna().any():
        raise UsageError(f"the date column {name!r} has {int(col.isna().sum())} empty value(s)")
    if pd.api.types.is_integer_dtype(col):
        return pd.Index(col.to_numpy(), name=name)
    try:
        index = pd.DatetimeIndex(pd.to_datetime(col, format="mixed"), name=name)
    except (ValueError, TypeError, OverflowError) as exc:
        text = str(exc).lower()
        if "timezone" in text or "time zone" in text or "tz-aware" in text:  # pandas 3 / pandas 2 wording
            raise UsageError(
                f"the date column {name!r} mixes time zones; write every date in one zone, or in UTC"
            ) from None
        bad = next((v for v in col if not _parses(v)), col.iloc[0])
        raise UsageError(f"cannot parse the date column {name!r} as dates (e.g. value {bad!r})") from None
    return index.tz_localize(None) if index.tz is not None else index


def _parses(value):
    try:
        pd.to_datetime(value)
        return True
    except (ValueError, TypeError, OverflowError):
        return False


# -------------------------------------------------------------------------------------------- models
def _rnn(sp, window_length, seed, quick):
    from .estimators import RNNRegressor
    from .forecasting import RecursiveForecaster

    settings = RNN_SETTINGS_QUICK if quick else RNN_SETTINGS
    net = RNNRegressor(**settings, random_state=seed)
    return RecursiveForecaster(net, window_length=window_length or _default_window(sp), scaling="window")


def _default_window(sp):
    return 2 * sp if sp > 1 else 12


def _auto(horizon, sp, seed, quick, verbose=0):
    from .forecasting import AutoRNNForecaster

    # one net, judged at the holdout, for --quick; sp None lets the forecaster read it from the dates
    model = AutoRNNForecaster(horizon, sp=sp, random_state=seed, verbose=verbose)
    return model.set_params(n_members=1) if quick else model


def _make_model(name, sp, window_length, seed, horizon, quick=False, verbose=0):
    """The model of ``--model``. ``sp`` is None when ``--sp`` was not given: ``auto`` then reads it from the
    dates, the others take 1."""
    if name == "auto":
        return _auto(horizon, sp, seed, quick, verbose)
    sp = 1 if sp is None else sp
    if name == "rnn":
        return _rnn(sp, window_length, seed, quick)
    from .evaluation.reporting.compare import make_baseline

    return make_baseline(name, sp)


def _progress(args):
    """Progress on stderr: by default only when it is a terminal; --quiet never, --progress always."""
    if args.quiet:
        return 0
    return int(args.progress or sys.stderr.isatty())


# ------------------------------------------------------------------------------------------ commands
def _set_torch_threads(n):
    """Set torch's intra-op threads; return the previous number (``main`` restores it on the way out).

    Small recurrent nets train fastest on one thread: intra-op threads mostly wait on each other, and on a
    busy machine they spin against other processes (a 5-epoch fit on the airline series took 11 s with 2
    threads and 0.4 s with 1 on a loaded 2-core machine)."""
    import torch

    previous = torch.get_num_threads()
    if previous != n:
        torch.set_num_threads(n)
    return previous


def _check_positive(value, flag, maximum=None):
    """A flag's value must be an int >= 1 (and <= ``maximum``; or absent): a usage error naming the flag
    otherwise."""
    from ._utils.validation import InvalidParameterError, check_int

    try:
        check_int(value, flag, "seqforecast", maximum=maximum, allow_none=True)
    except InvalidParameterError:
        if maximum is not None and isinstance(value, int) and value > maximum:
            raise UsageError(
                f"{flag} must be at most {maximum} (the most steps seqforecast forecasts ahead), got {value}"
            ) from None
        raise UsageError(f"{flag} must be a positive integer, got {value}") from None


def _baseline_names(text):
    """``--baselines naive,seasonal-naive``: the list of names, each one of the baselines'."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in _BASELINES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a comma-separated list of baselines among {', '.join(_BASELINES)}"
        )
    return names


def _write_csv(frame, out, index=True):
    out = Path(out)
    if out.parent and not out.parent.exists():
        raise UsageError(f"the folder of --out does not exist: {str(out.parent)!r}")
    frame.to_csv(out, index=index)


def _cmd_forecast(args):
    y = _read_series(args.csv, args.date_column, args.columns)
    model = _make_model(args.model, args.sp, args.window_length, args.seed, args.horizon, verbose=_progress(args))
    forecast = model.fit(None, y).forecast(args.horizon)
    frame = forecast.to_frame() if isinstance(forecast, pd.Series) else forecast
    frame.index.name = y.index.name
    _write_csv(frame, args.out)
    return 0


def _cmd_backtest(args):
    from .evaluation import backtest

    y = _read_series(args.csv, args.date_column, args.columns)
    model = _make_model(args.model, args.sp, args.window_length, args.seed, args.horizon)
    window = "expanding" if args.sliding_window is None else "sliding"
    results = backtest(
        model,
        y,
        horizon=args.horizon,
        initial_window=args.initial_window,
        step=args.step,
        window=window,
        window_length=args.sliding_window,
        n_jobs=args.n_jobs,
        verbose=_progress(args),
    )
    _write_csv(results, args.out, index=False)
    return 0


def _cmd_benchmark(args):
    from .evaluation import compare

    if args.csv is None:
        from .datasets import load_airline

        y, what = load_airline(), "the airline passengers series (monthly, 1949-1960)"
        sp = 12 if args.sp is None else args.sp
    else:
        y, what = _read_series(args.csv, args.date_column, args.columns), repr(str(args.csv))
        sp = 1 if args.sp is None else args.sp
    horizon = args.horizon
    initial_window = args.initial_window or len(y) // 2
    step = args.step or (horizon if args.quick else max(horizon // 2, 1))
    if args.model == "auto":
        model, label = _auto(horizon, args.sp, args.seed, args.quick), "AutoRNN"  # no --sp: from the dates
    else:
        model, label = _rnn(sp, args.window_length, args.seed, args.quick), "GRU"
    label += " (quick)" if args.quick else ""
    out = Path(args.out)
    result = compare(
        {label: model},
        y,
        horizon=horizon,
        sp=sp,
        baselines=args.baselines or True,
        initial_window=initial_window,
        step=step,
        n_jobs=args.n_jobs,
        verbose=_progress(args),
    )
    result.settings["seed"] = args.seed
    result.settings["model"] = " ".join(repr(model).split())
    if args.model == "rnn":
        result.settings["rnn_settings"] = RNN_SETTINGS_QUICK if args.quick else RNN_SETTINGS
    files = result.save(out)
    board = result.leaderboard()
    print(f"seqforecast benchmark on {what}: horizon {horizon}, sp {sp}, {len(result.origins)} origins")
    print(board[["mase", "smape", "mae", "fit_seconds"]].head(5).to_string(float_format=lambda v: f"{v:.3f}"))
    print(result.summary())
    print(f"Report: {files['report.html']}")
    return 0


def _parser():
    parser = _Parser(prog="seqforecast", description="Forecast with recurrent nets and compare them with ARIMA.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def data_options(p, csv_required=True):
        if csv_required:
            p.add_argument("csv", help="CSV file: a date column and one column per series")
        else:
            p.add_argument(
                "csv", nargs="?", default=None, help="CSV file (default: the bundled airline passengers series)"
            )
        p.add_argument("--date-column", default=None, help="name of the date column (default: the first)")
        p.add_argument("--columns", nargs="+", default=None, help="value columns (default: all the others)")
        p.add_argument(
            "--window-length",
            type=int,
            default=None,
            help="--model rnn: past steps the GRU sees (default: 2 * sp, or 12 when sp = 1)",
        )
        p.add_argument("--seed", type=int, default=0, help="random_state of the RNN (default: 0)")
        p.add_argument(
            "--torch-threads",
            type=int,
            default=1,
            help="torch intra-op threads (default: 1, fastest for small nets; parallelise over "
            "origins with --n-jobs instead)",
        )
        shown = p.add_mutually_exclusive_group()
        shown.add_argument("--quiet", action="store_true", help="no progress on stderr")
        shown.add_argument(
            "--progress",
            action="store_true",
            help="progress on stderr even when it is not a terminal (e.g. a log file)",
        )

    def model_options(p):
        p.add_argument(
            "--model",
            choices=_MODELS,
            default="auto",
            help="model (default: auto, the forecaster that configures itself)",
        )
        p.add_argument(
            "--sp",
            type=int,
            default=None,
            help="seasonal period (default: auto reads it from the dates; the other models take 1)",
        )

    p = sub.add_parser("forecast", help="fit a model on the whole CSV and forecast the next steps")
    data_options(p)
    p.add_argument("--horizon", type=int, required=True, help="steps to forecast")
    p.add_argument("--out", required=True, help="output CSV: the date column and one column per series")
    model_options(p)

    p = sub.add_parser("backtest", help="rolling-origin backtest of one model, as a tidy CSV")
    data_options(p)
    p.add_argument("--horizon", type=int, required=True, help="steps forecast from each origin")
    p.add_argument("--out", required=True, help="output CSV: one row per origin, series and step")
    model_options(p)
    p.add_argument("--initial-window", type=int, default=None, help="fewest steps in the first training window")
    p.add_argument("--step", type=int, default=None, help="steps between origins (default: the horizon)")
    p.add_argument(
        "--sliding-window",
        type=int,
        default=None,
        metavar="L",
        help="train on the last L steps only (default: all the history, an expanding window)",
    )
    p.add_argument("--n-jobs", type=int, default=None, help="parallel fits (joblib; default: 1)")

    p = sub.add_parser(
        "benchmark",
        help="compare the recurrent forecaster with baselines (naive, seasonal naive, ARIMA); write a report",
    )
    data_options(p, csv_required=False)
    p.add_argument(
        "--model",
        choices=("auto", "rnn"),
        default="auto",
        help="the recurrent model: auto (AutoRNNForecaster, the default) or rnn (a fixed GRU)",
    )
    p.add_argument("--out", required=True, help="folder for report.html, report.md, CSVs and metadata.json")
    p.add_argument("--horizon", type=int, default=12, help="steps forecast from each origin (default: 12)")
    p.add_argument("--sp", type=int, default=None, help="seasonal period (default: 12 for airline, else 1)")
    p.add_argument("--initial-window", type=int, default=None, help="first training window (default: half)")
    p.add_argument(
        "--step", type=int, default=None, help="steps between origins (default: horizon // 2; the horizon with --quick)"
    )
    p.add_argument("--n-jobs", type=int, default=None, help="parallel fits (joblib; default: 1)")
    p.add_argument(
        "--baselines",
        type=_baseline_names,
        default=None,
        metavar="NAMES",
        help="comma-separated baselines to compare with, among naive, seasonal-naive, arima "
        "(default: all three; the seasonal naive only when sp > 1)",
    )
    p.add_argument(
        "--quick", action="store_true", help="one net (auto) or a tiny net (rnn) and fewer origins: a smoke test"
    )
    return parser


def _report_warnings(command, caught):
    """seqforecast's own warnings, once each, one line each; other libraries' warnings are not shown."""
    from .exceptions import SeqforecastWarning

    seen = set()
    for w in caught:
        message = " ".join(str(w.message).split())
        if issubclass(w.category, SeqforecastWarning) and message not in seen:
            seen.add(message)
            print(f"{command}: warning: {message}", file=sys.stderr)


def main(argv=None) -> int:
    """Run the command line; returns the exit status (0 success, 1 modelling error, 2 bad input)."""
    parser = _parser()
    command = "seqforecast"
    try:
        args = parser.parse_args(argv)
        command = f"seqforecast {args.command}"
        from .base import MAX_FORECAST_STEPS

        for flag in ("horizon", "sp", "window_length", "initial_window", "step", "sliding_window", "torch_threads"):
            maximum = MAX_FORECAST_STEPS if flag == "horizon" else None  # checked before any model is built
            _check_positive(getattr(args, flag, None), "--" + flag.replace("_", "-"), maximum)
        if args.window_length is not None and args.model != "rnn":
            raise UsageError(
                f"--window-length applies to --model rnn only (the {args.model} model chooses its own windows)"
                if args.model == "auto"
                else f"--window-length applies to --model rnn only, not to {args.model}"
            )
        uses_torch = args.command == "benchmark" or args.model in ("rnn", "auto")
        previous_threads = _set_torch_threads(args.torch_threads) if uses_torch else None
        run = {"forecast": _cmd_forecast, "backtest": _cmd_backtest, "benchmark": _cmd_benchmark}[args.command]
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                return run(args)
            finally:
                _report_warnings(command, caught)
                if previous_threads is not None:  # main() may be called from Python: leave torch as found
                    _set_torch_threads(previous_threads)
    except SystemExit as exc:  # --help
        return exc.code if isinstance(exc.code, int) else 0
    except UsageError as exc:
        print(f"{exc.prog or command}: error: {exc}", file=sys.stderr)
        return 2
    except (ValueError, TypeError, NotImplementedError, RuntimeError, FloatingPointError) as exc:
        message = " ".join(str(exc).split())  # one line
        print(f"{command}: error: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
