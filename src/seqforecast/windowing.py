"""``seqforecast.windowing``: the first version's path of :mod:`seqforecast.preprocessing.windowing`, kept importable."""

from .preprocessing.windowing import *  # noqa: F403
from .preprocessing.windowing import __all__  # noqa: F401
