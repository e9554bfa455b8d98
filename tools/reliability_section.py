"""Render the README's reliability section from the bad-input table in ``tests/test_bad_inputs.py``.

::

    python tools/reliability_section.py           # print the section
    python tools/reliability_section.py --write   # rewrite README.md between the reliability markers

The counts are never typed: they come from the table itself (``CASES`` and ``CATEGORIES``), and a test in
``tests/test_bad_inputs.py`` fails when README.md's section differs from what this script renders.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TABLE = ROOT / "tests" / "test_bad_inputs.py"
README = ROOT / "README.md"
START = "<!-- reliability:start -->"
END = "<!-- reliability:end -->"


def load_table(path: Path = TABLE):
    """Import the test module from its path; return its ``(CASES, CATEGORIES)``."""
    spec = importlib.util.spec_from_file_location("_bad_inputs_table", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.CASES, module.CATEGORIES


def render(cases, categories) -> str:
    """The Markdown between the markers (starting and ending with a newline)."""
    total = len(cases)
    gaps = [c for c in cases if c.xfail]
    per_category = Counter(c.category for c in cases)
    per_target = Counter(c.target for c in cases)
    lines = [
        "",
        f"`tests/test_bad_inputs.py` is one table of **{total} bad inputs** run against the public API: "
        f"{len(per_target)} targets, from the sequence estimators, forecasters and baselines to windowing, "
        "calendar features, the splitters, `backtest`, `compare`, the metrics and the command line. "
        f"{total - len(gaps)} are answered with a specific exception (`ValueError`, `TypeError`, "
        "`NotFittedError`, ...) whose message is pinned by the test: what was expected, what came, how to fix it. "
        "On the command line the answer is exit status 2 (usage) or 1 (data) and one line on stderr.",
        "",
        "| category | what is tried | rows |",
        "|---|---|---:|",
    ]
    for category, what in categories.items():
        lines.append(f"| {category} | {what} | {per_category[category]} |")
    lines += [
        f"| **total** | | **{total}** |",
        "",
        "Rows per target: " + ", ".join(f"{target} {count}" for target, count in per_target.items()) + ".",
        "",
    ]
    if gaps:
        lines += [
            f"{len(gaps)} rows are known gaps, marked `xfail(strict=True)` with the fix to make: "
            + ", ".join(f"`{c.id}`" for c in gaps)
            + ". Each fails the suite the day its fix lands, so the mark cannot outlive the gap.",
            "",
        ]
    lines += [
        "Run them with `make test` (the whole suite) or `.venv/bin/python -m pytest tests/test_bad_inputs.py`. "
        "`tests/test_properties.py` adds property-based tests (hypothesis): window shapes and contents, future "
        "indexes against pandas' own date and period ranges, metric invariances, forecast prefix consistency.",
        "",
        "**Missing values** are never imputed or dropped silently. In a forecaster's `y` only leading NaN are "
        "allowed (a column of a DataFrame whose series starts later); a NaN after the start raises, naming the "
        "series and positions and the fix (`y.interpolate()`, `y.ffill()`). Covariates must be known for every "
        'row, the forecast rows included. `make_windows` and `make_windows_multi` take `missing="raise"` (the '
        'default) or `missing="drop"` (drop the windows that touch a NaN). The estimators and the metrics raise '
        "on NaN or infinity with the position of the first one, and a forecast that would come out NaN or "
        "infinite (arithmetic overflow) raises instead of being returned.",
        "",
    ]
    return "\n".join(lines)


def read_block(text: str) -> str:
    """The text between the markers of ``text`` (README.md's content)."""
    if text.count(START) != 1 or text.count(END) != 1 or text.index(START) > text.index(END):
        raise ValueError(f"README.md must hold {START} and then {END}, once each.")
    return text[text.index(START) + len(START) : text.index(END)]


def replace_block(text: str, block: str) -> str:
    """``text`` with the part between the markers replaced by ``block``."""
    read_block(text)  # checks the markers
    return text[: text.index(START) + len(START)] + block + text[text.index(END) :]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="rewrite README.md between the markers")
    args = parser.parse_args(argv)
    block = render(*load_table())
    if not args.write:
        sys.stdout.write(block)
        return 0
    text = README.read_text(encoding="utf-8")
    updated = replace_block(text, block)
    if updated != text:
        README.write_text(updated, encoding="utf-8")
    print(f"README.md: reliability section {'updated' if updated != text else 'already up to date'}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
