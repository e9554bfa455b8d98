"""``seqforecast.arima``: the first version's path of :mod:`seqforecast.baselines.arima`, kept importable."""

from .baselines.arima import *  # noqa: F403
from .baselines.arima import __all__  # noqa: F401
