"""The classes that a model file may name, each under a stable name: the only classes :func:`load` creates.

A model file names every class it holds. :func:`load` finds them through the tables of this module only: a
name that is not in them is refused, and nothing a file names is ever imported or looked up in a module.

* seqforecast's classes (:data:`CLASSES`) are named ``"seqforecast.<ClassName>"``, a name that does not follow
  the class's module: moving a class to another module changes neither the files :func:`save` writes nor the
  files :func:`load` reads. Files written before the package was split into subpackages name classes by their
  module path at the time (``seqforecast.forecasting.DirectForecaster``, ``seqforecast._naive.ThetaFit``...);
  :data:`FORMER_NAMES` maps those names to the stable ones.
* scikit-learn's estimators (:data:`SKLEARN_CLASSES`) are named by their public path
  (``"sklearn.linear_model.Ridge"``); files of formats 1 and 2 name them by their module path
  (``sklearn.linear_model._ridge.Ridge``), which maps to the same class. Only estimators whose fitted state
  is plain arrays and numbers, used by numpy code, are listed: a loaded file sets that state, and estimators
  that hand it to compiled code that trusts it (libsvm, trees, neighbour indexes) are left out.
* torch's optimizers (parameters of the sequence estimators) and the losses of their nets
  (:data:`TORCH_CLASSES`), named ``"torch.optim.<Name>"`` and ``"torch.nn.<Name>"``.

:func:`state_name_problem` says which attributes a model file may set on an instance of a class; the writer
refuses to save any other, the reader to load it.
"""

from __future__ import annotations

import keyword

import torch
from sklearn import compose, decomposition, dummy, kernel_ridge, linear_model, multioutput, pipeline, preprocessing

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
from ..estimators.losses import GaussianNLL, NegativeBinomialNLL, PinballLoss, SequenceCrossEntropy, StudentTNLL
from ..evaluation.significance import DieboldMarianoResult
from ..evaluation.splitters import DefaultOrigins
from ..forecasting import (
    ConformalForecaster,
    DirectForecaster,
    EnsembleForecaster,
    RecursiveForecaster,
    Seq2SeqForecaster,
)
from ..forecasting.auto import AutoRNNForecaster
from ..nets import NetEnsemble, RecurrentNet, Seq2SeqNet
from ..preprocessing import CalendarFeatures, SlidingWindowTransformer, TextTokenizer

__all__ = [
    "CLASSES",
    "FORMER_NAMES",
    "NONE_ONLY_PARAMS",
    "PRIVATE_STATE",
    "SKLEARN_CLASSES",
    "SKLEARN_FORMER_NAMES",
    "TORCH_CLASSES",
    "class_named",
    "name_of",
    "state_name_problem",
]

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
        ConformalForecaster,
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
        TextTokenizer,
        # records
        ThetaFit,
        DieboldMarianoResult,
        DefaultOrigins,
        # the nets' modules, the classifier's loss, the regressor's quantile and likelihood losses
        RecurrentNet,
        Seq2SeqNet,
        NetEnsemble,
        SequenceCrossEntropy,
        PinballLoss,
        GaussianNLL,
        StudentTNLL,
        NegativeBinomialNLL,
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


def _public(module, names):
    return {f"{module.__name__}.{name}": getattr(module, name) for name in names}


#: Public path -> class, for the scikit-learn estimators a model file may hold.
SKLEARN_CLASSES = {
    **_public(pipeline, ("Pipeline", "FeatureUnion")),
    **_public(compose, ("TransformedTargetRegressor",)),
    **_public(multioutput, ("MultiOutputRegressor", "MultiOutputClassifier", "RegressorChain")),
    **_public(
        preprocessing,
        (
            "StandardScaler",
            "MinMaxScaler",
            "MaxAbsScaler",
            "RobustScaler",
            "Normalizer",
            "PolynomialFeatures",
            "LabelEncoder",
        ),
    ),
    **_public(
        linear_model,
        (
            "LinearRegression",
            "Ridge",
            "RidgeCV",
            "Lasso",
            "LassoCV",
            "ElasticNet",
            "ElasticNetCV",
            "HuberRegressor",
            "BayesianRidge",
            "ARDRegression",
            "Lars",
            "LassoLars",
            "OrthogonalMatchingPursuit",
            "SGDRegressor",
            "QuantileRegressor",
            "LogisticRegression",
        ),
    ),
    **_public(dummy, ("DummyRegressor", "DummyClassifier")),
    **_public(kernel_ridge, ("KernelRidge",)),
    **_public(decomposition, ("PCA",)),
}
#: The names that files of formats 1 and 2 give scikit-learn's classes (module paths) -> the public path.
SKLEARN_FORMER_NAMES = {f"{cls.__module__}.{cls.__qualname__}": name for name, cls in SKLEARN_CLASSES.items()}

_OPTIMIZERS = ("Adadelta", "Adafactor", "Adagrad", "Adam", "AdamW", "Adamax", "ASGD", "LBFGS", "NAdam", "RAdam")
_OPTIMIZERS += ("RMSprop", "Rprop", "SGD", "SparseAdam")
_LOSSES = ("MSELoss", "L1Loss", "HuberLoss")  # RNNRegressor's losses; RNNClassifier's is SequenceCrossEntropy

#: Name -> class, for torch's optimizers (the ``optimizer`` parameter) and the torch losses a net trains with.
TORCH_CLASSES = {
    **{f"torch.optim.{name}": getattr(torch.optim, name) for name in _OPTIMIZERS if hasattr(torch.optim, name)},
    **{f"torch.nn.{name}": getattr(torch.nn, name) for name in _LOSSES},
}

#: Fitted attributes whose names do not end in ``_``, by class (every other fitted attribute's does).
PRIVATE_STATE = {
    RNNRegressor: frozenset({"_architecture", "_y_shape_tail"}),
    RNNClassifier: frozenset({"_architecture"}),
    SKLEARN_CLASSES["sklearn.compose.TransformedTargetRegressor"]: frozenset({"_training_dim"}),
    SKLEARN_CLASSES["sklearn.dummy.DummyClassifier"]: frozenset({"_strategy"}),
    SKLEARN_CLASSES["sklearn.decomposition.PCA"]: frozenset({"_fit_svd_solver"}),
    SKLEARN_CLASSES["sklearn.preprocessing.PolynomialFeatures"]: frozenset(
        {"_max_degree", "_min_degree", "_n_out_full"}
    ),
}

#: Parameters that a model file must leave at None, by class: a refit would read and write files where they
#: point (``Pipeline(memory=...)`` caches fitted transformers as pickles in that folder and loads them back).
NONE_ONLY_PARAMS = {SKLEARN_CLASSES["sklearn.pipeline.Pipeline"]: ("memory",)}

_NAMES = {cls: name for table in (CLASSES, SKLEARN_CLASSES, TORCH_CLASSES) for name, cls in table.items()}


def name_of(cls):
    """The stable name of a class, or None when a model file may not hold it."""
    return _NAMES.get(cls) if isinstance(cls, type) else None


def class_named(name):
    """The class with stable (or former) name ``name``, or None when there is none."""
    if not isinstance(name, str):
        return None
    name = FORMER_NAMES.get(name) or SKLEARN_FORMER_NAMES.get(name) or name
    return CLASSES.get(name) or SKLEARN_CLASSES.get(name) or TORCH_CLASSES.get(name)


def _on_class(cls, name):
    return any(name in vars(klass) for klass in cls.__mro__)


def state_name_problem(cls, name, params, constructed):
    """Why a model file may not set the attribute ``name`` on an instance of ``cls``; None when it may.

    A model file sets the attributes of a fitted estimator that are not its parameters: names ending in
    ``_`` (scikit-learn's convention for fitted attributes), the private names of :data:`PRIVATE_STATE`, and
    the other names the constructor itself sets (``constructed``, e.g. ``Lasso.l1_ratio``). A name must be
    an identifier, not a dunder, not a parameter (``params``), and nothing the class defines: a method, a
    property or a class attribute would be replaced on the instance (a file setting ``predict`` would
    replace the method).
    """
    if not (isinstance(name, str) and name.isascii() and name.isidentifier()) or keyword.iskeyword(name):
        return f"{name!r} is not a Python identifier"
    if name.startswith("__"):
        return f"{name!r} is a dunder name"
    if name in params:
        return f"{name!r} is a parameter of {cls.__name__}, not a fitted attribute"
    if _on_class(cls, name):
        return f"{name!r} is defined by the class {cls.__name__} (a method, property or class attribute)"
    if not (name.endswith("_") or name in PRIVATE_STATE.get(cls, ()) or name in constructed):
        known = sorted(PRIVATE_STATE.get(cls, ()))
        return f"{name!r} is not a fitted attribute of {cls.__name__}: fitted attributes end in '_'" + (
            f" or are one of {known}" if known else ""
        )
    return None
