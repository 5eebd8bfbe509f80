"""IDX reader: every dtype, plain and gzip, and clear errors for corrupt files."""
import gzip

import numpy as np
import pytest

from minigrad.vision.datasets._idx import parse_idx, read_idx


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
@pytest.mark.parametrize("compress", [False, True])
def test_round_trip(tmp_path, idx, dtype, compress):
    array = (np.arange(24).reshape(2, 3, 4) * 37 - 300).astype(dtype)
    path = idx.write(tmp_path / "data-idx3", idx.bytes(array), compress)
    read = read_idx(path)
    assert read.dtype == np.dtype(dtype) and read.dtype.isnative
    np.testing.assert_array_equal(read, array)


def test_big_endian_values_by_hand():
    # int16 1 x 2: 0x0102 = 258 and 0xFFFE = -2, stored big-endian.
    data = bytes([0, 0, 0x0B, 1, 0, 0, 0, 2, 0x01, 0x02, 0xFF, 0xFE])
    np.testing.assert_array_equal(parse_idx(data), [258, -2])


def test_uint8_result_is_writable_and_needs_no_copy(tmp_path, idx):
    path = idx.write(tmp_path / "labels-idx1", idx.bytes(np.arange(5, dtype=np.uint8)))
    labels = read_idx(path, ndim=1)
    labels[0] = 9
    assert labels.flags.writeable and labels[0] == 9


def test_gzip_detected_by_content_not_name(tmp_path, idx):
    path = tmp_path / "no-suffix"
    path.write_bytes(gzip.compress(idx.bytes(np.arange(3, dtype=np.uint8))))
    assert read_idx(path).tolist() == [0, 1, 2]


GOOD = bytes([0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3]) + bytes(range(6))


@pytest.mark.parametrize("data, message", [
    (b"\x00\x00", "shorter than the 4-byte magic number"),
    (b"\x1f\x8c" + GOOD[2:], r"magic number 0x1F8C0802 does not start with two zero bytes"),
    (GOOD[:2] + b"\x0a" + GOOD[3:], "unknown IDX dtype code 0x0A"),
    (GOOD[:3] + b"\x00", "declares 0 dimensions"),
    (GOOD[:9], "truncated IDX header: 2 dimensions need 12 bytes, the file has 9"),
    (GOOD[:-1], r"payload truncated: shape \(2, 3\) of uint8 needs 6 bytes after the header, found 5"),
    (GOOD + b"\x00", "payload has trailing bytes"),
    (GOOD[:3] + b"\x03" + GOOD[4:], "truncated|payload"),  # a third dim eats the payload
])
def test_corrupt_files_fail_with_the_file_name(tmp_path, idx, data, message):
    path = idx.write(tmp_path / "broken-idx", data)
    with pytest.raises(ValueError, match=message) as error:
        read_idx(path)
    assert str(path) in str(error.value)


def test_wrong_number_of_dimensions(tmp_path, idx):
    path = idx.write(tmp_path / "images-idx3", GOOD)
    with pytest.raises(ValueError, match=r"expected a 3-dimensional IDX array, found shape \(2, 3\)") as error:
        read_idx(path, ndim=3)
    assert str(path) in str(error.value)


def test_truncated_gzip_fails_with_the_file_name(tmp_path):
    path = tmp_path / "t10k-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(GOOD * 50)[:-20])
    with pytest.raises(ValueError, match="corrupt or truncated gzip data") as error:
        read_idx(path)
    assert str(path) in str(error.value)
