"""Products beyond ``matmul``, built from existing differentiable ops as in PyTorch:

- ``cross(a, b, dim)``: the 3-vector cross product along ``dim``,
  c = a[1,2,0] * b[2,0,1] - a[2,0,1] * b[1,2,0] (index_select of the rotated components);
- ``kron(a, b)``: a[i] * b[j] at index i * b.shape + j, as the product of a (a0, 1, a1, 1, ...)
  and b (1, b0, 1, b1, ...) view, reshaped to (a0 b0, a1 b1, ...);
- ``addcmul`` / ``addcdiv``: input + value * t1 * t2 and input + value * t1 / t2, the fused
  updates of hand-written optimizers.
"""
from __future__ import annotations

import warnings

from .. import _creation
from .._tensor import Tensor
from ._operands import check_tensor, wrap_dim
from .arithmetic import add, div, mul, sub
from .indexing import index_select
from .shape import broadcast_to, reshape


def cross(input: Tensor, other: Tensor, dim: int | None = None) -> Tensor:
    """a x b along ``dim`` (size 3), broadcast. Without ``dim``, the first dim of size 3, with
    PyTorch's deprecation warning (``linalg.cross`` defaults to the last dim)."""
    check_tensor(input, "cross")
    check_tensor(other, "cross", "other", 2)
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    if dim is None:
        warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\nPlease either pass the dim "
                      "explicitly or simply use torch.linalg.cross.\nThe default value of dim will change to agree "
                      "with that of linalg.cross in a future release.", UserWarning, stacklevel=2)
        sizes = [d for d in range(input.ndim) if input.shape[d] == 3 and other.shape[d] == 3]
        if not sizes:
            raise RuntimeError("no dimension of size 3 in input")
        dim = sizes[0]
    return linalg_cross(input, other, dim=dim)


def linalg_cross(input: Tensor, other: Tensor, *, dim: int = -1) -> Tensor:
    check_tensor(input, "linalg_cross")
    check_tensor(other, "linalg_cross", "other", 2)
    if input.ndim != other.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    axis = wrap_dim(dim, input.ndim)
    if input.shape[axis] != 3 or other.shape[axis] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {axis} must have length 3. Got {input.shape[axis]} and "
                           f"{other.shape[axis]}")
    shape = tuple(max(a, b) for a, b in zip(input.shape, other.shape))
    a, b = broadcast_to(input, shape), broadcast_to(other, shape)
    next_, after = (_creation.tensor(order) for order in ([1, 2, 0], [2, 0, 1]))
    return sub(mul(index_select(a, axis, next_), index_select(b, axis, after)),
               mul(index_select(a, axis, after), index_select(b, axis, next_)))


def kron(input: Tensor, other: Tensor) -> Tensor:
    """The Kronecker product: shape (a0 b0, a1 b1, ...), the shorter shape padded with 1s on the left."""
    check_tensor(input, "kron")
    check_tensor(other, "kron", "other", 2)
    rank = max(input.ndim, other.ndim)
    a_shape = (1,) * (rank - input.ndim) + tuple(input.shape)
    b_shape = (1,) * (rank - other.ndim) + tuple(other.shape)
    a = reshape(input, [n for size in a_shape for n in (size, 1)])
    b = reshape(other, [n for size in b_shape for n in (1, size)])
    return reshape(mul(a, b), [x * y for x, y in zip(a_shape, b_shape)])


def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value=1) -> Tensor:
    """input + value * tensor1 * tensor2, broadcast."""
    for position, (name, t) in enumerate((("input", input), ("tensor1", tensor1), ("tensor2", tensor2)), start=1):
        check_tensor(t, "addcmul", name, position)
    return add(input, mul(tensor1, tensor2), alpha=value)


def addcdiv(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value=1) -> Tensor:
    """input + value * tensor1 / tensor2, broadcast (integer tensor1 and tensor2 are refused)."""
    for position, (name, t) in enumerate((("input", input), ("tensor1", tensor1), ("tensor2", tensor2)), start=1):
        check_tensor(t, "addcdiv", name, position)
    if not (tensor1.dtype.is_floating_point or tensor2.dtype.is_floating_point):
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a future  release addcdiv will perform a "
            "true division of tensor1 and tensor2. The historic addcdiv behavior can be implemented as (input + "
            "value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for integer inputs and as (input + value * "
            "tensor1 / tensor2) for float inputs. The future addcdiv behavior is just the latter implementation: "
            "(input + value * tensor1 / tensor2), for all dtypes.")
    return add(input, div(tensor1, tensor2), alpha=value)
