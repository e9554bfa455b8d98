"""What a result file records about where it was made: package versions and the machine.

One place for it, used by the comparison reports (``metadata.json``), the saved models and the benchmarks::

    >>> sorted(versions(["numpy"]))
    ['numpy', 'python']
    >>> sorted(machine())
    ['cpu_count', 'load_average_1min', 'machine', 'platform', 'processor']
"""

from __future__ import annotations

import os
import platform
import sys
from importlib import metadata

__all__ = ["PACKAGES", "machine", "versions"]

#: The packages whose versions decide what seqforecast computes, by import name.
PACKAGES = ("seqforecast", "torch", "skorch", "sklearn", "numpy", "pandas", "scipy", "statsmodels")

# import name <-> distribution name, where they differ
_DISTRIBUTIONS = {"sklearn": "scikit-learn"}
_MODULES = {dist: module for module, dist in _DISTRIBUTIONS.items()}


def _version(name: str) -> str | None:
    """The version of a package given by import or distribution name; None when it is not installed.

    An imported module answers with its ``__version__`` (what is actually running); otherwise the installed
    distribution's metadata answers, so recording a version never imports a package.
    """
    module = sys.modules.get(_MODULES.get(name, name))
    version = getattr(module, "__version__", None)
    if version is not None:
        return str(version)
    try:
        return metadata.version(_DISTRIBUTIONS.get(name, name))
    except metadata.PackageNotFoundError:
        return None


def versions(packages=PACKAGES) -> dict:
    """Python's version, then each package's (None when it is not installed), keyed as named.

    Parameters
    ----------
    packages : iterable of str, default=PACKAGES
        Import names (``"sklearn"``) or distribution names (``"scikit-learn"``); each key of the result is
        the name as given.

    Returns
    -------
    dict of str -> str or None
    """
    found = {"python": platform.python_version()}
    for name in packages:
        found[name] = _version(name)
    return found


def machine() -> dict:
    """Platform, processor, CPU count and the 1-minute load average (None where the OS has none)."""
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count(),
        "load_average_1min": os.getloadavg()[0] if hasattr(os, "getloadavg") else None,
    }
