"""seqforecast: recurrent neural nets for forecasting and sequence classification, the scikit-learn way."""

__version__ = "0.1.0"
