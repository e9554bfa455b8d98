"""Reading the command line's CSV: the whole file checked before any model is built.

A CSV has a header line, one date column (the first, or ``--date-column``) and one column per series (all
the others, or ``--columns``). Every cell is read as text and converted here, so that nothing is guessed
silently and every message names what the user can see: the file's line (the header is line 1, the first
data row line 2), the column, the date, and the flag that fixes it.

* **Cells.** A value is a number (``--decimal ','`` for a decimal comma); an empty cell is missing, and so
  is any string of ``--na-values``; anything else (``n/a``, ``NaN``, ``True``, ``1.5 kg``) is an error.
  Missing values may only lead a series (a later start); after a series' first value they are an error,
  since seqforecast never imputes.
* **Dates.** Parsed with pandas (``--dayfirst``, or ``--date-format`` in strptime's notation); they must be
  unique, increasing and regularly spaced: a gap is named by the dates around it. Read month first (the
  default), dates that only make sense day first ask for ``--dayfirst``; dates that make sense both ways
  ask to choose.
* **Time steps.** A date column of numbers is a step counter: consecutive integers (``1, 2, 3, ...`` or
  ``1.0, 2.0, ...``) become a RangeIndex (a forecast continues the count); other numbers are refused with
  a message asking for dates (or ``--date-format`` for numbers such as ``20230131``).

Blank lines are skipped (line numbers still count them). A problem in the file is a :class:`DataError`
(exit status 1); a flag naming what the file lacks is a :class:`UsageError` (exit status 2).
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["CsvFormat", "DataError", "UsageError", "label", "read_series"]

#: Separators recognised in a header that has only one column with the default ``--sep ','``.
_OTHER_SEPARATORS = {";": "';'", "\t": "tab", "|": "'|'"}


class UsageError(Exception):
    """Bad input from the command line: exit status 2, one line on stderr."""

    def __init__(self, message, prog=None):
        super().__init__(message)
        self.prog = prog


class DataError(Exception):
    """The input file cannot be used as it is: exit status 1, one line on stderr."""


@dataclass(frozen=True)
class CsvFormat:
    """How to read the cells: ``--sep``, ``--decimal``, ``--dayfirst``, ``--date-format``, ``--na-values``."""

    sep: str = ","
    decimal: str = "."
    dayfirst: bool = False
    date_format: str | None = None
    na_values: tuple = ()


def read_series(path, date_column=None, columns=None, fmt=CsvFormat()):
    """The CSV at ``path`` as a Series (one value column) or DataFrame, on a regular time index."""
    path = Path(path)
    if not path.exists():
        raise UsageError(f"file not found: {str(path)!r}")
    if not path.is_file():
        raise UsageError(f"{str(path)!r} is not a file (a CSV is expected)")
    _check_separator(path, fmt)
    rows = _read_cells(path, fmt)
    header, rows = [c.strip() for c in rows.iloc[0]], rows.iloc[1:]
    lines = np.arange(len(rows)) + 2  # the file's line of each row: the header is line 1
    blank = (rows == "").all(axis=1).to_numpy()
    rows, lines = rows.loc[~blank], lines[~blank]
    _check_header(path, header)
    date_column = header[0] if date_column is None else date_column
    values = [c for c in header if c != date_column] if columns is None else list(columns)
    for column in [date_column, *values]:
        if column not in header:
            flag = "--date-column" if column == date_column else "--columns"
            raise UsageError(f"column {column!r} not found in {str(path)!r}; its columns are {header} (see {flag})")
    if not values:
        raise DataError(
            f"{str(path)!r} has one column, {date_column!r}; seqforecast needs a date column (dates, or time steps "
            "1, 2, 3, ...; the first, or --date-column) and one column per series"
        )
    rows.columns = header
    if len(rows) == 0:
        raise DataError(f"{str(path)!r} has a header but no data rows (0 time steps)")
    cells = rows[date_column].str.strip()
    index = _time_index(cells.to_numpy(), lines, date_column, fmt)
    data = {column: _numbers(rows[column].str.strip().to_numpy(), lines, column, index, fmt) for column in values}
    out = pd.DataFrame(data, index=index)
    return out.iloc[:, 0].rename(values[0]) if len(values) == 1 else out


# ------------------------------------------------------------------------------------------ the file
def _read_cells(path, fmt):
    """Every cell as text, the header as the first row, blank lines kept (so that row i is line i + 1)."""
    try:
        return pd.read_csv(
            path,
            sep=fmt.sep,
            header=None,
            dtype=str,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,
            encoding="utf-8-sig",
        )
    except pd.errors.EmptyDataError:
        raise DataError(f"{str(path)!r} is empty; a CSV with a header line and data rows is expected") from None
    except pd.errors.ParserError as exc:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if found:
            n, line, saw = found.groups()
            raise DataError(
                f"line {line} of {str(path)!r} has {saw} fields where the header has {n}; check the separator "
                f"(--sep, now {_show_sep(fmt.sep)}) and the decimal mark (--decimal ',' for a decimal comma with "
                "--sep ';')"
            ) from None
        raise DataError(f"cannot read {str(path)!r} as CSV: {str(exc).strip().splitlines()[0]}") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"cannot read {str(path)!r} as CSV: it is not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise UsageError(f"cannot read {str(path)!r}: {exc.strerror or exc}") from None


def _show_sep(sep):
    return "tab" if sep == "\t" else repr(sep)


def _check_separator(path, fmt):
    """A header line without ``--sep`` but with another separator: name the flag that reads it."""
    try:
        with open(path, encoding="utf-8-sig") as file:
            first = file.readline().strip()
    except (UnicodeDecodeError, OSError):
        return  # read_csv says it
    if fmt.sep in first:
        return
    found = [name for char, name in _OTHER_SEPARATORS.items() if char in first]
    if found:
        raise DataError(
            f"the header line of {str(path)!r}, {first!r}, has no {_show_sep(fmt.sep)} (the separator, --sep); "
            f"its columns seem separated by {found[0]}: use --sep {found[0]}"
        )


def _check_header(path, header):
    if "" in header:
        raise DataError(f"column {header.index('') + 1} of {str(path)!r} has no name in the header line")
    repeated = [name for name, count in Counter(header).items() if count > 1]
    if repeated:
        raise DataError(
            f"column {repeated[0]!r} appears {header.count(repeated[0])} times in the header of {str(path)!r}"
        )


# ------------------------------------------------------------------------------------------- values
def _numbers(cells, lines, column, index, fmt):
    """A value column as float64, missing cells as NaN; anything else than numbers and missing is an error."""
    missing = (cells == "") | np.isin(cells, fmt.na_values)
    text = pd.Series(cells)
    if fmt.decimal == ",":
        text = text.str.replace(",", ".", regex=False)
    numbers = pd.to_numeric(text.where(~missing), errors="coerce").to_numpy(dtype=np.float64)
    bad = np.flatnonzero(~missing & np.isnan(numbers))
    if len(bad):
        value, where = cells[bad[0]], _where(index, lines, bad[0])
        if value.lower() in ("true", "false"):
            fix = "write booleans as numbers (0/1)"
        elif fmt.decimal == "." and re.fullmatch(r"[-+]?\d*,\d+", value):
            fix = "if ',' is the decimal mark, use --decimal ','"
        else:
            fix = f"write a number there, or, if {value!r} means a missing value, use --na-values {value!r}"
        raise DataError(f"column {column!r} is not numeric: {value!r} at {where}; {fix}")
    infinite = np.flatnonzero(np.isinf(numbers))
    if len(infinite):
        i = infinite[0]
        raise DataError(f"column {column!r} holds {cells[i]!r} at {_where(index, lines, i)}; values must be finite")
    present = np.flatnonzero(~missing)
    if not len(present):
        raise DataError(f"column {column!r} has no values (every cell is empty or one of --na-values)")
    gaps = np.flatnonzero(missing[present[0] :]) + present[0]
    if len(gaps):
        shown = ", ".join(_where(index, lines, i) for i in gaps[:3]) + (", ..." if len(gaps) > 3 else "")
        raise DataError(
            f"column {column!r} has {len(gaps)} missing value(s) after its first value: {shown}; fill them in the "
            "file (seqforecast does not impute; missing cells may only precede a series' first value)"
        )
    return numbers


def _where(index, lines, i):
    """Row ``i`` as the user sees it: its date (or step) and its line in the file."""
    return f"{label(index[i])} (line {lines[i]})"


def label(value):
    """A date as the user wrote it: without the time when it is midnight; a time step as its number."""
    if isinstance(value, pd.Timestamp) and value == value.normalize():
        return str(value.date())
    return str(value)


# -------------------------------------------------------------------------------------------- dates
def _time_index(cells, lines, name, fmt):
    """A regular index from the date column's cells: a RangeIndex for a step counter, else dates."""
    empty = np.flatnonzero(cells == "")
    if len(empty):
        raise DataError(f"the date column {name!r} is empty at line {lines[empty[0]]}; every row needs a date")
    if fmt.date_format is None:
        text = pd.Series(cells).str.replace(",", ".", regex=False) if fmt.decimal == "," else pd.Series(cells)
        steps = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64)
        if not np.isnan(steps).any():
            return _step_index(steps, cells, lines, name)
    try:
        index = _dates(cells, lines, name, fmt, fmt.dayfirst)
        problem = _irregularity(index, lines, name)
    except DataError as exc:  # e.g. '13.01.2023' read month first
        index, problem = None, tuple(str(exc).rsplit("; ", 1))
    may_swap = not fmt.dayfirst and fmt.date_format is None and not all(re.match(r"\d{4}", c) for c in cells)
    other = _dates_or_none(cells, lines, name, fmt) if may_swap else None
    other_ok = other is not None and _irregularity(other, lines, name) is None
    if problem is not None:
        if other_ok:
            raise DataError(
                f"read month first (the default), {problem[0]}; read day first, they are regular "
                f"({_span(other)}): use --dayfirst"
            )
        raise DataError("; ".join(problem))
    if other_ok and not other.equals(index):
        raise DataError(
            f"the dates in column {name!r} read two ways: month first (the default), {_span(index)}; day first, "
            f"{_span(other)}. Use --dayfirst for the second, or --date-format (e.g. {_month_first(cells[0])!r}) "
            "for the first"
        )
    return pd.DatetimeIndex(index, freq=_freq(index), name=name)


def _step_index(steps, cells, lines, name):
    """A numeric date column: consecutive integers are time steps (a RangeIndex); anything else is refused."""
    whole = np.isfinite(steps) & (steps == np.round(steps))
    if whole.all():
        jumps = np.flatnonzero(np.diff(steps) != 1)
        if not len(jumps):
            start = int(steps[0])
            return pd.RangeIndex(start, start + len(steps), name=name)
        i = jumps[0] + 1
        found = f"{cells[i]!r} at line {lines[i]} after {cells[i - 1]!r} at line {lines[i - 1]}"
    else:
        i = int(np.flatnonzero(~whole)[0])
        found = f"{cells[i]!r} at line {lines[i]}"
    raise DataError(
        f"the date column {name!r} holds numbers, not dates ({found}); a column of numbers is read as time steps "
        "only when it counts 1, 2, 3, ... (consecutive integers). Write dates there, name the date column with "
        "--date-column, or give the numbers' date format with --date-format (e.g. '%Y%m%d')"
    )


def _dates(cells, lines, name, fmt, dayfirst):
    """The cells as a DatetimeIndex (time zone dropped), or a DataError naming the first bad cell and its line."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "Parsing dates in ... format when dayfirst=True"
            index = pd.DatetimeIndex(_to_datetime(cells, fmt.date_format, dayfirst), name=name)
    except (ValueError, TypeError, OverflowError) as exc:
        text = str(exc).lower()
        if "timezone" in text or "time zone" in text or "tz-aware" in text:  # pandas 3 / pandas 2 wording
            raise DataError(
                f"the date column {name!r} mixes time zones; write every date in one zone, or in UTC"
            ) from None
        i = next((i for i, c in enumerate(cells) if not _parses(c, fmt.date_format, dayfirst)), 0)
        how = f"with --date-format {fmt.date_format!r}" if fmt.date_format else "as dates"
        fix = "check the format" if fmt.date_format else "give their format with --date-format (e.g. '%d.%m.%Y')"
        raise DataError(
            f"cannot parse the date column {name!r} {how}: {cells[i]!r} at line {lines[i]}; {fix}"
        ) from None
    return index.tz_localize(None) if index.tz is not None else index


def _to_datetime(cells, date_format, dayfirst):
    if date_format is not None:
        return pd.to_datetime(cells, format=date_format)
    return pd.to_datetime(cells, format="mixed", dayfirst=dayfirst)


def _parses(cell, date_format, dayfirst):
    try:
        _to_datetime([cell], date_format, dayfirst)
        return True
    except (ValueError, TypeError, OverflowError):
        return False


def _dates_or_none(cells, lines, name, fmt):
    try:
        return _dates(cells, lines, name, fmt, dayfirst=True)
    except DataError:
        return None


def _irregularity(index, lines, name):
    """Why ``index`` is not a regular time index and how to fix it (two sentences naming dates and lines),
    or None."""
    what = f"the dates in column {name!r}"
    duplicated = np.flatnonzero(index.duplicated(keep=False))
    if len(duplicated):
        first = duplicated[index[duplicated] == index[duplicated[0]]]
        shown = ", ".join(str(lines[i]) for i in first)
        return (
            f"the date {label(index[first[0]])} appears {len(first)} times in column {name!r} (lines {shown})",
            "keep one row per date",
        )
    back = np.flatnonzero(np.diff(index.asi8) < 0)
    if len(back):
        i = back[0] + 1
        return (
            f"{what} are not in increasing order: {label(index[i])} (line {lines[i]}) comes after "
            f"{label(index[i - 1])} (line {lines[i - 1]})",
            "sort the file by date",
        )
    if len(index) < 3:
        return (
            f"column {name!r} has {len(index)} date(s), and at least 3 are needed to tell their frequency",
            "write more rows, or time steps 1, 2, 3, ... instead of dates",
        )
    freq = _freq(index)
    if freq is None:
        steps = ", ".join(_duration(d) for d in pd.unique(index[1:] - index[:-1])[:3])
        return f"{what} have no regular step (steps of {steps})", "write one row per time step"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", pd.errors.PerformanceWarning)
        expected = index[:-1] + freq
    off = np.flatnonzero(expected != index[1:])
    if len(off):
        i = off[0] + 1
        return (
            f"{what} are not regularly spaced: they step by {freq.freqstr!r}, but {label(index[i])} (line "
            f"{lines[i]}) follows {label(index[i - 1])} (line {lines[i - 1]}) where {label(expected[i - 1])} was "
            "expected",
            "add a row for each missing date (with empty cells only before a series starts)",
        )
    return None


def _duration(delta):
    delta = pd.Timedelta(delta)
    if delta == delta.floor("D"):
        return f"{delta.days} day{'s' if delta.days != 1 else ''}"
    return str(delta)


def _freq(index):
    """The step of most of ``index``'s runs of 3 dates (so that one gap does not hide it), or None."""
    n = len(index)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        if n >= 3 and (whole := pd.infer_freq(index)) is not None:
            return pd.tseries.frequencies.to_offset(whole)
        found = [pd.infer_freq(index[s : s + 3]) for s in range(0, n - 2, max(1, (n - 2) // 25))]
    found = [f for f in found if f is not None]
    return pd.tseries.frequencies.to_offset(Counter(found).most_common(1)[0][0]) if found else None


def _month_first(cell: str) -> str:
    """The month-first format of a date such as ``01.02.2023`` (its own separator), for a message."""
    found = re.match(r"\s*\d{1,2}(\D)\d{1,2}\1\d{2,4}", cell)
    sep = found.group(1) if found else "/"
    return f"%m{sep}%d{sep}%Y"


def _span(index):
    freq = _freq(index)
    step = f"step {freq.freqstr!r} " if freq is not None else ""
    return f"{step}from {label(index[0])} to {label(index[-1])}"
