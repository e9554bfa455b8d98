"""``seqforecast.metrics``: the first version's path of :mod:`seqforecast.evaluation.metrics`, kept importable."""

from .evaluation.metrics import *  # noqa: F403
from .evaluation.metrics import __all__  # noqa: F401
