"""The layout of a model file, shared by the writer and the reader (see :mod:`seqforecast.persistence`)."""

from __future__ import annotations

__all__ = ["BIT_GENERATORS", "FORMAT", "FORMAT_VERSION", "INDEX_DTYPES", "JSON", "NET_ATTRIBUTE", "NET_STATE_KIND"]

#: Version of the model-file layout written by :func:`~seqforecast.save`; :func:`~seqforecast.load` reads this
#: one and older ones. 1: classes named by their module paths; 2: seqforecast's classes named by stable names
#: (``seqforecast.<ClassName>``, see ``_registry.py``), which a reader of format 1 cannot resolve.
FORMAT_VERSION = 2
#: The ``format`` entry of ``model.json``.
FORMAT = "seqforecast-model"
#: The archive member holding the model description.
JSON = "model.json"
#: Dtypes of the pandas indexes stored item by item (numeric indexes are stored as arrays).
INDEX_DTYPES = {"object", "str", "string", "bool"}
#: The numpy bit generators whose state a ``Generator`` is stored with.
BIT_GENERATORS = ("MT19937", "PCG64", "PCG64DXSM", "Philox", "SFC64")

# The net-state protocol. An estimator with the methods ``_get_net_state()`` and
# ``_set_net_state(state, device)`` (the sequence estimators: see ``seqforecast.estimators._base``) keeps a
# trained net in its fitted attribute NET_ATTRIBUTE. The file stores that attribute as a NET_STATE_KIND node
# made from ``_get_net_state()`` (classes by name, tensors as members), and load rebuilds it by calling
# ``_set_net_state`` once the estimator's other fitted attributes are set.
NET_ATTRIBUTE = "net_"
NET_STATE_KIND = "skorch_net"  # named, in format 1, after the skorch net that the state stands for
