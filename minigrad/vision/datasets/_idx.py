"""Read IDX files, the format of MNIST and its relatives (gzip-compressed or not).

Layout (all integers big-endian)::

    bytes 0-1   0x00 0x00                magic: two zero bytes
    byte  2     dtype code               0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
                                         0x0D float32, 0x0E float64
    byte  3     ndim                     number of dimensions (at least 1)
    then        ndim x uint32            the size of each dimension
    then        prod(dims) x dtype       the values, row-major

Every structural problem (not IDX, unknown dtype, truncated header or payload, trailing bytes,
broken gzip stream) raises ``ValueError`` naming the file, so a bad download is easy to spot.
"""
from __future__ import annotations

import gzip
import os
import zlib

import numpy as np

_DTYPES = {0x08: np.dtype(np.uint8), 0x09: np.dtype(np.int8), 0x0B: np.dtype(">i2"),
           0x0C: np.dtype(">i4"), 0x0D: np.dtype(">f4"), 0x0E: np.dtype(">f8")}
_GZIP_MAGIC = b"\x1f\x8b"


def _read_bytes(path: str) -> bytearray:
    """The file's (decompressed) bytes; gzip is recognised by its magic bytes, not the name."""
    with open(path, "rb") as file:
        raw = file.read()
    if not raw.startswith(_GZIP_MAGIC):
        return bytearray(raw)
    try:
        return bytearray(gzip.decompress(raw))
    except (OSError, EOFError, zlib.error) as error:
        raise ValueError(f"{path}: corrupt or truncated gzip data ({error})") from None


def parse_idx(data: bytes | bytearray, name: str = "<bytes>") -> np.ndarray:
    """The array stored in IDX ``data`` (native byte order; shares ``data``'s memory when it is a
    bytearray of uint8 values). ``name`` labels error messages."""
    if len(data) < 4:
        raise ValueError(f"{name}: not an IDX file: {len(data)} bytes, shorter than the 4-byte magic number")
    if data[0] != 0 or data[1] != 0:
        magic = int.from_bytes(data[:4], "big")
        raise ValueError(f"{name}: not an IDX file: magic number 0x{magic:08X} does not start with two zero bytes")
    code, ndim = data[2], data[3]
    if code not in _DTYPES:
        raise ValueError(f"{name}: unknown IDX dtype code 0x{code:02X} (expected one of "
                         + ", ".join(f"0x{c:02X}" for c in _DTYPES) + ")")
    if ndim == 0:
        raise ValueError(f"{name}: IDX header declares 0 dimensions")
    header_size = 4 + 4 * ndim
    if len(data) < header_size:
        raise ValueError(f"{name}: truncated IDX header: {ndim} dimensions need {header_size} bytes, "
                         f"the file has {len(data)}")
    shape = tuple(int(d) for d in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    dtype = _DTYPES[code]
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    found = len(data) - header_size
    if found != expected:
        problem = "truncated" if found < expected else "has trailing bytes"
        raise ValueError(f"{name}: IDX payload {problem}: shape {shape} of {dtype.name} needs {expected} bytes "
                         f"after the header, found {found}")
    array = np.frombuffer(data, dtype=dtype, offset=header_size).reshape(shape)
    return array if dtype.isnative or dtype.itemsize == 1 else array.astype(dtype.newbyteorder("="))


def read_idx(path: str | os.PathLike, ndim: int | None = None) -> np.ndarray:
    """Read the IDX file at ``path`` (plain or gzip); with ``ndim``, insist on that many dimensions
    (MNIST: images 3, labels 1)."""
    path = os.fspath(path)
    array = parse_idx(_read_bytes(path), path)
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{path}: expected a {ndim}-dimensional IDX array, found shape {array.shape}")
    return array
