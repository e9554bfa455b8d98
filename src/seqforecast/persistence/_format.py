"""The layout of a model file, shared by the writer and the reader (see :mod:`seqforecast.persistence`)."""

from __future__ import annotations

import re

__all__ = [
    "BIT_GENERATORS",
    "FORMAT",
    "FORMAT_VERSION",
    "INDEX_DTYPES",
    "JSON",
    "MEMBER_NAME",
    "NET_ATTRIBUTE",
    "NET_STATE_KIND",
    "PICKLED_TENSORS_UP_TO",
]

#: Version of the model-file layout written by :func:`~seqforecast.save`; :func:`~seqforecast.load` reads this
#: one and older ones. 1: classes named by their module paths; 2: seqforecast's classes named by stable names
#: (``seqforecast.<ClassName>``, see ``_registry.py``), which a reader of format 1 cannot resolve; 3: tensors
#: stored as safetensors (no pickle anywhere in the file) and scikit-learn's classes named by their public
#: paths (``sklearn.linear_model.Ridge``), resolved through the registry like seqforecast's.
FORMAT_VERSION = 3
#: The last format whose tensors are ``torch.save`` pickles (``tensors/<n>.pt``, read with ``weights_only``).
PICKLED_TENSORS_UP_TO = 2
#: The ``format`` entry of ``model.json``.
FORMAT = "seqforecast-model"
#: The archive member holding the model description.
JSON = "model.json"
#: Every member name a model file may hold: the description, numpy arrays, safetensors files, and the
#: ``torch.save`` files of formats 1 and 2. Nothing else (no folders, no ``..``, no absolute paths).
MEMBER_NAME = re.compile(r"model\.json|arrays/[0-9]{1,9}\.npy|tensors/[0-9]{1,9}\.(?:safetensors|pt)")
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
