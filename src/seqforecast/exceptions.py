"""Exceptions and warnings raised by seqforecast.

Every warning the package emits subclasses :class:`SeqforecastWarning`, so a user can silence or escalate
all of them at once (``warnings.simplefilter("error", SeqforecastWarning)``).
"""

from sklearn.exceptions import NotFittedError

__all__ = [
    "NotFittedError",
    "SeqforecastWarning",
    "FrequencyWarning",
    "ConvergenceWarning",
    "TrainingDivergedError",
    "ModelFileError",
]


class SeqforecastWarning(UserWarning):
    """Base class of every warning emitted by seqforecast."""


class FrequencyWarning(SeqforecastWarning):
    """The frequency of a DatetimeIndex had to be inferred from its values."""


class ConvergenceWarning(SeqforecastWarning):
    """A model's optimiser did not converge (e.g. an ARIMA fit); results may be unreliable."""


class TrainingDivergedError(FloatingPointError):
    """The training loss became NaN or infinite; the estimator keeps its previous fitted state."""


class ModelFileError(ValueError):
    """A model file cannot be loaded: truncated, modified, naming a class that may not be loaded, or written
    in a newer format than this version of seqforecast reads (see :func:`seqforecast.load`)."""
