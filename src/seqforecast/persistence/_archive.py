"""A model file's zip archive, checked before anything in it is read and read within :mod:`._limits`.

:class:`Archive` opens the file only after the end record of the zip says that its directory is small enough,
checks every member the directory lists (name, encryption, compression method, declared sizes, where it lies
in the file), and reads a member into a buffer of its declared size, in chunks, stopping there. Each member is
read once. :func:`parse_json` parses ``model.json`` and refuses nesting deeper than the limit.
"""

from __future__ import annotations

import json
import os
import struct
import zipfile
import zlib
from collections import Counter

from ..exceptions import ModelFileError
from . import _limits
from ._format import JSON, MEMBER_NAME
from ._limits import size

__all__ = ["MODIFIED", "Archive", "Problem", "limit_problem", "parse_json", "unique_keys"]

#: How to fix a file that fails a check: it was not written by seqforecast as it is.
MODIFIED = "The file is not a valid seqforecast model file: it was modified or is corrupt; save the model again."
_OVER_LIMIT = (
    "The file was refused before its contents were read. Load model files only from sources you trust; if you "
    "trust this one, raise seqforecast.persistence._limits.{limit} before calling load."
)
_END = struct.Struct("<4s4H2LH")  # end of central directory: signature, disks, entries, size, offset, comment
_END64_LOCATOR = struct.Struct("<4sLQL")  # signature, disk, offset of the zip64 end record, disks
_END64 = struct.Struct("<4sQ2H2L4Q")  # signature, size, versions, disks, entries (disk, total), size, offset
_ENCRYPTED = 0x1 | 0x40 | 0x2000  # traditional and strong encryption, masked local headers
_LOCAL_HEADER = 30  # bytes of a local file header before its name


class Problem(Exception):
    """A check of the file failed: ``what`` came, and ``fix`` says what to do. The caller names the place."""

    def __init__(self, what, fix=MODIFIED):
        super().__init__(what)
        self.what, self.fix = what, fix


def limit_problem(what, limit):
    """A :class:`Problem` for a value over the limit named ``limit`` in :mod:`._limits`."""
    value = getattr(_limits, limit)
    shown = size(value) if limit.endswith("_BYTES") else f"{value:,}"
    return Problem(f"{what}, over the limit {limit} = {shown}", _OVER_LIMIT.format(limit=limit))


def _declared_directory(handle, file_size):
    """The most entries and directory bytes that the end records of the zip declare (as zipfile finds them:
    the last 22 bytes, else the last signature among the last 64 KiB; a zip64 record before it)."""
    tail_size = min(file_size, _END.size + 0xFFFF)
    handle.seek(file_size - tail_size)
    tail = handle.read(tail_size)
    start = len(tail) - _END.size
    if not (start >= 0 and tail[start : start + 4] == b"PK\x05\x06" and tail[-2:] == b"\0\0"):
        start = tail.rfind(b"PK\x05\x06")
    if start < 0 or start + _END.size > len(tail):
        return 0, 0  # no end record: zipfile refuses the file
    record = _END.unpack_from(tail, start)
    entries, directory = record[4], record[5]
    locator = file_size - tail_size + start - _END64_LOCATOR.size
    if locator >= 0:
        handle.seek(locator)
        data = handle.read(_END64_LOCATOR.size)
        if data[:4] == b"PK\x06\x07":
            offsets = {locator - _END64.size, _END64_LOCATOR.unpack(data)[2]}
            for offset in offsets:  # where zipfile versions look for the zip64 record
                if 0 <= offset <= file_size - _END64.size:
                    handle.seek(offset)
                    data64 = handle.read(_END64.size)
                    if data64[:4] == b"PK\x06\x06":  # its values stand for the 32-bit fields' 0xFF.. markers
                        record64 = _END64.unpack(data64)
                        entries = max(0 if entries == 0xFFFF else entries, record64[7])
                        directory = max(0 if directory == 0xFFFFFFFF else directory, record64[8])
    return entries, directory


class Archive:
    """A model file's zip archive: :meth:`check` its directory and :meth:`check_names`, then :meth:`read`
    each member once.

    Raises :class:`ModelFileError` (``path`` is not a zip archive, or its directory is over the limits) and
    the ``OSError`` of a file that cannot be opened.
    """

    def __init__(self, path):
        self.path, self._read = path, set()
        self._handle = open(path, "rb")  # noqa: SIM115 (closed by close(), on failure below too)
        try:
            self.file_size = os.fstat(self._handle.fileno()).st_size
            entries, directory = _declared_directory(self._handle, self.file_size)
            if directory > _limits.MAX_DIRECTORY_BYTES:
                raise limit_problem(f"its zip directory declares {size(directory)}", "MAX_DIRECTORY_BYTES")
            if entries > _limits.MAX_MEMBERS:
                raise limit_problem(f"its zip directory declares {entries:,} members", "MAX_MEMBERS")
            self._handle.seek(0)
            self.zip = zipfile.ZipFile(self._handle)
            self.infos = self.zip.infolist()
            if len(self.infos) > _limits.MAX_MEMBERS:
                raise limit_problem(f"its zip directory lists {len(self.infos):,} members", "MAX_MEMBERS")
        except Problem as problem:
            self.close()
            raise ModelFileError(f"{path}: {problem.what}. {problem.fix}") from None
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, struct.error) as exc:
            self.close()
            raise ModelFileError(
                f"{path} is not a seqforecast model file, or it is truncated ({exc}); model files are zip "
                "archives written by seqforecast.save."
            ) from None
        self.names = {info.filename for info in self.infos}

    def close(self):
        if getattr(self, "zip", None) is not None:
            self.zip.close()
        self._handle.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def check(self):
        """Check every member the directory lists, before any is read: one member per name, neither encrypted
        nor compressed otherwise than stored or deflated, sizes within the limits, no two members on the same
        bytes; raises :class:`Problem`."""
        for name, count in Counter(info.filename for info in self.infos).items():
            if count > 1:
                raise Problem(f"the archive holds {count} members named {name!r}; a model file names each once")
        for info in self.infos:
            self._check_member(info)
        total = sum(info.file_size for info in self.infos)
        if total > _limits.MAX_TOTAL_BYTES:
            raise limit_problem(f"its members declare {size(total)} in all", "MAX_TOTAL_BYTES")
        allowed = max(_limits.MAX_COMPRESSION_RATIO * self.file_size, _limits.RATIO_FREE_BYTES)
        if total > allowed:
            raise limit_problem(
                f"its members declare {size(total)} in all, {total / max(self.file_size, 1):,.0f} times the "
                f"{size(self.file_size)} of the file",
                "MAX_COMPRESSION_RATIO",
            )
        end = getattr(self.zip, "start_dir", self.file_size)  # the members lie before the directory
        previous = None
        for info in sorted(self.infos, key=lambda info: info.header_offset):
            start = info.header_offset
            stop = start + _LOCAL_HEADER + len(info.filename.encode("utf-8")) + info.compress_size
            if start < 0 or stop > end or (previous is not None and start < previous[1]):
                where = f"overlaps the member {previous[0]!r}" if previous is not None else "lies outside the file"
                raise Problem(f"the member {info.filename!r} {where} (a zip made to inflate the same bytes twice)")
            previous = (info.filename, stop)

    def check_names(self):
        """Check that every member has a name that a model file uses (after the format version is known: a
        newer format may name members otherwise); raises :class:`Problem`."""
        for name in sorted(self.names):
            if not MEMBER_NAME.fullmatch(name):
                raise Problem(
                    f"the archive holds a member named {name!r}; a model file holds only {JSON}, arrays/<n>.npy "
                    "and tensors/<n>.safetensors (tensors/<n>.pt in formats 1 and 2)"
                )

    def _check_member(self, info):
        name = info.filename
        if info.flag_bits & _ENCRYPTED:
            raise Problem(f"the member {name!r} is encrypted; seqforecast writes no encrypted members")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise Problem(
                f"the member {name!r} is compressed with zip method {info.compress_type}; model files use only "
                f"stored ({zipfile.ZIP_STORED}) and deflated ({zipfile.ZIP_DEFLATED}) members"
            )
        limit = "MAX_JSON_BYTES" if name == JSON else "MAX_MEMBER_BYTES"
        if info.file_size > getattr(_limits, limit):
            raise limit_problem(f"the member {name!r} declares {size(info.file_size)}", limit)
        if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
            raise Problem(f"the stored member {name!r} declares {info.file_size} bytes but takes {info.compress_size}")

    def read(self, name):
        """The bytes of member ``name`` (a writable buffer of its declared size); raises :class:`Problem`."""
        if name in self._read:
            raise Problem(f"the model description refers to the member {name!r} twice; each member holds one value")
        if name not in self.names:
            raise Problem(f"the archive has no member {name!r}")
        self._read.add(name)
        info = self.zip.getinfo(name)
        buffer = bytearray(info.file_size)  # within MAX_MEMBER_BYTES, and all members within MAX_TOTAL_BYTES
        done = 0
        try:
            with self.zip.open(info) as stream, memoryview(buffer) as view:
                while done < info.file_size:  # never past the declared size, whatever the stream holds
                    chunk = stream.read(min(_limits.READ_CHUNK_BYTES, info.file_size - done))
                    if not chunk:
                        break
                    view[done : done + len(chunk)] = chunk
                    done += len(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError) as exc:
            raise Problem(f"cannot read the member {name!r} ({type(exc).__name__}: {exc})") from None
        if done < info.file_size:
            raise Problem(f"the member {name!r} holds {done} bytes, but the zip directory declares {info.file_size}")
        return buffer


def unique_keys(pairs):
    """A JSON object from its pairs, refusing a key named twice (JSON readers differ on which one wins)."""
    keys = [key for key, _ in pairs]
    if len(set(keys)) < len(keys):
        twice = sorted({key for key in keys if keys.count(key) > 1})
        raise ValueError(f"an object names the key(s) {twice} twice")
    return dict(pairs)


def _no_constant(name):
    raise ValueError(f"{name} is not JSON (seqforecast writes non-finite floats as float nodes)")


def _depth(doc):
    """The nesting of the lists and dicts of ``doc``, counted without recursion."""
    deepest, stack = 0, [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def parse_json(data):
    """The JSON document in ``data`` (bytes of UTF-8); raises :class:`Problem` for invalid JSON, duplicate keys,
    NaN or Infinity constants, and nesting deeper than MAX_JSON_DEPTH."""
    limit = _limits.MAX_JSON_DEPTH
    try:
        doc = json.loads(bytes(data).decode("utf-8"), parse_constant=_no_constant, object_pairs_hook=unique_keys)
    except RecursionError:  # deeper than the parser's stack: far deeper than the limit
        raise limit_problem("it nests deeper than Python's recursion limit", "MAX_JSON_DEPTH") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise Problem(f"it is not valid JSON ({exc})") from None
    if isinstance(doc, (dict, list)):
        depth = _depth(doc)
        if depth > limit:
            raise limit_problem(f"it nests lists and objects {depth} deep", "MAX_JSON_DEPTH")
    return doc
