"""What every benchmark writes beside its figures: machine, versions, settings."""

from __future__ import annotations

import json
import os
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
