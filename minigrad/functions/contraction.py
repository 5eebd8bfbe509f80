"""Tensor contractions: ``outer``, ``tensordot``, ``einsum``.

``outer`` and ``tensordot`` are built from existing differentiable ops, as in PyTorch:
outer(u, v) = u[:, None] * v, and tensordot permutes the contracted dims of ``a`` last and of
``b`` first, flattens both to matrices and multiplies them (one GEMM).

``einsum`` is one autograd Function over ``np.einsum``. For C = einsum("s_1,...,s_n->o", X_1..X_n)
the gradient of operand k is again an einsum: dX_k = einsum("o,s_1,..(without s_k)..->s_k", dC,
the other operands), with two fix-ups — a label only in s_k (summed there alone) is broadcast
back over its size, and a label repeated in s_k (a diagonal, "ii") receives the gradient on that
diagonal of a zero array.
"""
from __future__ import annotations

import math
import string

import numpy as np

from .._device import as_array
from .._tensor import Tensor
from ..amp.policy import autocast_op
from ..autograd.function import ArrayFunction
from ._messages import check_tensor, type_name, typename
from ._operands import _as_int, wrap_dim
from .arithmetic import mul
from .matmul import mm
from .shape import permute, reshape


def outer(input: Tensor, vec2: Tensor) -> Tensor:
    """out[i, j] = input[i] * vec2[j] for 1-D tensors (n,), (m,) -> (n, m)."""
    check_tensor(input, "outer")
    check_tensor(vec2, "outer", "vec2", 2)
    for name, t in (("self", input), ("vec2", vec2)):
        if t.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t.ndim}-D")
    return mul(reshape(input, -1, 1), vec2)


ger = outer


# ---- tensordot ------------------------------------------------------------------------------

def _dims_lists(dims, a: Tensor, b: Tensor) -> tuple:
    """``dims`` as (dims of a, dims of b) to contract, each as the user wrote them."""
    if isinstance(dims, Tensor):
        dims = dims.item() if dims.ndim == 0 else dims.tolist()
    if isinstance(dims, (int, np.integer)) and not isinstance(dims, bool):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > a.ndim or dims > b.ndim:
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        return list(range(-dims, 0)), list(range(dims))
    if not (isinstance(dims, (tuple, list)) and len(dims) == 2):
        raise RuntimeError("tensordot expects dims to be int or tuple[list[int], list[int]] or list[list[int]] "
                           f"containing two lists, but got dims={dims}")
    for part in dims:
        if not isinstance(part, (tuple, list)):
            raise TypeError(f"tensordot(): argument 'dims_self' (position 3) must be tuple of ints, not "
                            f"{type(part).__name__}")
    if len(dims[0]) != len(dims[1]):
        raise RuntimeError("both dimension lists should have same length")
    return [_as_int(d, "dims") for d in dims[0]], [_as_int(d, "dims") for d in dims[1]]


def _contracted(dims: list, t: Tensor) -> list:
    axes = [wrap_dim(d, t.ndim) for d in dims]
    for i, axis in enumerate(axes):
        if axis in axes[:i]:
            raise RuntimeError(f"dim {axis} appears multiple times in the list of dims")
    return axes


@autocast_op
def tensordot(a: Tensor, b: Tensor, dims=2) -> Tensor:
    """Sum over the products of ``a``'s dims ``dims[0]`` paired with ``b``'s dims ``dims[1]``
    (an int n means a's last n dims with b's first n). Output shape: a's remaining dims, then b's.
    """
    check_tensor(a, "tensordot", "a", 1)
    check_tensor(b, "tensordot", "b", 2)
    dims_a, dims_b = _dims_lists(dims, a, b)
    axes_a, axes_b = _contracted(dims_a, a), _contracted(dims_b, b)
    for da, db, axis_a, axis_b in zip(dims_a, dims_b, axes_a, axes_b):
        if a.shape[axis_a] != b.shape[axis_b]:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {a.shape[axis_a]} in dim "
                               f"{da} and second has size {b.shape[axis_b]} in dim {db}")
    if a.dtype != b.dtype:
        raise RuntimeError("both inputs should have same dtype")
    free_a = [d for d in range(a.ndim) if d not in axes_a]
    free_b = [d for d in range(b.ndim) if d not in axes_b]
    inner = math.prod(a.shape[d] for d in axes_a)
    left = reshape(permute(a, free_a + axes_a), math.prod(a.shape[d] for d in free_a), inner)
    right = reshape(permute(b, axes_b + free_b), inner, math.prod(b.shape[d] for d in free_b))
    return reshape(mm(left, right), *(a.shape[d] for d in free_a), *(b.shape[d] for d in free_b))


# ---- einsum ---------------------------------------------------------------------------------

def _einsum_error(message: str) -> RuntimeError:
    return RuntimeError(f"einsum(): {message}")


def _parse_term(term: str, start: int, owner: str) -> list:
    """The labels of one term; an ellipsis becomes None. ``start``: the term's index in the
    equation, for error messages."""
    labels, i = [], 0
    while i < len(term):
        if term[i] == ".":
            if None in labels:
                raise _einsum_error(f"found '.' for {owner} for which an ellipsis was already found")
            if term[i:i + 3] != "...":
                raise _einsum_error(f"found '.' for {owner} that is not part of any ellipsis")
            labels.append(None)
            i += 3
            continue
        if not (term[i].isascii() and term[i].isalpha()):
            raise _einsum_error(f"invalid subscript given at index {start + i} in the equation string, "
                                "subscripts must be in [a-zA-Z]")
        labels.append(term[i])
        i += 1
    return labels


def _expand_ellipses(terms: list, arrays: list) -> tuple:
    """Replace each operand's ellipsis by letters of its own (right-aligned, so broadcast dims
    share letters) and check ranks; returns (terms as strings, the ellipsis letters)."""
    widths = []
    for k, (labels, array) in enumerate(zip(terms, arrays)):
        named = len(labels) - (None in labels)
        if None not in labels and named != array.ndim:
            raise _einsum_error(f"the number of subscripts in the equation ({named}) does not match the number of "
                                f"dimensions ({array.ndim}) for operand {k} and no ellipsis was given")
        if named > array.ndim:
            raise _einsum_error(f"the number of subscripts in the equation ({named}) is more than the number of "
                                f"dimensions ({array.ndim}) for operand {k}")
        widths.append(array.ndim - named)
    used = {c for labels in terms for c in labels if c is not None}
    spare = "".join(c for c in string.ascii_letters if c not in used)[:max(widths, default=0)]
    expanded = ["".join(spare[len(spare) - w:] if c is None else c for c in labels)
                for labels, w in zip(terms, widths)]
    return expanded, spare


def _check_sizes(terms: list, arrays: list) -> None:
    """Each label's sizes must agree (or be 1, which broadcasts), as PyTorch."""
    sizes = {}
    for k, (term, array) in enumerate(zip(terms, arrays)):
        own = {}
        for label, size in zip(term, array.shape):
            if label in own and own[label] != size:
                raise _einsum_error(f"subscript {label} is repeated for operand {k} but the sizes don't match, "
                                    f"{size} != {own[label]}")
            own[label] = size
            seen = sizes.setdefault(label, size)
            if size != seen and 1 not in (size, seen):
                raise _einsum_error(f"subscript {label} has size {size} for operand {k} which does not broadcast "
                                    f"with previously seen size {seen}")
            if seen == 1:
                sizes[label] = size


def _output_term(rhs: str | None, terms: list, spare: str, start: int) -> str:
    """The output labels: as written after '->', or (implicit form) the ellipsis letters then the
    labels that occur exactly once, in alphabetical order (upper case first)."""
    joined = "".join(terms)
    if rhs is None:
        return spare + "".join(sorted(c for c in set(joined) if joined.count(c) == 1 and c not in spare))
    labels = _parse_term(rhs, start, "output")
    for i, c in enumerate(labels):
        if c is not None and c not in joined:
            raise _einsum_error(f"output subscript {c} does not appear in the equation for any input operand")
        if c is not None and c in labels[:i]:
            raise _einsum_error(f"output subscript {c} appears more than once in the output")
    return "".join(spare if c is None else c for c in labels)


class Einsum(ArrayFunction):
    runs_on_cuda = True  # np.einsum of CudaArrays: kernels/cuda/einsum.py

    @staticmethod
    def forward(ctx, inputs, output, *arrays):
        ctx.inputs, ctx.output = inputs, output
        ctx.save_for_backward(*arrays)
        out = as_array(np.einsum(f"{','.join(inputs)}->{output}", *arrays, optimize=len(arrays) > 2))
        return out.copy() if any(np.may_share_memory(out, a) for a in arrays) else out

    @staticmethod
    def backward(ctx, grad):
        arrays = ctx.saved_tensors
        grads = [None, None]
        for k, (term, array) in enumerate(zip(ctx.inputs, arrays)):
            grads.append(_operand_grad(ctx, k, term, array, grad, arrays) if ctx.needs_input_grad[k + 2] else None)
        return tuple(grads)


def _operand_grad(ctx, k: int, term: str, array: np.ndarray, grad: np.ndarray, arrays: tuple) -> np.ndarray:
    """dC/dX_k contracted with ``grad`` (see the module docstring), in X_k's shape up to broadcast."""
    other_terms = [t for i, t in enumerate(ctx.inputs) if i != k]
    others = [a for i, a in enumerate(arrays) if i != k]
    distinct = "".join(dict.fromkeys(term))
    reachable = set(ctx.output).union(*other_terms)
    kept = "".join(c for c in distinct if c in reachable)
    partial = np.einsum(f"{','.join([ctx.output, *other_terms])}->{kept}", grad, *others, optimize=len(others) > 1)
    own_size = dict(zip(term, array.shape))
    missing = [i for i, c in enumerate(distinct) if c not in reachable]
    partial = np.expand_dims(partial, missing)
    size = dict(zip(distinct, np.broadcast_shapes(partial.shape, tuple(own_size[c] for c in distinct))))
    full = np.broadcast_to(partial, tuple(size[c] for c in distinct))
    if len(distinct) == len(term):
        return full
    return EinsumDiagonals.compute(full, term, distinct, tuple(size[c] for c in term))


class EinsumDiagonals(ArrayFunction):
    """The gradient of an operand with repeated letters (term "iij", distinct letters "ij"): zeros
    of its shape with ``full`` (indexed by the distinct letters) on those diagonals. Its own
    Function so that ``create_graph`` records it (a write into a recorded array would not be):
    linear in ``full``, its gradient reads the diagonals back."""

    runs_on_cuda = True
    backward_name = "EinsumDiagonalsBackward0"

    @staticmethod
    def forward(ctx, full, term, distinct, shape):
        ctx.equation = f"{term}->{distinct}"
        grad_x = np.zeros_like(full, shape=shape)  # on full's device
        np.einsum(ctx.equation, grad_x)[...] = full  # a writable view of the diagonals
        return grad_x

    @staticmethod
    def backward(ctx, grad):
        return np.einsum(ctx.equation, grad).copy(), None, None, None


def _sublist_equation(args: tuple) -> tuple:
    """einsum(op0, [0, 1], op1, [1, 2], [0, 2]): the equation string and the operands."""
    def letters(sublist) -> str:
        text = ""
        for n in sublist:
            if n is Ellipsis:
                text += "..."
            elif not 0 <= n < 52:
                raise ValueError("einsum(): subscript in subscript list is not within the valid range [0, 52)")
            else:
                text += string.ascii_uppercase[n] if n < 26 else string.ascii_lowercase[n - 26]
        return text

    pairs, output = (args[:-1], args[-1]) if len(args) % 2 else (args, None)
    equation = ",".join(letters(s) for s in pairs[1::2])
    return equation + ("" if output is None else "->" + letters(output)), list(pairs[0::2])


@autocast_op
def einsum(*args) -> Tensor:
    """Einstein summation: ``einsum("ij,jk->ik", a, b)`` is a @ b.

    Each operand gets one letter per dim (``...`` for any number of broadcast dims); letters
    shared between operands are multiplied along, letters missing from the output are summed
    over. Without ``->`` the output is the ellipsis dims, then the letters used exactly once,
    alphabetically. Operands may also come as one list, or in the sublist form
    ``einsum(a, [0, 1], b, [1, 2], [0, 2])``. Size-1 dims broadcast against their label's size.
    """
    if not args:
        raise TypeError("einsum(): must specify the equation string and at least one operand, or at least one "
                        "operand and its subscripts list")
    if isinstance(args[0], str):
        equation, operands = args[0], list(args[1:])
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = list(operands[0])
    else:
        equation, operands = _sublist_equation(args)
    equation = equation.replace(" ", "")
    lhs, arrow, rhs = equation.partition("->")
    pieces, start = [], 0
    for term in lhs.split(","):
        pieces.append(_parse_term(term, start, f"operand {len(pieces)}"))
        start += len(term) + 1
    if len(pieces) > len(operands):
        raise _einsum_error("fewer operands were provided than specified in the equation")
    if len(pieces) < len(operands):
        raise _einsum_error("more operands were provided than specified in the equation")
    for i, t in enumerate(operands):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 1, but got {typename(t)}")
    for t in operands[1:]:
        if t.dtype != operands[0].dtype:
            raise RuntimeError(f"expected scalar type {type_name(operands[0].dtype)} but found {type_name(t.dtype)}")
    arrays = [t._data for t in operands]
    terms, spare = _expand_ellipses(pieces, arrays)
    _check_sizes(terms, arrays)
    output = _output_term(rhs if arrow else None, terms, spare, len(lhs) + 2)
    return Einsum.apply(tuple(terms), output, *operands)
