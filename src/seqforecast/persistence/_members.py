"""The members of a model file that hold numbers: numpy arrays (``.npy``) and tensors (safetensors).

Written with numpy's and safetensors' own writers; read by checking their headers against the member's size
before any array is made (an ``.npy`` member holds exactly the bytes its header declares, a safetensors member
exactly the tensors its header lists, one after the other), then viewing or copying the bytes. Nothing is
unpickled: an ``.npy`` header may not declare objects, and safetensors has no way to. The ``torch.save`` files
of formats 1 and 2 are read with torch's ``weights_only`` loader, only from torch 2.6 on.
"""

from __future__ import annotations

import io
import json
import math
import re

import numpy as np
import torch

from .. import __version__
from . import _limits
from ._archive import Problem, limit_problem, unique_keys

__all__ = ["npy_array", "npy_bytes", "safetensors_bytes", "safetensors_tensors", "torch_pickle"]

_NPY_MAGIC = b"\x93NUMPY"
#: The dtype kinds an array member may hold: bool, integers, floats, complex, str, bytes, datetime, timedelta.
_ARRAY_KINDS = "biufcUSMm"
#: safetensors dtype -> bytes per element (the dtypes torch state dicts use).
_SAFETENSORS_DTYPES = {
    "F64": 8,
    "F32": 4,
    "F16": 2,
    "BF16": 2,
    "I64": 8,
    "I32": 4,
    "I16": 2,
    "I8": 1,
    "U8": 1,
    "BOOL": 1,
}
#: torch's loader for untrusted pickles has no known way to run code from this version on (CVE-2025-32434).
_SAFE_WEIGHTS_ONLY = (2, 6)


def npy_bytes(array):
    """``array`` as the bytes of an ``.npy`` file."""
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def _npy_header(data, name):
    """(shape, fortran_order, dtype, data offset) of the ``.npy`` bytes ``data`` of member ``name``, checked against their size."""
    if bytes(data[:6]) != _NPY_MAGIC or len(data) < 10:
        raise Problem(f"{name!r} is not an .npy array (no numpy header)")
    version = (data[6], data[7])
    if version not in ((1, 0), (2, 0)):
        raise Problem(
            f"{name!r} is an .npy file of version {version[0]}.{version[1]}; numpy writes arrays in 1.0 or 2.0"
        )
    start = 10 if version == (1, 0) else 12
    header = int.from_bytes(data[8:start], "little")
    if start + header > len(data):
        raise Problem(
            f"the .npy header of {name!r} declares {header:,} bytes, but the member ends after {len(data) - start:,}"
        )
    if header > _limits.MAX_NPY_HEADER_BYTES:
        raise limit_problem(f"the .npy header of {name!r} declares {header:,} bytes", "MAX_NPY_HEADER_BYTES")
    stream = io.BytesIO(bytes(data[: start + header]))
    np.lib.format.read_magic(stream)
    read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    try:
        shape, fortran_order, dtype = read(stream, max_header_size=_limits.MAX_NPY_HEADER_BYTES)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError) as exc:
        raise Problem(f"the .npy header of {name!r} cannot be read ({exc})") from None
    if dtype.kind not in _ARRAY_KINDS or dtype.hasobject or dtype.fields is not None or dtype.subdtype is not None:
        raise Problem(
            f"the .npy header of {name!r} declares the dtype {dtype}; model files hold arrays of booleans, numbers, strings, "
            "bytes, dates and durations (no objects, records or sub-arrays)"
        )
    if dtype.itemsize == 0:
        raise Problem(f"the .npy header of {name!r} declares the dtype {dtype}, whose elements take no bytes")
    if any(n < 0 for n in shape):
        raise Problem(f"the .npy header of {name!r} declares the shape {list(shape)}, with a negative length")
    count = math.prod(shape)
    held = len(data) - start - header
    if count * dtype.itemsize != held:
        raise Problem(
            f"the .npy header of {name!r} declares {count:,} values of dtype {dtype.str} (shape {list(shape)}, "
            f"{count * dtype.itemsize:,} bytes), but the member holds {held:,} bytes of data"
        )
    return shape, fortran_order, dtype, start + header


def npy_array(data, name):
    """The array in the ``.npy`` bytes ``data`` of member ``name`` (a bytearray: the array is a writable view of it)."""
    shape, fortran_order, dtype, offset = _npy_header(data, name)
    count = math.prod(shape)
    flat = np.frombuffer(data, dtype=dtype, count=count, offset=offset) if count else np.empty(0, dtype=dtype)
    return flat.reshape(shape[::-1]).transpose() if fortran_order else flat.reshape(shape)


def safetensors_bytes(tensors):
    """The dict of tensors ``tensors`` as the bytes of a safetensors file (CPU copies: no shared storage)."""
    from safetensors.torch import save

    return save(
        {key: tensor.detach().cpu().clone(memory_format=torch.contiguous_format) for key, tensor in tensors.items()}
    )


def _safetensors_header(data, name):
    """Check the safetensors header of ``data``: its size, its tensors (at most MAX_TENSORS, of torch dtypes),
    and that their byte ranges follow one another and fill the member exactly."""
    if len(data) < 8:
        raise Problem(f"{name!r} is not a safetensors file ({len(data)} bytes)")
    length = int.from_bytes(data[:8], "little")
    if 8 + length > len(data):
        raise Problem(
            f"{name!r} is not a safetensors file: its header would take {length:,} bytes, but the member ends "
            f"after {len(data) - 8:,}"
        )
    if length > _limits.MAX_SAFETENSORS_HEADER_BYTES:
        raise limit_problem(
            f"the safetensors header of {name!r} declares {length:,} bytes", "MAX_SAFETENSORS_HEADER_BYTES"
        )
    try:
        header = json.loads(bytes(data[8 : 8 + length]).decode("utf-8"), object_pairs_hook=unique_keys)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise Problem(f"the safetensors header of {name!r} is not valid JSON ({exc})") from None
    if not isinstance(header, dict):
        raise Problem(f"the safetensors header of {name!r} is not a JSON object")
    header.pop("__metadata__", None)
    if len(header) > _limits.MAX_TENSORS:
        raise limit_problem(f"{name!r} holds {len(header):,} tensors", "MAX_TENSORS")
    entries = []
    for key, entry in header.items():
        ok = isinstance(entry, dict) and set(entry) == {"dtype", "shape", "data_offsets"}
        shape, offsets = (entry.get("shape"), entry.get("data_offsets")) if ok else (None, None)
        ok = (
            ok
            and entry["dtype"] in _SAFETENSORS_DTYPES
            and isinstance(shape, list)
            and all(type(n) is int and n >= 0 for n in shape)
            and isinstance(offsets, list)
            and len(offsets) == 2
            and all(type(n) is int for n in offsets)
        )
        if not ok:
            raise Problem(f"the safetensors header of {name!r} describes the tensor {key!r} as {entry!r}")
        entries.append((offsets[0], offsets[1], key, math.prod(shape) * _SAFETENSORS_DTYPES[entry["dtype"]]))
    end = 0
    for begin, stop, key, nbytes in sorted(entries):
        if begin != end or stop - begin != nbytes:
            raise Problem(
                f"the safetensors header of {name!r} places the tensor {key!r} at bytes {begin} to {stop}, where "
                f"{end} to {end + nbytes} was expected"
            )
        end = stop
    if end != len(data) - 8 - length:
        raise Problem(
            f"the safetensors header of {name!r} describes {end} bytes of tensors, but the member holds {len(data) - 8 - length}"
        )


def safetensors_tensors(data, name):
    """The dict of tensors in the safetensors bytes ``data`` of member ``name`` (on the CPU)."""
    _safetensors_header(data, name)
    from safetensors import SafetensorError
    from safetensors.torch import load

    try:
        return load(bytes(data))
    except (SafetensorError, ValueError, RuntimeError) as exc:
        raise Problem(f"the tensors in {name!r} cannot be read ({type(exc).__name__}: {exc})") from None


def torch_pickle(data, name):
    """What the ``torch.save`` member ``name`` of formats 1 and 2 holds, read with torch's ``weights_only`` loader (on
    the CPU): tensors and dicts of them, and no other object."""
    found = tuple(int(n) for n in re.findall(r"\d+", torch.__version__)[:2])
    if found < _SAFE_WEIGHTS_ONLY:
        raise Problem(
            f"{name!r} holds tensors pickled by torch.save (model-file formats 1 and 2), which torch {torch.__version__} "
            "cannot read safely",
            f"Upgrade torch to 2.6 or later to load it, or load it where torch is newer and save it again with "
            f"seqforecast {__version__} (which stores tensors as safetensors).",
        )
    try:
        return torch.load(io.BytesIO(data), weights_only=True, map_location="cpu")
    except Exception as exc:  # noqa: BLE001 (weights_only's refusals and corrupt data raise many types)
        raise Problem(f"cannot read the tensors in {name!r} ({type(exc).__name__}: {exc})") from None
