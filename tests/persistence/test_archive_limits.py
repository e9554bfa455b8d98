"""Model files made to exhaust memory or time, or to be read two ways: load refuses them from the zip
directory and the members' headers, quickly and without allocating what they declare."""

import time
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import save as save_tensors

from seqforecast.exceptions import ModelFileError
from seqforecast.persistence import _limits, load, save
from seqforecast.preprocessing import SlidingWindowTransformer

from ._files import contents, copy, description, net_node, patch_entry, rewrite, write

MiB = 1 << 20


@pytest.fixture
def saved(models, tmp_path):
    return copy(models["forecaster"][1], tmp_path)


def _array(path):
    return description(path)["model"]["state"]["scale_"]["file"]  # a member that load reads


@pytest.fixture(scope="module")
def zeros_bomb(models, tmp_path_factory):
    """The forecaster's file with its array member replaced by 96 MiB of zeros, deflated to about 0.4 MiB."""
    path = copy(models["forecaster"][1], tmp_path_factory.mktemp("bomb"), "bomb.zip")
    found, member = contents(path), _array(path)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in found.items():
            if name != member:
                archive.writestr(name, data)
        with archive.open(member, "w") as stream:
            for _ in range(96):
                stream.write(bytes(MiB))
    return path, member


def _refused_quickly(path, *fragments, peak=8 * MiB):
    """Load ``path``: refused in well under a second, allocating under ``peak`` bytes (tracked by tracemalloc:
    Python objects and numpy arrays), with a message holding every fragment."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        with pytest.raises(ModelFileError) as info:
            load(path)
        elapsed = time.perf_counter() - start
        _, used = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    for fragment in fragments:
        if fragment not in str(info.value):
            pytest.fail(f"{fragment!r} is not in the message: {info.value}")
    assert elapsed < 1.0, elapsed
    assert used < peak, used
    return str(info.value)


# ---------------------------------------------------------------------------- bombs
def test_a_deflated_stream_of_zeros_is_refused_from_the_directory(zeros_bomb, tmp_path):
    path, member = zeros_bomb
    assert path.stat().st_size < 2 * MiB
    _refused_quickly(
        path,
        "its members declare 96.0 MiB in all, ",
        f"times the {path.stat().st_size:,} bytes of the file, over the limit MAX_COMPRESSION_RATIO = 100",
        "Load model files only from sources you trust; if you trust this one, raise "
        "seqforecast.persistence._limits.MAX_COMPRESSION_RATIO before calling load.",
    )


def test_a_directory_that_understates_a_member_does_not_make_load_read_more(zeros_bomb, tmp_path):
    path, member = zeros_bomb
    path = copy(path, tmp_path)
    patch_entry(path, member, usize=MiB)  # the directory says 1 MiB; the stream inflates to 96 MiB
    _refused_quickly(path, f"cannot read the member {member!r} (BadZipFile: Bad CRC-32", peak=4 * MiB)


@pytest.mark.parametrize(
    "member, declared, message",
    [
        (
            "model.json",
            int(3.5 * 2**30),
            "the member 'model.json' declares 3.5 GiB, over the limit MAX_JSON_BYTES = 64 MiB",
        ),
        ("array", 2**32 - 1, "declares 4.0 GiB, over the limit MAX_MEMBER_BYTES = 2 GiB"),
        ("array", int(1.75 * 2**30), "its members declare 1.8 GiB in all, "),  # a 3 KiB file: the ratio
    ],
)
def test_members_that_declare_more_than_the_limits_are_refused(saved, member, declared, message):
    member = _array(saved) if member == "array" else member
    patch_entry(saved, member, usize=declared)
    _refused_quickly(saved, message)


def test_all_members_together_are_limited(saved, monkeypatch):
    monkeypatch.setattr(_limits, "MAX_TOTAL_BYTES", 1000)
    _refused_quickly(saved, "in all, over the limit MAX_TOTAL_BYTES = 1,000 bytes")


@pytest.mark.parametrize("depth", [101, 900, 100_000])
def test_json_nested_too_deep_is_refused(saved, depth):
    rewrite(saved, members={"model.json": ("[" * depth + "]" * depth).encode()})
    _refused_quickly(saved, "over the limit MAX_JSON_DEPTH = 100", "(at model.json)")


def test_json_nested_as_deep_as_the_limit_is_read(saved):
    rewrite(saved, members={"model.json": ("[" * 100 + "]" * 100).encode()})
    _refused_quickly(saved, "format None version None, expected 'seqforecast-model'")  # parsed, then refused


def test_an_npy_header_declaring_a_terabyte_allocates_nothing(saved):
    header = b"{'descr': '<f8', 'fortran_order': False, 'shape': (137438953472,), }"
    header += b" " * (-(10 + len(header) + 1) % 64) + b"\n"
    data = b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header + bytes(8)
    rewrite(saved, members={_array(saved): data})
    _refused_quickly(saved, "declares 137,438,953,472 values of dtype <f8", "but the member holds 8 bytes of data")


def _safetensors(header, data=b""):
    return len(header).to_bytes(8, "little") + header + data


@pytest.mark.parametrize(
    "data, message",
    [
        ((2**60).to_bytes(8, "little") + b"{}", "is not a safetensors file: its header would take"),
        ((2 * MiB).to_bytes(8, "little") + b" " * (2 * MiB), "over the limit MAX_SAFETENSORS_HEADER_BYTES = 1 MiB"),
        (
            save_tensors({f"t{i}": torch.zeros(0) for i in range(1025)}),
            "holds 1,025 tensors, over the limit MAX_TENSORS",
        ),
        (_safetensors(b'{"a": {"dtype": "F32"}}'), "describes the tensor 'a' as {'dtype': 'F32'}"),
        (
            save_tensors({"a": torch.zeros(2)})[:-4],
            "describes 8 bytes of tensors, but the member holds 4",
        ),
        (
            _safetensors(b'{"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 8]}}', bytes(8)),
            "places the tensor 'a' at bytes 0 to 8, where 0 to 16 was expected",
        ),
        (_safetensors(b'{"a": {"dtype": "F32", "shape": [1], "data_offsets": [0,4]},', bytes(4)), "not valid JSON"),
        (_safetensors(b'{"a": {"dtype": "OBJ", "shape": [], "data_offsets": [0, 0]}}'), "as {'dtype': 'OBJ'"),
        (_safetensors(b'{"a": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 0]}}'), "'shape': [-1]"),
        (_safetensors(b"[]"), "is not a JSON object"),
    ],
)
def test_safetensors_headers_are_checked_before_any_tensor_is_made(saved, data, message):
    rewrite(saved, members={net_node(description(saved))["module_state"]: data})
    _refused_quickly(saved, message, "(at model.estimator_.net_)")


@pytest.mark.parametrize(
    "limit, value, message",
    [("MAX_MEMBERS", 5, "its zip directory declares 6 members"), ("MAX_DIRECTORY_BYTES", 100, "directory declares")],
)
def test_the_directory_is_limited_before_it_is_read(saved, monkeypatch, limit, value, message):
    monkeypatch.setattr(_limits, limit, value)
    _refused_quickly(saved, message, f"over the limit {limit} = ")


def test_constant_arrays_in_a_small_file_load(tmp_path):
    model = SlidingWindowTransformer(3).fit(np.zeros(10))
    model.big_ = np.zeros(4 * MiB // 8)  # deflates 1,000 times: allowed below RATIO_FREE_BYTES
    save(model, tmp_path / "m.zip")
    assert (tmp_path / "m.zip").stat().st_size < 64 * 1024
    np.testing.assert_array_equal(load(tmp_path / "m.zip").big_, model.big_)


# ---------------------------------------------------------------------------- zip structure
def _recompressed(method):
    def apply(path):
        write(path, contents(path), compression=method)

    return apply


@pytest.mark.parametrize(
    "edit, message",
    [
        (_recompressed(zipfile.ZIP_BZIP2), "is compressed with zip method 12; model files use only stored (0)"),
        (_recompressed(zipfile.ZIP_LZMA), "is compressed with zip method 14"),
        (
            lambda path: patch_entry(path, "model.json", method=99),
            "the member 'model.json' is compressed with zip method 99",
        ),
        (lambda path: patch_entry(path, "model.json", flags=0x1), "the member 'model.json' is encrypted"),
        (lambda path: patch_entry(path, _array(path), flags=0x41), "is encrypted; seqforecast writes no encrypted"),
    ],
)
def test_encrypted_members_and_other_compression_methods_are_refused(saved, edit, message):
    edit(saved)
    _refused_quickly(saved, message)


def test_duplicate_member_names_are_refused(saved):
    found = contents(saved)
    for name in ("model.json", _array(saved)):
        with pytest.warns(UserWarning, match="Duplicate name"):
            write(saved, [*found.items(), (name, found[name])])
        _refused_quickly(saved, f"the archive holds 2 members named {name!r}; a model file names each once")


@pytest.mark.parametrize(
    "name",
    [
        "../model.json",
        "/etc/passwd",
        "arrays/../../evil.npy",
        "arrays/0.npy/../../../evil",
        "arrays\\0.npy",
        "C:/evil.npy",
        "tensors/0.pkl",
        "readme.txt",
        "arrays/",
        "ARRAYS/1.npy",
        "arrays/1234567890.npy",
    ],
)
def test_members_with_other_names_are_refused(saved, name):
    write(saved, [*contents(saved).items(), (name, b"x")])
    _refused_quickly(saved, f"the archive holds a member named {name!r}; a model file holds only model.json")


def test_members_on_the_same_bytes_are_refused(saved):
    with zipfile.ZipFile(saved) as archive:
        offset = archive.getinfo("model.json").header_offset
    patch_entry(saved, _array(saved), offset=offset)
    _refused_quickly(saved, "overlaps the member")


@pytest.mark.parametrize("cut", [lambda n: n // 2, lambda n: n - 1, lambda n: n - 30, lambda n: 100, lambda n: 0])
def test_truncated_files_are_refused(saved, cut):
    data = saved.read_bytes()
    saved.write_bytes(data[: cut(len(data))])
    _refused_quickly(saved, "is not a seqforecast model file, or it is truncated")


def test_a_member_whose_data_runs_past_the_file_is_refused(saved):
    member = _array(saved)
    with zipfile.ZipFile(saved) as archive:
        info = archive.getinfo(member)
    patch_entry(saved, member, csize=info.compress_size + 10_000)
    _refused_quickly(saved, f"the member {member!r}")


def test_a_stored_member_whose_sizes_disagree_is_refused(saved):
    write(saved, contents(saved), compression=zipfile.ZIP_STORED)
    member = _array(saved)
    with zipfile.ZipFile(saved) as archive:
        size = archive.getinfo(member).file_size
    patch_entry(saved, member, usize=size + 8)
    _refused_quickly(saved, f"the stored member {member!r} declares {size + 8} bytes but takes {size}")


@pytest.mark.parametrize(
    "text, message",
    [
        (b'{"format": NaN}', "it is not valid JSON (NaN is not JSON"),
        (b'{"format": Infinity}', "Infinity is not JSON"),
        (b'{"model": 1, "model": 2}', "an object names the key(s) ['model'] twice"),
        (b'{"model": "\xff"}', "it is not valid JSON ('utf-8' codec can't decode"),
        (b"[1, 2]", "format None version None, expected 'seqforecast-model' and a version >= 1"),
        (b'{"format": "seqforecast-model", "format_version": 3}', "format None version None"),  # no model
        (b'{"format": "seqforecast-model", "format_version": true, "model": 1}', "version True, expected"),
    ],
)
def test_model_json_that_json_readers_could_read_two_ways_is_refused(saved, text, message):
    rewrite(saved, members={"model.json": text})
    _refused_quickly(saved, message, "(at model.json)")


def test_json_of_the_right_size_is_read_and_a_larger_one_is_refused(saved, monkeypatch):
    size = len(contents(saved)["model.json"])
    monkeypatch.setattr(_limits, "MAX_JSON_BYTES", size)
    load(saved)
    monkeypatch.setattr(_limits, "MAX_JSON_BYTES", size - 1)
    _refused_quickly(saved, f"the member 'model.json' declares {size:,} bytes, over the limit MAX_JSON_BYTES")


def test_the_limits_are_documented_module_constants():
    lines = Path(_limits.__file__).read_text().splitlines()
    names = [name for name in _limits.__all__ if name.isupper()]
    assert len(names) == 12
    for name in names:
        line = next(i for i, text in enumerate(lines) if text.startswith(f"{name} = "))
        assert lines[line - 1].startswith("#: "), name
