"""``Parameter``: a tensor that a ``Module`` registers as one of its learnable weights."""
from __future__ import annotations

import numpy as np

from .. import _dtype
from .._tensor import Tensor


class Parameter(Tensor):
    """A Tensor that is a module parameter, as ``torch.nn.Parameter``.

    Assigning a Parameter as a Module attribute (``self.weight = Parameter(...)``) registers it,
    so it appears in ``parameters()`` and ``state_dict()``. It shares ``data``'s storage (and
    version counter) rather than copying it, and requires grad unless ``requires_grad=False``.
    ``Parameter()`` holds an empty float tensor.
    """

    def __new__(cls, data: Tensor | None = None, requires_grad: bool = True) -> "Parameter":
        if data is None:
            data = Tensor._from_storage(np.empty(0, _dtype.get_default_dtype().numpy))
        if not isinstance(data, Tensor):
            raise TypeError(f"Parameter() expects data to be a Tensor, but got {type(data).__name__}")
        # Tensor.__new__, not cls._from_storage: the latter calls cls.__new__, i.e. this method.
        param = Tensor.__new__(cls)
        param._init(data._data, data.device)
        param._version_counter = data._version_counter
        param.requires_grad = requires_grad
        return param

    def __init__(self, data: Tensor | None = None, requires_grad: bool = True):
        pass  # everything happens in __new__; Tensor.__init__ would rebuild the storage

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
