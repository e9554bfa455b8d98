"""What every benchmark writes beside its figures: machine, versions, settings."""

from __future__ import annotations

import json
import os
import platform
import sys
from datetime import datetime, timezone
from importlib import metadata


def environment() -> dict:
    """Machine and package versions, for a result file."""
    versions = {"python": sys.version.split()[0]}
    for package in ("seqforecast", "torch", "numpy", "pandas", "scikit-learn", "skorch", "statsmodels", "scipy"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    try:
        import torch

        threads = torch.get_num_threads()
    except ImportError:  # pragma: no cover
        threads = None
    return {
        "date_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpu_count": os.cpu_count(),
            "torch_threads": threads,
            "load_average_1min_at_start": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
        },
        "versions": versions,
    }


def write_json(path, payload: dict) -> None:
    path = os.fspath(path)
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(payload, fh, indent=2, default=str)
        fh.write("\n")
