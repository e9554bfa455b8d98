"""Copy the forecasts figure of a report into ``docs/images/`` for the README.

``make readme-image`` runs ``make demo`` (which writes ``reports/``) and then this script::

    python tools/report_image.py [REPORT_DIR] [DEST]

``REPORT_DIR`` defaults to ``reports`` and ``DEST`` to ``docs/images/report_forecasts.png``. The figure is the
PNG the report itself writes (``forecasts.png``: actuals and every model's forecasts from every origin), the
same image as in ``report.html``; the copy is refused above 200 KB, to keep the repository small.

``python tools/report_image.py --page REPORT_DIR DEST`` renders the first page of ``report.html`` itself to a
PNG (the README's picture of the page). No browser is needed: WeasyPrint lays the HTML out as a PDF (its
print layout: A4 pages) and pypdfium2 rasterises page one. Both are installed by ``make readme-image`` (not
by ``make install``); WeasyPrint needs the Pango library of the system (Debian: ``libpango-1.0-0``).
"""

from __future__ import annotations

import sys
from pathlib import Path

MAX_BYTES = 200_000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def render_page(report: Path, dest: Path, *, scale: float = 1.2) -> int:
    """Render page one of ``report/report.html`` to ``dest`` (PNG); 0 on success, 1 with a message."""
    source = report / "report.html"
    if not source.is_file():
        print(f"report_image: {source} not found; run `make demo` first (it writes {report}/).", file=sys.stderr)
        return 1
    try:
        import pypdfium2
        import weasyprint
    except ImportError as exc:
        print(
            f"report_image: --page needs weasyprint and pypdfium2 ({exc}); `make readme-image` installs them.",
            file=sys.stderr,
        )
        return 1
    pdf = weasyprint.HTML(filename=str(source)).write_pdf()
    image = pypdfium2.PdfDocument(pdf)[0].render(scale=scale).to_pil()
    dest.parent.mkdir(parents=True, exist_ok=True)
    image.save(dest, optimize=True)
    size = dest.stat().st_size
    if size > MAX_BYTES:
        dest.unlink()
        print(
            f"report_image: page one of {source} rendered to {size:,} bytes, more than {MAX_BYTES:,}.", file=sys.stderr
        )
        return 1
    print(f"report_image: page one of {source} -> {dest} ({size:,} bytes, {image.size[0]}x{image.size[1]} px)")
    return 0


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if args and args[0] == "--page":
        rest = args[1:]
        return render_page(
            Path(rest[0] if rest else "reports"), Path(rest[1] if len(rest) > 1 else "docs/images/report_page.png")
        )
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
