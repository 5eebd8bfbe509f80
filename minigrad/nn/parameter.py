"""``Parameter`` and ``Buffer``: tensors that a ``Module`` registers when they are assigned as its attributes."""
from __future__ import annotations

import numpy as np

from .. import _dtype
from .._tensor import Tensor


def _alias(cls: type, data: Tensor | None) -> Tensor:
    """A ``cls`` instance sharing ``data``'s storage and version counter (empty float if None)."""
    if data is None:
        data = Tensor._from_storage(np.empty(0, _dtype.get_default_dtype().numpy))
    if not isinstance(data, Tensor):
        raise TypeError(f"{cls.__name__}() expects data to be a Tensor, but got {type(data).__name__}")
    # Tensor.__new__, not cls._from_storage: the latter calls cls.__new__, i.e. the caller.
    alias = Tensor.__new__(cls)
    alias._init(data._data, data.device)
    alias._version_counter = data._version_counter
    return alias


class Parameter(Tensor):
    """A Tensor that is a module parameter, as ``torch.nn.Parameter``.

    Assigning a Parameter as a Module attribute (``self.weight = Parameter(...)``) registers it,
    so it appears in ``parameters()`` and ``state_dict()``. It shares ``data``'s storage (and
    version counter) rather than copying it, and requires grad unless ``requires_grad=False``.
    ``Parameter()`` holds an empty float tensor.
    """

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> "Parameter":
        param = _alias(cls, data)
        if requires_grad and not param.dtype.is_floating_point:  # PyTorch's wording here differs from Tensor's
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        param.requires_grad = requires_grad
        return param

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True):
        pass  # everything happens in __new__; Tensor.__init__ would rebuild the storage

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class Buffer(Tensor):
    """A Tensor that a Module registers as a buffer when assigned as its attribute, as
    ``torch.nn.Buffer``: ``self.running_mean = Buffer(zeros(3))`` is ``register_buffer``;
    ``persistent=False`` keeps it out of ``state_dict``. Shares ``data``'s storage."""

    def __new__(cls, data: Tensor | None = None, *, persistent: bool = True) -> "Buffer":
        buffer = _alias(cls, data)
        buffer.requires_grad = data is not None and data.requires_grad
        buffer.persistent = persistent
        return buffer

    def __init__(self, data: Tensor | None = None, *, persistent: bool = True):
        pass  # everything happens in __new__
