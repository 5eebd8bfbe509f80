"""Products beyond ``matmul``, built from existing differentiable ops as in PyTorch:

- ``cross(a, b, dim)``: the 3-vector cross product along ``dim``,
  c = a[1,2,0] * b[2,0,1] - a[2,0,1] * b[1,2,0] (index_select of the rotated components);
- ``kron(a, b)``: a[i] * b[j] at index i * b.shape + j, as the product of a (a0, 1, a1, 1, ...)
  and b (1, b0, 1, b1, ...) view, reshaped to (a0 b0, a1 b1, ...);
- ``addcmul`` / ``addcdiv``: input + value * t1 * t2 and input + value * t1 / t2, the fused
  updates of hand-written optimizers;
- ``addmv`` / ``addr`` / ``addbmm``: beta * input + alpha * (mat @ vec, outer(v1, v2), the sum
  over the batch of b1 @ b2);
- ``inner`` (the sum over the last dims of both: a tensordot), ``vdot`` (``dot`` for real tensors).
"""
from __future__ import annotations

import warnings

from .. import _creation, _dtype
from .._tensor import Tensor
from ..amp.policy import autocast_op
from ._messages import check_tensor
from ._operands import wrap_dim
from .arithmetic import add, div, mul, sub
from .contraction import outer, tensordot
from .indexing import index_select
from .matmul import bmm, dot, mv
from .reduction import sum as total
from .selection import where
from .shape import broadcast_to, reshape


@autocast_op
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


@autocast_op
def addcmul(input: Tensor, tensor1: Tensor, tensor2: Tensor, *, value=1) -> Tensor:
    """input + value * tensor1 * tensor2, broadcast."""
    for position, (name, t) in enumerate((("input", input), ("tensor1", tensor1), ("tensor2", tensor2)), start=1):
        check_tensor(t, "addcmul", name, position)
    return add(input, mul(tensor1, tensor2), alpha=value)


@autocast_op
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


def _scaled_sum(op: str, input: Tensor, product: Tensor, beta, alpha) -> Tensor:
    """beta * input + alpha * product; beta = 0 ignores input (even its NaNs), as PyTorch."""
    check_tensor(input, op)
    scaled = product if alpha == 1 else mul(product, alpha)
    if beta == 0:  # input's values (NaN included) do not count; its gradient is 0, as in PyTorch
        never = input.new_zeros((), dtype=_dtype.bool)
        return add(where(never, input, 0), scaled)
    return add(input if beta == 1 else mul(input, beta), scaled)


@autocast_op
def addmv(input: Tensor, mat: Tensor, vec: Tensor, *, beta=1, alpha=1) -> Tensor:
    """beta * input + alpha * (mat @ vec) for mat (n, m), vec (m,); input broadcasts to (n,)."""
    check_tensor(mat, "addmv", "mat", 2)
    check_tensor(vec, "addmv", "vec", 3)
    return _scaled_sum("addmv", input, mv(mat, vec), beta, alpha)


@autocast_op
def addr(input: Tensor, vec1: Tensor, vec2: Tensor, *, beta=1, alpha=1) -> Tensor:
    """beta * input + alpha * outer(vec1, vec2)."""
    check_tensor(vec1, "addr", "vec1", 2)
    check_tensor(vec2, "addr", "vec2", 3)
    return _scaled_sum("addr", input, outer(vec1, vec2), beta, alpha)


@autocast_op
def addbmm(input: Tensor, batch1: Tensor, batch2: Tensor, *, beta=1, alpha=1) -> Tensor:
    """beta * input + alpha * sum_b (batch1[b] @ batch2[b])."""
    check_tensor(batch1, "addbmm", "batch1", 2)
    check_tensor(batch2, "addbmm", "batch2", 3)
    return _scaled_sum("addbmm", input, total(bmm(batch1, batch2), 0), beta, alpha)


@autocast_op
def inner(input: Tensor, other: Tensor) -> Tensor:
    """The sum over the last dims of both (a 0-d tensor multiplies): shape input[:-1] + other[:-1]."""
    check_tensor(input, "inner")
    check_tensor(other, "inner", "other", 2)
    if input.ndim == 0 or other.ndim == 0:
        return mul(input, other)
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got shapes "
                           f"{list(input.shape)} and {list(other.shape)}")
    return tensordot(input, other, ([-1], [-1]))


def vdot(input: Tensor, other: Tensor) -> Tensor:
    """dot(input, other) (the conjugate of input has no effect on real tensors)."""
    check_tensor(input, "vdot")
    check_tensor(other, "vdot", "other", 2)
    return dot(input, other)
