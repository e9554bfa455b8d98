"""``seqforecast.model_selection``: the first version's path of :mod:`seqforecast.evaluation.splitters` and
:mod:`seqforecast.evaluation.backtest`, kept importable."""

from .evaluation.backtest import *  # noqa: F403
from .evaluation.backtest import __all__ as _backtest_all
from .evaluation.splitters import *  # noqa: F403
from .evaluation.splitters import __all__ as _splitters_all

__all__ = [*_splitters_all, *_backtest_all]
