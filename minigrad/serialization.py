"""``minigrad.save`` / ``minigrad.load``: state dicts on disk, in a safe format (no pickle).

A file holds::

    MAGIC (10 bytes) | header length (8 bytes, little-endian) | header (UTF-8 JSON) | tensor data

The header describes the saved object as a tree: numbers, strings, bools and None are JSON values;
containers are objects ``{"list": [...]}``, ``{"tuple": [...]}``, ``{"dict": [[key, value], ...],
"kind": "OrderedDict"}`` (keys keep their type, so optimizer state keyed by int round-trips);
a tensor is ``{"tensor": i}``, an index into the header's ``"tensors"`` table, which gives each
tensor's dtype (little-endian), shape, ``requires_grad`` and the offset of its bytes in the data
section (64-byte aligned). Loading builds only these types, so a file cannot run code, unlike a
pickle-based ``torch.save`` file. A tensor saved twice in one object is stored once and loads as
one tensor; views of one storage are stored separately.
"""
from __future__ import annotations

import json
import os
import secrets
import struct
from collections import Counter, OrderedDict
from typing import IO, Any, Callable, Union

import numpy as np

from . import _cuda_backend, _dtype
from ._device import as_device, device
from ._tensor import Size, Tensor

__all__ = ["save", "load"]

FileLike = Union[str, os.PathLike, IO[bytes]]
MapLocation = Union[None, str, device, dict, Callable[[Tensor, str], Any]]

MAGIC = b"\x93MINIGRAD\x01"  # the last byte is the format version
_LENGTH = struct.Struct("<Q")
_ALIGNMENT = 64
_CONTAINERS = {list: "list", tuple: "tuple", Size: "Size"}
_MAPPINGS = {dict: "dict", OrderedDict: "OrderedDict", Counter: "Counter"}
_SCALARS = (bool, int, float, str, type(None))


def save(obj: Any, f: FileLike) -> None:
    """Save ``obj`` — nested dicts (incl. OrderedDict), lists and tuples of tensors, Python numbers,
    strings, bools and None, such as a module's or an optimizer's ``state_dict()`` — to ``f``.

    ``f`` is a path (written atomically: a temporary file in the same folder replaces it once
    complete) or a binary file object open for writing. Raises TypeError naming any object of
    another type, and where it is.
    """
    encoder = _Encoder()
    root = encoder.encode(obj, "obj")
    header = json.dumps({"root": root, "tensors": encoder.specs}, separators=(",", ":")).encode()
    if not isinstance(f, (str, os.PathLike)):
        _write(f, header, encoder.arrays)
        return
    path = os.fspath(f)
    folder = os.path.dirname(path)
    if folder and not os.path.isdir(folder):
        raise RuntimeError(f"Parent directory {folder} does not exist.")
    temporary = os.path.join(os.path.dirname(path), f".{os.path.basename(path)}.{secrets.token_hex(4)}.tmp")
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # mode honours umask
        with os.fdopen(descriptor, "wb") as file:
            _write(file, header, encoder.arrays)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise


def load(f: FileLike, map_location: MapLocation = None, *, weights_only: bool = True) -> Any:
    """Load an object written by :func:`save`; tensors come back as minigrad tensors.

    Args:
        f: a path or a binary file object open for reading.
        map_location: where tensors go: None (where they were saved), a device or device
            string, a dict mapping saved locations to new ones (``{'cuda:0': 'cpu'}``), or a
            function ``(tensor, saved_location) -> tensor``.
        weights_only: accepted for PyTorch compatibility. The format holds only data (never
            code), so loading is always as safe as PyTorch's ``weights_only=True``.

    Raises RuntimeError, naming the file, when it is not a minigrad file (e.g. a PyTorch ``.pt``
    file or a text file), is truncated, or is corrupt.
    """
    if isinstance(f, (str, os.PathLike)):
        with open(f, "rb") as file:
            return _read(file, os.fspath(f), map_location)
    return _read(f, getattr(f, "name", repr(f)), map_location)


# ---- writing ---------------------------------------------------------------------------------------
class _Encoder:
    """Turns an object into the header's JSON tree, collecting tensors' arrays on the way."""

    def __init__(self):
        self.specs: list[dict[str, Any]] = []
        self.arrays: list[np.ndarray] = []
        self._index_of: dict[int, int] = {}
        self._offset = 0

    def encode(self, obj: Any, where: str) -> Any:
        if isinstance(obj, _SCALARS):
            return obj
        if isinstance(obj, (np.bool_, np.integer, np.floating)):
            return obj.item()
        if isinstance(obj, Tensor):
            return {"tensor": self._add_tensor(obj)}
        kind = type(obj)
        if kind in _MAPPINGS:
            items = [[self.encode(key, f"{where} (a key)"), self.encode(value, f"{where}[{key!r}]")]
                     for key, value in obj.items()]
            return {"dict": items, "kind": _MAPPINGS[kind]}
        if kind in _CONTAINERS:
            return {_CONTAINERS[kind]: [self.encode(item, f"{where}[{i}]") for i, item in enumerate(obj)]}
        raise TypeError(
            f"minigrad.save cannot store an object of type {kind.__module__}.{kind.__qualname__} (at {where}): "
            "it stores tensors, Python numbers, strings, bools, None, and dicts, lists and tuples of them"
        )

    def _add_tensor(self, tensor: Tensor) -> int:
        if id(tensor) in self._index_of:
            return self._index_of[id(tensor)]
        array = np.asarray(tensor._host_data(), dtype=tensor._data.dtype.newbyteorder("<"), order="C")
        self._offset += -self._offset % _ALIGNMENT
        self.specs.append({"dtype": array.dtype.str, "shape": list(array.shape), "offset": self._offset,
                           "requires_grad": tensor.requires_grad, "device": str(tensor.device)})
        self.arrays.append(array)
        self._offset += array.nbytes
        self._index_of[id(tensor)] = len(self.specs) - 1
        return len(self.specs) - 1


def _write(file: IO[bytes], header: bytes, arrays: list[np.ndarray]) -> None:
    file.write(MAGIC)
    file.write(_LENGTH.pack(len(header)))
    file.write(header)
    written = 0
    for array in arrays:
        padding = -written % _ALIGNMENT
        file.write(bytes(padding))
        file.write(_bytes_of(array))
        written += padding + array.nbytes


def _bytes_of(array: np.ndarray) -> memoryview:
    """A flat byte view of a C-contiguous array (0-d arrays included), for reading and writing."""
    return memoryview(array.reshape(-1).view(np.uint8))


# ---- reading ---------------------------------------------------------------------------------------
def _read(file: IO[bytes], name: str, map_location: MapLocation) -> Any:
    start = file.read(len(MAGIC))
    if not isinstance(start, bytes):
        raise TypeError(f"minigrad.load: {name!r} must be opened in binary mode ('rb'), not text mode")
    if start != MAGIC:
        raise RuntimeError(f"minigrad.load: {name!r} is not a file written by minigrad.save: {_describe(start)}")
    length_bytes = file.read(_LENGTH.size)
    if len(length_bytes) < _LENGTH.size:
        raise RuntimeError(f"minigrad.load: {name!r} is truncated: it ends inside the header")
    (length,) = _LENGTH.unpack(length_bytes)
    header_bytes = file.read(length)
    if len(header_bytes) < length:
        raise RuntimeError(
            f"minigrad.load: {name!r} is truncated: the header needs {length} bytes, found {len(header_bytes)}"
        )
    try:
        header = json.loads(header_bytes)
        arrays = _read_arrays(file, name, header["tensors"])
        tensors = [_place(Tensor._from_storage(array), spec, map_location)
                   for array, spec in zip(arrays, header["tensors"])]
        return _Decoder(tensors).decode(header["root"])
    except (ValueError, KeyError, TypeError, IndexError) as error:
        raise RuntimeError(f"minigrad.load: {name!r} is corrupt: {type(error).__name__}: {error}") from None


def _read_arrays(file: IO[bytes], name: str, specs: list[dict[str, Any]]) -> list[np.ndarray]:
    arrays = []
    position = 0
    for spec in specs:
        _read_into(file, name, memoryview(bytearray(spec["offset"] - position)))  # alignment padding
        saved_dtype = np.dtype(spec["dtype"])
        _dtype.from_numpy_dtype(saved_dtype.newbyteorder("="))  # rejects dtypes tensors cannot have
        array = np.empty(spec["shape"], dtype=saved_dtype)
        _read_into(file, name, _bytes_of(array))
        position = spec["offset"] + array.nbytes
        arrays.append(array.astype(saved_dtype.newbyteorder("="), copy=False))
    return arrays


def _read_into(file: IO[bytes], name: str, buffer: memoryview) -> None:
    """Fill ``buffer`` from ``file``; RuntimeError when the file ends first."""
    filled = 0
    while filled < len(buffer):
        count = file.readinto(buffer[filled:])
        if not count:
            raise RuntimeError(
                f"minigrad.load: {name!r} is truncated: the tensor data ends {len(buffer) - filled} bytes early"
            )
        filled += count


def _place(tensor: Tensor, spec: dict[str, Any], map_location: MapLocation) -> Tensor:
    """Move a loaded tensor where ``map_location`` says and restore ``requires_grad``."""
    saved_location = spec["device"]
    if callable(map_location):
        tensor = map_location(tensor, saved_location)
    else:
        if isinstance(map_location, dict):
            target = map_location.get(saved_location, saved_location)
        else:
            target = saved_location if map_location is None else map_location
        tensor = tensor.to(_loadable_device(as_device(target)))
    tensor.requires_grad_(spec["requires_grad"])
    return tensor


def _loadable_device(target: device) -> device:
    """``target``, or PyTorch's error for a CUDA target where CUDA cannot be used."""
    if target.type == "cuda" and not _cuda_backend.is_available():
        raise RuntimeError("Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False. "
                           "If you are running on a CPU-only machine, please use torch.load with "
                           "map_location=torch.device('cpu') to map your storages to the CPU. "
                           f"{_cuda_backend.INSTALL_HINT}")
    return target


class _Decoder:
    """Rebuilds the object from the header's JSON tree (only the types :func:`save` writes)."""

    _BUILD = {"list": list, "tuple": tuple, "Size": Size}
    _MAPPING_TYPES = {name: kind for kind, name in _MAPPINGS.items()}

    def __init__(self, tensors: list[Tensor]):
        self.tensors = tensors

    def decode(self, node: Any) -> Any:
        if isinstance(node, _SCALARS):
            return node
        if not isinstance(node, dict):
            raise ValueError(f"unexpected {type(node).__name__} in the header's object tree")
        if "tensor" in node:
            return self.tensors[node["tensor"]]
        if "dict" in node:
            mapping = self._MAPPING_TYPES[node["kind"]]()
            for key, value in node["dict"]:
                mapping[self.decode(key)] = self.decode(value)
            return mapping
        ((kind, items),) = node.items()
        return self._BUILD[kind](self.decode(item) for item in items)


def _describe(start: bytes) -> str:
    """What a foreign file looks like, from its first bytes."""
    if not start:
        return "the file is empty"
    if start.startswith(b"PK\x03\x04"):
        return "it is a zip archive (a PyTorch .pt/.pth checkpoint written by torch.save?)"
    if start.startswith(b"\x80"):
        return "it is a Python pickle (a legacy torch.save file?); minigrad does not load pickles"
    if MAGIC.startswith(start):
        return "it is truncated: it ends inside the format marker"
    if start[: len(MAGIC) - 1] == MAGIC[:-1]:
        return f"it has format version {start[-1]}, this minigrad reads version {MAGIC[-1]}"
    return f"it starts with {start!r}"
