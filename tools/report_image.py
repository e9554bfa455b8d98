"""Copy the forecasts figure of a report into ``docs/images/`` for the README.

``make readme-image`` runs ``make demo`` (which writes ``reports/``) and then this script::

    python tools/report_image.py [REPORT_DIR] [DEST]

``REPORT_DIR`` defaults to ``reports`` and ``DEST`` to ``docs/images/report_forecasts.png``. The figure is the
PNG the report itself writes (``forecasts.png``: actuals and every model's forecasts from every origin), the
same image as in ``report.html``; the copy is refused above 200 KB, to keep the repository small.
"""

from __future__ import annotations

import sys
from pathlib import Path

MAX_BYTES = 200_000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    report = Path(args[0] if args else "reports")
    dest = Path(args[1] if len(args) > 1 else "docs/images/report_forecasts.png")
    source = report / "forecasts.png"
    if not source.is_file():
        print(f"report_image: {source} not found; run `make demo` first (it writes {report}/).", file=sys.stderr)
        return 1
    data = source.read_bytes()
    if not data.startswith(PNG_MAGIC):
        print(f"report_image: {source} is not a PNG file.", file=sys.stderr)
        return 1
    if len(data) > MAX_BYTES:
        print(f"report_image: {source} has {len(data):,} bytes, more than {MAX_BYTES:,}; not copied.", file=sys.stderr)
        return 1
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(data)
    print(f"report_image: {source} -> {dest} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
