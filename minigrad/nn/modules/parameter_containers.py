"""``ParameterList`` and ``ParameterDict``: registered collections of parameters.

Entries live where plain attribute assignment puts them (``setattr(self, "0", value)``): a
Parameter in ``_parameters``, a Module in ``_modules``, anything else in ``__dict__``. So the
parameters are found by ``parameters()``, moved by ``to()`` and saved by ``state_dict()`` under
the entry's key ("0", "1", ... or the dict key), exactly as in PyTorch. A Tensor that is not yet a
Parameter is wrapped into one (``Parameter(tensor)``, sharing its storage) when it is added.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from ..._tensor import Tensor
from ..parameter import Parameter
from .container import _absolute_index
from .module import Module, _typename


def _as_parameter(value: Any) -> Any:
    """A Tensor becomes a Parameter (requiring grad); other values are stored as they are."""
    return Parameter(value) if isinstance(value, Tensor) and not isinstance(value, Parameter) else value


def _entry_line(key: str, value: Any, type_text) -> str:
    """One line of the containers' repr: ``"  (key): Parameter containing: [float32 of size 3x4]"``.

    ``type_text(tensor)`` names the tensor's type: its dtype for ParameterList, its typename
    ("minigrad.FloatTensor") for ParameterDict (PyTorch's two classes differ in this).
    """
    if not isinstance(value, Tensor):
        return f"  ({key}): Object of type: {type(value).__name__}"
    kind = "Parameter" if isinstance(value, Parameter) else "Tensor"
    size = "x".join(str(n) for n in value.size())
    device = f" ({value.device})" if value.device.type == "cuda" else ""
    return f"  ({key}): {kind} containing: [{type_text(value)} of size {size}{device}]"


def _checked_pairs(pairs: Iterable) -> Iterator[tuple[Any, Any]]:
    """The (key, value) pairs of a sequence, each checked when reached (as PyTorch, so the
    entries before a bad one are still added)."""
    for j, pair in enumerate(pairs):
        if not isinstance(pair, Iterable):
            raise TypeError(f"ParameterDict update sequence element #{j} should be Iterable; is{type(pair).__name__}")
        if len(pair) != 2:
            raise ValueError(f"ParameterDict update sequence element #{j} has length {len(pair)}; 2 is required")
        yield pair[0], pair[1]


class ParameterList(Module):
    """A list of parameters that registers them, as ``torch.nn.ParameterList``.

    ``ParameterList([w1, w2])`` stores ``w1`` under "0" and ``w2`` under "1": they appear in
    ``parameters()`` and in ``state_dict()`` as "0", "1" (prefixed by the owner's attribute
    name). Tensors are wrapped into Parameters; other objects are kept as they are (a Module is
    registered as a child). Indexing takes an int (negative allowed) or a slice (a new list).
    It has no ``forward`` and cannot be called.

    Args:
        values: an iterable of the initial entries (optional).
    """

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        self._size = 0
        if values is not None:
            self += values

    def __getitem__(self, idx: int | slice) -> Any:
        if isinstance(idx, slice):
            out = type(self)()
            for i in range(*idx.indices(len(self))):
                out.append(self[i])
            return out
        return getattr(self, str(_absolute_index(idx, len(self))))

    def __setitem__(self, idx: int, param: Any) -> None:
        # Every addition (constructor, append, extend) goes through here, so this is the one
        # place where tensors become Parameters.
        setattr(self, str(_absolute_index(idx, len(self))), _as_parameter(param))

    def __len__(self) -> int:
        return self._size

    def __iter__(self) -> Iterator[Any]:
        return (self[i] for i in range(len(self)))

    def __iadd__(self, parameters: Iterable[Any]) -> "ParameterList":
        return self.extend(parameters)

    def append(self, value: Any) -> "ParameterList":
        """Add ``value`` at the end (a Tensor is wrapped into a Parameter)."""
        self._size += 1
        self[self._size - 1] = value
        return self

    def extend(self, values: Iterable[Any]) -> "ParameterList":
        """Append every value of ``values`` in order."""
        # A Tensor is iterable, but never unpacked into its rows here.
        if not isinstance(values, Iterable) or isinstance(values, Tensor):
            raise TypeError(f"ParameterList.extend should be called with an iterable, but got {type(values).__name__}")
        for value in values:
            self.append(value)
        return self

    def extra_repr(self) -> str:
        return "\n".join(_entry_line(str(i), value, lambda t: t.dtype) for i, value in enumerate(self))

    def __call__(self, *args, **kwargs):
        raise RuntimeError("ParameterList should not be called.")


class ParameterDict(Module):
    """An ordered dict of parameters that registers them, as ``torch.nn.ParameterDict``.

    Keys are strings; the parameter under key ``k`` appears in ``state_dict()`` as ``k``
    (prefixed by the owner's attribute name). Tensors are wrapped into Parameters; other objects
    are kept as they are. Built from (and ``update`` takes) a mapping or an iterable of
    (key, value) pairs; a plain ``dict`` is added in sorted key order, an ``OrderedDict``, a
    ParameterDict or a sequence of pairs in its own order (PyTorch's rule).
    It has no ``forward`` and cannot be called.

    Args:
        parameters: the initial entries (optional).
    """

    def __init__(self, parameters: Mapping[str, Any] | Iterable[tuple[str, Any]] | None = None) -> None:
        super().__init__()
        self._keys: dict[str, None] = {}
        if parameters is not None:
            self.update(parameters)

    @staticmethod
    def _key_to_attr(key: str) -> str:
        if not isinstance(key, str):
            raise TypeError(
                "Index given to ParameterDict cannot be used as a key as it is not a string "
                f"(type is '{type(key).__name__}'). Open an issue on github if you need non-string keys."
            )
        return key  # as is, so named_parameters() reports the key itself

    def __getitem__(self, key: str) -> Any:
        return getattr(self, self._key_to_attr(key))

    def __setitem__(self, key: str, value: Any) -> None:
        # Every addition (constructor, update, setdefault) goes through here.
        attr = self._key_to_attr(key)
        self._keys[key] = None
        setattr(self, attr, _as_parameter(value))

    def __delitem__(self, key: str) -> None:
        del self._keys[key]
        delattr(self, self._key_to_attr(key))

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __reversed__(self) -> Iterator[str]:
        return reversed(self._keys)

    def __contains__(self, key: str) -> bool:
        return key in self._keys

    def copy(self) -> "ParameterDict":
        """A new ParameterDict holding the same entries (the same Parameter objects), in order."""
        return ParameterDict(OrderedDict((key, self[key]) for key in self._keys))

    def setdefault(self, key: str, default: Any | None = None) -> Any:
        """``self[key]``, after setting it to ``default`` if ``key`` is absent."""
        if key not in self:
            self[key] = default
        return self[key]

    def clear(self) -> None:
        for key in list(self._keys):
            del self[key]

    def pop(self, key: str) -> Any:
        """Remove ``key`` and return its value."""
        value = self[key]
        del self[key]
        return value

    def popitem(self) -> tuple[str, Any]:
        """Remove and return the last inserted (key, value) pair."""
        if not self._keys:
            raise KeyError("popitem(): dictionary is empty")
        key = next(reversed(self._keys))
        return key, self.pop(key)

    def get(self, key: str, default: Any | None = None) -> Any:
        return self[key] if key in self else default

    def fromkeys(self, keys: Iterable[str], default: Any | None = None) -> "ParameterDict":
        """A new ParameterDict with every key of ``keys`` set to ``default``."""
        return ParameterDict((key, default) for key in keys)

    def keys(self):
        return self._keys.keys()

    def items(self) -> Iterator[tuple[str, Any]]:
        return ((key, self[key]) for key in self._keys)

    def values(self) -> Iterator[Any]:
        return (self[key] for key in self._keys)

    def update(self, parameters: Mapping[str, Any] | Iterable[tuple[str, Any]]) -> None:
        """Add or overwrite entries from a mapping or from (key, value) pairs (see the class
        docstring for the order)."""
        if not isinstance(parameters, Iterable):
            raise TypeError("ParametersDict.update should be called with an iterable of key/value pairs, "
                            f"but got {type(parameters).__name__}")
        if isinstance(parameters, (OrderedDict, ParameterDict)):
            pairs = parameters.items()
        elif isinstance(parameters, Mapping):
            pairs = sorted(parameters.items())
        else:
            pairs = _checked_pairs(parameters)
        for key, value in pairs:
            self[key] = value

    def __or__(self, other: "ParameterDict") -> "ParameterDict":
        merged = self.copy()
        merged.update(other)
        return merged

    def __ror__(self, other: "ParameterDict") -> "ParameterDict":
        merged = other.copy()
        merged.update(self)
        return merged

    def __ior__(self, other: "ParameterDict") -> "ParameterDict":
        self.update(other)
        return self

    def extra_repr(self) -> str:
        return "\n".join(_entry_line(key, value, _typename) for key, value in self.items())

    def __call__(self, input):
        raise RuntimeError("ParameterDict should not be called.")
