"""The limits that :func:`~seqforecast.load` applies to a model file before it reads the file's contents.

A model file may come from someone else, and may be made to exhaust memory or time: a small archive that
inflates to gigabytes, an array header declaring more values than the file holds, JSON nested until the
parser's stack runs out. Every limit below is checked against what the zip directory, the ``.npy`` headers
and the safetensors headers declare, before the bytes behind them are read; members are then read in chunks
of :data:`READ_CHUNK_BYTES` and reading stops at the declared size, so a directory that understates a
member's size does not make load allocate more than it declared.

Each limit is far above what :func:`~seqforecast.save` writes for any model: a model file holds one member
per array (a DataFrame: one per column) and one or two per net, and a description of a few kilobytes per
estimator. A refusal names the limit it hit. The limits are module constants, read at each call: a caller
who trusts a file that exceeds one can raise it (``seqforecast.persistence._limits.MAX_TOTAL_BYTES = ...``)
before calling ``load``.
"""

from __future__ import annotations

__all__ = [
    "MAX_COMPRESSION_RATIO",
    "MAX_DIRECTORY_BYTES",
    "MAX_JSON_BYTES",
    "MAX_JSON_DEPTH",
    "MAX_MEMBERS",
    "MAX_MEMBER_BYTES",
    "MAX_NPY_HEADER_BYTES",
    "MAX_SAFETENSORS_HEADER_BYTES",
    "MAX_TENSORS",
    "MAX_TOTAL_BYTES",
    "RATIO_FREE_BYTES",
    "READ_CHUNK_BYTES",
    "size",
]

MiB = 1 << 20
GiB = 1 << 30

#: Members in the archive. A global model over the 48,000 series of M4 Monthly stores about 50,000 (one array
#: per column of its training frame).
MAX_MEMBERS = 1 << 16
#: Bytes of the zip's central directory, which the zip reader reads whole before anything else (46 bytes and
#: the name per member; a few hundred bytes of Python objects per member once read, about a second for the
#: most members this allows).
MAX_DIRECTORY_BYTES = 6 * MiB
#: Uncompressed bytes of one member (an array, or the weights of one net: 500 million float32 weights).
MAX_MEMBER_BYTES = 2 * GiB
#: Uncompressed bytes of all the members together.
MAX_TOTAL_BYTES = 8 * GiB
#: How many times the size of the file its members may inflate to, together. Weights and data compress
#: 1 to 10 times; deflate reaches 1,000 on constant bytes, which is what a zip bomb holds.
MAX_COMPRESSION_RATIO = 100
#: Uncompressed bytes that are allowed whatever the ratio (a small file of constant arrays).
RATIO_FREE_BYTES = 64 * MiB
#: Bytes of ``model.json`` (seqforecast writes a few kilobytes per estimator).
MAX_JSON_BYTES = 64 * MiB
#: Nesting of the arrays and objects of ``model.json``. seqforecast's deepest models (ensembles of
#: forecasters over pipelines) nest about 20 deep.
MAX_JSON_DEPTH = 100
#: Bytes of the header of an ``.npy`` member (numpy's own limit in ``np.load``). The data after the header
#: must be exactly as long as the header's shape and dtype say: no array has more elements than its member
#: has bytes.
MAX_NPY_HEADER_BYTES = 10_000
#: Bytes of the JSON header of a safetensors member (a net's header takes about 100 bytes per tensor).
MAX_SAFETENSORS_HEADER_BYTES = 1 * MiB
#: Tensors in one safetensors member: a net's state dict (a RecurrentNet of 8 bidirectional LSTM layers with a
#: convolutional branch has under 100). It also bounds the work of building the net that the weights are
#: checked against.
MAX_TENSORS = 1024
#: Bytes read from a member at a time.
READ_CHUNK_BYTES = 1 * MiB


def size(n):
    """``n`` bytes in words: ``"10,000 bytes"`` below a MiB, ``"64 MiB"``, ``"3.5 GiB"`` above."""
    if n < MiB:
        return f"{n:,} bytes"
    unit, factor = ("GiB", GiB) if n >= GiB else ("MiB", MiB)
    return f"{n / factor:,.0f} {unit}" if n % factor == 0 else f"{n / factor:,.1f} {unit}"
