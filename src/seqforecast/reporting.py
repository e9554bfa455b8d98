"""``seqforecast.reporting``: the first version's path of :mod:`seqforecast.evaluation.reporting`, kept importable."""

from .evaluation.reporting import *  # noqa: F403
from .evaluation.reporting import __all__  # noqa: F401
