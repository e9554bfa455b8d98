"""The package's own classes that a model file may name, each under a stable name.

A model file names every class it holds. seqforecast's classes are named here, by a stable name that does
not follow the class's module: moving a class to another module changes neither the files :func:`save`
writes nor the files :func:`load` reads. :func:`load` finds seqforecast's classes through this table only:
a name that is not in it is refused, and nothing a file names is ever imported. (scikit-learn's estimators
are named by their dotted import path and imported from ``sklearn.*`` only: see the reader.)

The stable name of a class is ``"seqforecast.<ClassName>"``. Files written before the package was split
into subpackages name classes by their module path at the time (``seqforecast.forecasting.DirectForecaster``,
``seqforecast._naive.ThetaFit``...); :data:`FORMER_NAMES` maps those names to the stable ones.
"""

from __future__ import annotations

from ..baselines import (
    ARIMAForecaster,
    ETSForecaster,
    Naive2Forecaster,
    NaiveForecaster,
    SeasonalNaiveForecaster,
    ThetaForecaster,
)
from ..baselines._kernels import ThetaFit
from ..estimators import RNNClassifier, RNNRegressor
from ..estimators.losses import SequenceCrossEntropy
from ..evaluation.significance import DieboldMarianoResult
from ..forecasting import DirectForecaster, EnsembleForecaster, RecursiveForecaster, Seq2SeqForecaster
from ..forecasting.auto import AutoRNNForecaster
from ..nets import RecurrentNet, Seq2SeqNet
from ..preprocessing import CalendarFeatures, SlidingWindowTransformer

__all__ = ["CLASSES", "FORMER_NAMES", "class_named", "name_of"]

#: Stable name -> class, for every seqforecast class a model file may hold: estimators and forecasters
#: (``"estimator"`` nodes), records (``"record"`` nodes: named tuples), and the torch module and loss of a
#: sequence estimator's net.
CLASSES = {
    f"seqforecast.{cls.__name__}": cls
    for cls in (
        # sequence estimators
        RNNRegressor,
        RNNClassifier,
        # forecasters over a regressor
        RecursiveForecaster,
        DirectForecaster,
        Seq2SeqForecaster,
        EnsembleForecaster,
        AutoRNNForecaster,
        # baselines
        NaiveForecaster,
        SeasonalNaiveForecaster,
        Naive2Forecaster,
        ThetaForecaster,
        ETSForecaster,
        ARIMAForecaster,
        # transformers
        SlidingWindowTransformer,
        CalendarFeatures,
        # records
        ThetaFit,
        DieboldMarianoResult,
        # the nets' modules and the classifier's loss
        RecurrentNet,
        Seq2SeqNet,
        SequenceCrossEntropy,
    )
}

#: The names that files written before the split into subpackages use -> the stable name.
FORMER_NAMES = {
    "seqforecast.estimators.RNNRegressor": "seqforecast.RNNRegressor",
    "seqforecast.estimators.RNNClassifier": "seqforecast.RNNClassifier",
    "seqforecast.forecasting.RecursiveForecaster": "seqforecast.RecursiveForecaster",
    "seqforecast.forecasting.DirectForecaster": "seqforecast.DirectForecaster",
    "seqforecast.forecasting.Seq2SeqForecaster": "seqforecast.Seq2SeqForecaster",
    "seqforecast.forecasting.EnsembleForecaster": "seqforecast.EnsembleForecaster",
    "seqforecast.baselines.NaiveForecaster": "seqforecast.NaiveForecaster",
    "seqforecast.baselines.SeasonalNaiveForecaster": "seqforecast.SeasonalNaiveForecaster",
    "seqforecast.baselines.Naive2Forecaster": "seqforecast.Naive2Forecaster",
    "seqforecast.baselines.ThetaForecaster": "seqforecast.ThetaForecaster",
    "seqforecast.baselines.ETSForecaster": "seqforecast.ETSForecaster",
    "seqforecast.arima.ARIMAForecaster": "seqforecast.ARIMAForecaster",
    "seqforecast.windowing.SlidingWindowTransformer": "seqforecast.SlidingWindowTransformer",
    "seqforecast.covariates.CalendarFeatures": "seqforecast.CalendarFeatures",
    "seqforecast._naive.ThetaFit": "seqforecast.ThetaFit",
    "seqforecast._significance.DieboldMarianoResult": "seqforecast.DieboldMarianoResult",
    "seqforecast.nets.RecurrentNet": "seqforecast.RecurrentNet",
    "seqforecast.nets.Seq2SeqNet": "seqforecast.Seq2SeqNet",
    "seqforecast._training._SequenceCrossEntropy": "seqforecast.SequenceCrossEntropy",
}

_NAMES = {cls: name for name, cls in CLASSES.items()}


def name_of(cls):
    """The stable name of a seqforecast class, or None when a model file may not hold it."""
    return _NAMES.get(cls)


def class_named(name):
    """The class with stable (or former) name ``name``, or None when there is none."""
    return CLASSES.get(FORMER_NAMES.get(name, name))
