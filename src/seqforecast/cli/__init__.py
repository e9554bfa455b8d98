"""The ``seqforecast`` command line: forecast, backtest and benchmark a CSV of series.

::

    seqforecast forecast  sales.csv --horizon 12 --out forecast.csv [--model auto|rnn|arima|naive|seasonal-naive]
    seqforecast backtest  sales.csv --horizon 12 --out backtest.csv [--initial-window N --step N ...]
    seqforecast benchmark [sales.csv] --out report/ [--horizon 12 --sp 12 --baselines naive,arima --quick]

``--coverage 0.9`` adds prediction intervals: interval columns in ``forecast``'s and ``backtest``'s CSV
(``--model arima``, the model that gives them), a coverage table and shaded bands in ``benchmark``'s report.

The default model is ``auto``, :class:`~seqforecast.AutoRNNForecaster`: the best the package does with
nothing set. Long runs show a progress line on stderr when it is a terminal (``--quiet`` silences it,
``--progress`` shows it in a log file too).

A CSV has one date column (the first, or ``--date-column``) and one column per series (all the others, or
``--columns``); ``--sep``, ``--decimal``, ``--dayfirst``, ``--date-format`` and ``--na-values`` say how to
read it (:mod:`seqforecast.cli._read` checks the whole file before any model is built). The module is thin:
it parses, calls :func:`~seqforecast.backtest` / :func:`~seqforecast.reporting.compare`, and writes files;
``forecast`` and ``backtest`` say on stdout what they wrote where. A usage error (a flag, a path, ``--out``)
exits with status 2 and one line on stderr; an error in the data or while modelling exits with status 1,
also on one line.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from pathlib import Path

import pandas as pd

from ._read import CsvFormat, DataError, UsageError, read_series
from ._read import label as _time_label

__all__ = ["main", "RNN_SETTINGS", "RNN_SETTINGS_QUICK", "DataError", "UsageError"]

#: The GRU of ``--model rnn`` and of the benchmark: small enough for a couple of minutes on 2 CPU cores
#: (one fit on ~100 windows of the airline series takes about a second), seeded for reproducible fits.
RNN_SETTINGS = dict(cell="gru", hidden_size=32, num_layers=1, max_epochs=150, batch_size=16, lr=5e-3, gradient_clip=1.0)
#: ``--quick``: a smoke test of the whole pipeline in seconds, not a model to judge.
RNN_SETTINGS_QUICK = dict(
    cell="gru", hidden_size=8, num_layers=1, max_epochs=5, batch_size=16, lr=1e-2, gradient_clip=1.0
)
_MODELS = ("auto", "rnn", "arima", "naive", "seasonal-naive")
#: the models of ``--model`` that give prediction intervals (``--coverage``)
_WITH_INTERVALS = ("arima",)
#: ``--baselines`` of the benchmark: the names of seqforecast.evaluation.reporting.compare.BASELINES
_BASELINES = ("naive", "seasonal-naive", "arima")


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line instead of the usage block, exit status 2 as argparse
        raise UsageError(f"{message} (see {self.prog} --help)", prog=self.prog)


# -------------------------------------------------------------------------------------------- models
def _rnn(sp, window_length, seed, quick):
    from ..estimators import RNNRegressor
    from ..forecasting import RecursiveForecaster

    settings = RNN_SETTINGS_QUICK if quick else RNN_SETTINGS
    net = RNNRegressor(**settings, random_state=seed)
    return RecursiveForecaster(net, window_length=window_length or _default_window(sp), scaling="window")


def _default_window(sp):
    return 2 * sp if sp > 1 else 12


def _auto(horizon, sp, seed, quick, verbose=0):
    from ..forecasting import AutoRNNForecaster

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
    from ..evaluation.reporting.compare import make_baseline

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
    from .._utils.validation import InvalidParameterError, check_int

    try:
        check_int(value, flag, "seqforecast", maximum=maximum, allow_none=True)
    except InvalidParameterError:
        if maximum is not None and isinstance(value, int) and value > maximum:
            raise UsageError(
                f"{flag} must be at most {maximum} (the most steps seqforecast forecasts ahead), got {value}"
            ) from None
        raise UsageError(f"{flag} must be a positive integer, got {value}") from None


def _check_coverage(args):
    """``--coverage`` must be a probability strictly between 0 and 1, and (forecast, backtest) the model must
    give intervals: a usage error before any model is built otherwise."""
    from .._utils.validation import InvalidParameterError, check_real

    value = getattr(args, "coverage", None)
    try:
        check_real(value, "--coverage", "seqforecast", low=0, high=1, closed="neither", allow_none=True)
    except InvalidParameterError:
        raise UsageError(
            f"--coverage must be a probability strictly between 0 and 1, e.g. 0.9 for 90% intervals, got {value}"
        ) from None
    if value is not None and args.command != "benchmark" and args.model not in _WITH_INTERVALS:
        raise UsageError(
            f"--coverage needs a model that gives prediction intervals: --model {' or '.join(_WITH_INTERVALS)}; "
            f"{args.model} gives none (in Python, ConformalForecaster gives any model intervals)"
        )


def _baseline_names(text):
    """``--baselines naive,seasonal-naive``: the list of names, each one of the baselines'."""
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in _BASELINES]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a comma-separated list of baselines among {', '.join(_BASELINES)}"
        )
    return names


def _check_out(out, folder=False):
    """``--out`` must be writable as a file (or, for ``benchmark``, a folder): checked before any fit."""
    out = Path(out)
    if folder and out.exists() and not out.is_dir():
        raise UsageError(f"--out {str(out)!r} is a file; benchmark writes a folder of files: give a folder's name")
    if not folder and out.is_dir():
        raise UsageError(f"--out {str(out)!r} is a folder; give a file's name, e.g. {str(out / 'forecast.csv')!r}")
    parent = out.parent
    if not folder and not parent.is_dir():
        raise UsageError(f"the folder of --out does not exist: {str(parent)!r}")
    while folder and not parent.exists() and parent != parent.parent:  # save() makes the missing folders
        parent = parent.parent
    if not parent.is_dir():
        raise UsageError(f"--out {str(out)!r} cannot be made: {str(parent)!r} is a file, not a folder")
    target = out if out.exists() else parent
    if not os.access(target, os.W_OK):
        raise UsageError(f"--out {str(out)!r} cannot be written: permission denied on {str(target)!r}")


def _write_csv(frame, out, index=True):
    try:
        frame.to_csv(out, index=index)
    except OSError as exc:
        raise UsageError(f"cannot write --out {str(out)!r}: {exc.strerror or exc}") from None


def _read(args):
    """The input series, the whole file checked (``--sep`` ... ``--na-values``) before any model is built."""
    fmt = CsvFormat(args.sep, args.decimal, args.dayfirst, args.date_format, tuple(args.na_values))
    return read_series(args.csv, args.date_column, args.columns, fmt)


def _done(args, what):
    """The one line on stdout that says what was written where (``--quiet`` leaves it out)."""
    if not args.quiet:
        print(f"seqforecast {args.command}: wrote {what} to {str(args.out)!r}")


def _cmd_forecast(args):
    _check_out(args.out)
    y = _read(args)
    model = _make_model(args.model, args.sp, args.window_length, args.seed, args.horizon, verbose=_progress(args))
    forecast = model.fit(None, y).forecast(args.horizon, coverage=args.coverage)
    frame = forecast.to_frame() if isinstance(forecast, pd.Series) else forecast
    frame.index.name = y.index.name
    _write_csv(frame, args.out)
    first, last = _time_label(frame.index[0]), _time_label(frame.index[-1])
    n_series = y.shape[1] if y.ndim == 2 else 1
    intervals = "" if args.coverage is None else f", with {args.coverage:g} prediction intervals"
    _done(
        args,
        f"a forecast of {len(frame)} steps ({first} to {last}) for {n_series} series (model {args.model}){intervals}",
    )
    return 0


def _cmd_backtest(args):
    from ..evaluation import backtest

    _check_out(args.out)
    y = _read(args)
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
        coverage=args.coverage,
    )
    _write_csv(results, args.out, index=False)
    origins, series = results["cutoff"].nunique(), results["series"].nunique()
    shape = f"{origins} origins x {series} series x {args.horizon} steps"
    _done(args, f"the backtest of model {args.model}: {len(results)} rows ({shape})")
    return 0


def _cmd_benchmark(args):
    from ..evaluation import compare

    _check_out(args.out, folder=True)
    if args.csv is None:
        from ..datasets import load_airline

        y, what = load_airline(), "the airline passengers series (monthly, 1949-1960)"
        sp = 12 if args.sp is None else args.sp
    else:
        y, what = _read(args), repr(str(args.csv))
        sp = 1 if args.sp is None else args.sp
    horizon = args.horizon
    initial_window, step = args.initial_window, args.step  # None: the default origins (default_origins)
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
        coverage=args.coverage,
    )
    result.settings["seed"] = args.seed
    result.settings["model"] = " ".join(repr(model).split())
    if args.model == "rnn":
        result.settings["rnn_settings"] = RNN_SETTINGS_QUICK if args.quick else RNN_SETTINGS
    try:
        files = result.save(out)
    except OSError as exc:
        raise UsageError(f"cannot write --out {str(out)!r}: {exc.strerror or exc}") from None
    board = result.leaderboard()
    print(f"seqforecast benchmark on {what}: horizon {horizon}, sp {sp}, {len(result.origins)} origins")
    print(board[["mase", "smape", "mae", "fit_seconds"]].head(5).to_string(float_format=lambda v: f"{v:.3f}"))
    if args.coverage is not None:
        table = result.coverage_table()
        shown = table[["coverage", "acd", "width", "msis"]].map(lambda v: f"{v:.3f}")
        shown.loc[~table["intervals"].to_numpy(bool)] = ["no intervals", "", "", ""]
        print(f"Prediction intervals of coverage {args.coverage:g}:")
        print(shown.to_string())
    print(result.summary())
    print(f"Report: {files['report.html']}")
    return 0


def _separator(text):
    """``--sep``: one character; ``tab`` or ``\\t`` for a tab."""
    sep = "\t" if text in ("tab", "\\t") else text
    if len(sep) != 1 or sep in '\r\n"':
        raise argparse.ArgumentTypeError(f"must be one character (or tab), got {text!r}")
    return sep


def _na_values(text):
    """``--na-values n/a,-``: the strings that mean a missing value, besides an empty cell."""
    return [value.strip() for value in text.split(",") if value.strip()]


def _csv_options(p):
    """How to read a real-world CSV: separator, decimal mark, dates, missing values."""
    p.add_argument(
        "--sep",
        type=_separator,
        default=",",
        metavar="CHAR",
        help="the separator of the CSV's columns: one character, or tab (default: ',')",
    )
    p.add_argument(
        "--decimal",
        choices=(".", ","),
        default=".",
        metavar="MARK",
        help="the decimal mark of the numbers (default: '.'; ',' needs another --sep, e.g. --sep ';')",
    )
    dates = p.add_mutually_exclusive_group()
    dates.add_argument(
        "--dayfirst",
        action="store_true",
        help="read dates such as 01.02.2023 or 01/02/2023 day first (1 February; default: month first)",
    )
    dates.add_argument(
        "--date-format",
        default=None,
        metavar="FORMAT",
        help="the dates' format in strptime's notation, e.g. '%%d.%%m.%%Y' or '%%Y%%m%%d' (default: guessed)",
    )
    p.add_argument(
        "--na-values",
        type=_na_values,
        default=[],
        metavar="STRINGS",
        help="comma-separated strings that mean a missing value, e.g. 'n/a,NA' (--na-values=-,n/a when the first "
        "starts with '-'; default: only an empty cell; any other text is an error)",
    )


def _parser():
    parser = _Parser(prog="seqforecast", description="Forecast with recurrent nets and compare them with ARIMA.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def data_options(p, csv_required=True, origins=True):
        if csv_required:
            p.add_argument("csv", help="CSV file: a date column and one column per series")
        else:
            p.add_argument(
                "csv", nargs="?", default=None, help="CSV file (default: the bundled airline passengers series)"
            )
        p.add_argument("--date-column", default=None, help="name of the date column (default: the first)")
        p.add_argument("--columns", nargs="+", default=None, help="value columns (default: all the others)")
        _csv_options(p)
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
            help="torch intra-op threads (default: 1, fastest for small nets"
            + ("; parallelise over origins with --n-jobs instead)" if origins else ")"),
        )
        shown = p.add_mutually_exclusive_group()
        shown.add_argument(
            "--quiet",
            action="store_true",
            help="no progress on stderr (forecast, backtest: nor the line on stdout saying what was written where)",
        )
        shown.add_argument(
            "--progress",
            action="store_true",
            help="progress on stderr even when it is not a terminal (e.g. a log file)",
        )

    def coverage_option(p, what):
        p.add_argument(
            "--coverage",
            type=float,
            default=None,
            metavar="P",
            help=f"prediction intervals of coverage P, strictly between 0 and 1 (e.g. 0.9): {what}",
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
    data_options(p, origins=False)
    p.add_argument("--horizon", type=int, required=True, help="steps to forecast")
    p.add_argument("--out", required=True, help="output CSV: the date column and one column per series")
    model_options(p)
    coverage_option(p, "columns <series>_lower and <series>_upper after the forecasts (--model arima)")

    p = sub.add_parser("backtest", help="rolling-origin backtest of one model, as a tidy CSV")
    data_options(p)
    p.add_argument("--horizon", type=int, required=True, help="steps forecast from each origin")
    p.add_argument("--out", required=True, help="output CSV: one row per origin, series and step")
    model_options(p)
    p.add_argument(
        "--initial-window",
        type=int,
        default=None,
        help="fewest steps in the first training window (default: half the series, "
        "each series half its values; at most 20 origins)",
    )
    p.add_argument("--step", type=int, default=None, help="steps between origins (default: the horizon)")
    p.add_argument(
        "--sliding-window",
        type=int,
        default=None,
        metavar="L",
        help="train on the last L steps only (default: all the history, an expanding window)",
    )
    p.add_argument("--n-jobs", type=int, default=None, help="parallel fits (joblib; default: 1)")
    coverage_option(p, "columns y_lower and y_upper after y_pred (--model arima)")

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
    p.add_argument(
        "--initial-window",
        type=int,
        default=None,
        help="first training window (default: half the series, each series half its values; at most 20 origins)",
    )
    p.add_argument("--step", type=int, default=None, help="steps between origins (default: the horizon)")
    p.add_argument("--n-jobs", type=int, default=None, help="parallel fits (joblib; default: 1)")
    p.add_argument(
        "--baselines",
        type=_baseline_names,
        default=None,
        metavar="NAMES",
        help="comma-separated baselines to compare with, among naive, seasonal-naive, arima "
        "(default: all three; the seasonal naive only when sp > 1)",
    )
    p.add_argument("--quick", action="store_true", help="one net (auto) or a tiny net (rnn): a smoke test")
    coverage_option(
        p,
        "a coverage table beside the leaderboard and shaded bands in the report (models without intervals: "
        "'no intervals'; of the baselines, arima gives them)",
    )
    return parser


def _report_warnings(command, caught):
    """seqforecast's own warnings, once each, one line each; other libraries' warnings are not shown."""
    from ..exceptions import SeqforecastWarning

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
        from ..base import MAX_FORECAST_STEPS

        for flag in ("horizon", "sp", "window_length", "initial_window", "step", "sliding_window", "torch_threads"):
            maximum = MAX_FORECAST_STEPS if flag == "horizon" else None  # checked before any model is built
            _check_positive(getattr(args, flag, None), "--" + flag.replace("_", "-"), maximum)
        _check_coverage(args)
        if getattr(args, "sep", None) is not None and args.sep == args.decimal:
            raise UsageError(f"--sep and --decimal are both {args.sep!r}; with --decimal ',' use e.g. --sep ';'")
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
    except DataError as exc:
        print(f"{command}: error: {exc}", file=sys.stderr)
        return 1
    except (ValueError, TypeError, NotImplementedError, RuntimeError, FloatingPointError) as exc:
        message = " ".join(str(exc).split())  # one line
        print(f"{command}: error: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
