"""Seasonal ARIMA: :class:`ARIMAForecaster`, and the kernel behind it (numpy arrays of one series).

Two entry points of the kernel, both returning an :class:`ARIMAFit`:

* :func:`fit_arima` (``_fit.py``) fits one given order ``(p, d, q)(P, D, Q, s)``, optionally with a constant
  and with exogenous regressors (regression with SARIMA errors);
* :func:`auto_arima` (``_search.py``) chooses the order by the stepwise search of Hyndman & Khandakar
  (J. Stat. Softw. 27(3), 2008), as R's ``forecast::auto.arima``, with the conditional-sum-of-squares
  estimator of ``_css.py`` inside the search and the differencing tests of ``_differencing.py``
  (:func:`ndiffs`, :func:`nsdiffs`, :func:`seasonal_strength`).
"""

from ._differencing import ndiffs, nsdiffs, seasonal_strength
from ._fit import ARIMAFit, fit_arima
from ._search import auto_arima
from .forecaster import ARIMAForecaster

__all__ = ["ARIMAForecaster", "ARIMAFit", "auto_arima", "fit_arima", "ndiffs", "nsdiffs", "seasonal_strength"]
