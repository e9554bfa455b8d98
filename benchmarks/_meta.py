"""What every benchmark writes beside its figures: machine, versions, settings."""

from __future__ import annotations

import json
import os
import resource
from datetime import datetime, timezone

from seqforecast._utils.metadata import machine, versions

#: Distribution names, as the result files have always keyed them.
PACKAGES = ("seqforecast", "torch", "numpy", "pandas", "scikit-learn", "skorch", "statsmodels", "scipy")


def environment() -> dict:
    """Machine and package versions, for a result file (the load average is the one at the call)."""
    try:
        import torch

        threads = torch.get_num_threads()
    except ImportError:  # pragma: no cover
        threads = None
    found = machine()
    return {
        "date_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {
            "platform": found["platform"],
            "processor": found["processor"],
            "cpu_count": found["cpu_count"],
            "torch_threads": threads,
            "load_average_1min_at_start": found["load_average_1min"],
        },
        "versions": versions(PACKAGES),
    }


def write_json(path, payload: dict) -> None:
    path = os.fspath(path)
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(payload, fh, indent=2, default=str)
        fh.write("\n")


def rss_mb() -> float:
    """Current resident memory of this process, MB (from /proc: ru_maxrss only gives the peak)."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def peak_mb() -> float:
    """Peak resident memory of this process so far, MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux


def machine_lines(payload: dict) -> list:
    """The Markdown lines that close a result file: machine, load at start and end, date, versions (from a payload
    made with :func:`environment` plus ``load_average_1min_at_end``)."""
    m, end = payload["machine"], payload["load_average_1min_at_end"]
    start = m["load_average_1min_at_start"]
    return [
        f"Machine: {m['platform']}, {m['cpu_count']} CPUs, torch threads {m['torch_threads']}, load average (1 min) "
        f"{start:.2f} at start, {end:.2f} at end; {payload['date_utc']}.",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in payload["versions"].items()) + ".",
    ]
