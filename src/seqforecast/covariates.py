"""``seqforecast.covariates``: the first version's path of :mod:`seqforecast.preprocessing.covariates`, kept importable."""

from .preprocessing.covariates import *  # noqa: F403
from .preprocessing.covariates import __all__  # noqa: F401
