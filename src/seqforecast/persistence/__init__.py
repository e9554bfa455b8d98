"""Model files that never unpickle: :func:`save` and :func:`load`."""

from ._format import FORMAT_VERSION, load, save

__all__ = ["save", "load", "FORMAT_VERSION"]
