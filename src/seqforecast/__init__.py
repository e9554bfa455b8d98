"""seqforecast: recurrent neural nets for forecasting and sequence classification, the scikit-learn way.

Public names are importable from here (``from seqforecast import RNNRegressor, RecursiveForecaster``);
metrics live in :mod:`seqforecast.metrics`. Modules are imported on first use, so that ``import
seqforecast`` and the command line's ``--help`` stay fast (torch loads only when a net is needed).
"""

from importlib import import_module

__version__ = "0.8.0"

_EXPORTS = {
    "RNNRegressor": "estimators",
    "RNNClassifier": "estimators",
    "AutoRNNForecaster": "forecasting",
    "RecursiveForecaster": "forecasting",
    "DirectForecaster": "forecasting",
    "Seq2SeqForecaster": "forecasting",
    "EnsembleForecaster": "forecasting",
    "ConformalForecaster": "forecasting",
    "NaiveForecaster": "baselines",
    "SeasonalNaiveForecaster": "baselines",
    "Naive2Forecaster": "baselines",
    "ETSForecaster": "baselines",
    "ThetaForecaster": "baselines",
    "ARIMAForecaster": "baselines",
    "make_windows": "preprocessing",
    "make_windows_multi": "preprocessing",
    "SlidingWindowTransformer": "preprocessing",
    "CalendarFeatures": "preprocessing",
    "TextTokenizer": "preprocessing",
    "ExpandingWindowSplitter": "evaluation",
    "SlidingWindowSplitter": "evaluation",
    "backtest": "evaluation",
    "backtest_origins": "evaluation",
    "compare": "evaluation",
    "diebold_mariano": "evaluation",
    "ComparisonResult": "evaluation",
    "save": "persistence",
    "load": "persistence",
    "load_airline": "datasets",
    "load_ucr": "datasets",
    "load_sentiment": "datasets",
}

__all__ = sorted(_EXPORTS) + ["__version__"]


def __getattr__(name):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'seqforecast' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value  # cache: the next access is a plain attribute lookup
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
