"""``seqforecast.model_selection``: the first version's path of :mod:`seqforecast.evaluation.backtest`, kept importable."""

from .evaluation.backtest import *  # noqa: F403
from .evaluation.backtest import __all__  # noqa: F401
