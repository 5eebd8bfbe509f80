"""one_hot: class indices (*) as int64 rows (*, num_classes) with a single 1 at each index."""
from __future__ import annotations

import numpy as np

from .._device import to_storage
from .._tensor import Tensor
from ._messages import check_tensor


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """``out[..., c] = 1 if tensor[...] == c else 0``; ``num_classes=-1`` means ``tensor.max() + 1``."""
    check_tensor(tensor, "one_hot")
    if tensor.dtype.name != "int64":
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    indices = tensor._data
    if num_classes == -1:
        if indices.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(indices.max()) + 1
    if indices.size:
        if indices.min() < 0:
            raise RuntimeError("Class values must be non-negative.")
        if indices.max() >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    classes = to_storage(np.arange(max(num_classes, 0)), tensor.device)  # 0..C-1 on the indices' device
    return Tensor._from_storage((indices[..., None] == classes).astype(np.int64))
