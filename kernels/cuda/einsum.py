"""``np.einsum`` on CudaArrays: Einstein summation from views, reductions and the tiled matmul.

CPU sibling: numpy's ``np.einsum``. For ``einsum("s_1,...,s_n->o", X_1, ..., X_n)`` each operand
names its dims with letters; the result is

    out[o] = sum over the letters not in o of  X_1[s_1] * ... * X_n[s_n]

(a letter repeated inside one operand reads that operand's diagonal). ``...`` stands for the
broadcast dims, right-aligned across operands; without ``->`` the output is the ellipsis dims, then
the letters used exactly once, alphabetically (upper case first). A dim of size 1 broadcasts
against its letter's size in the other operands, as numpy's.

The plan, per operand and then per pair (operands are contracted left to right):

1. letters repeated inside an operand: its diagonal, a strided view (``np.diagonal``);
2. letters that no later term needs (not in the output, not in an operand still to come): summed
   out first, by the reduction kernel;
3. the pair (A, B): each letter is batch (in both and still needed), contracted (in both, no longer
   needed), left-only or right-only. A is transposed to (batch, left, contracted) and B to
   (batch, contracted, right), both reshaped to 3-D (size-1 dims broadcast first, as stride-0
   views) and multiplied by ``matmul.py``'s batched tiled matmul: (Bt, L, K) @ (Bt, K, R) (when
   nothing is contracted, K = 1, by the elementwise product (Bt, L, 1) * (Bt, 1, R)); the product,
   reshaped back to (batch..., left..., right...), is the next left operand;
4. the last result is transposed to the output's order.

No new kernel is needed: only views (diagonal, transpose, broadcast), the reduction kernel, the
elementwise multiply and the tiled matmul, whose docstrings state their mappings and race-freedom.
A single operand that needs no sum (a transpose, a diagonal) comes back as a view of it, as
numpy's does: writing into it writes the operand. The result has numpy's dtype (the operands'
promoted type; matmul's int64 accumulator is cast back).
"""
from __future__ import annotations

import math
import string

import numpy as np

from .array import CudaArray
from .matmul import matmul


def einsum(subscripts, *operands, out=None, dtype=None, order: str = "K", casting: str = "safe",
           optimize=False) -> CudaArray:
    """``np.einsum(subscripts, *operands)`` of CudaArrays, or the sublist form ``np.einsum(a, [0, 1],
    b, [1, 2], [0, 2])`` (turned into its equation string); ``optimize`` is accepted and ignored:
    operands are contracted left to right."""
    if not isinstance(subscripts, str):
        subscripts, operands = _sublist_equation((subscripts,) + operands)
    if out is not None or dtype is not None:
        raise NotImplementedError("np.einsum(out=, dtype=) is not supported on CUDA arrays")
    for operand in operands:
        if not isinstance(operand, CudaArray):
            raise TypeError("a host (numpy) array cannot enter a CUDA computation; move it to the device first")
    terms, output = _parse(subscripts.replace(" ", ""), operands)
    result_dtype = np.result_type(*[a.dtype for a in operands])
    size = _sizes(terms, operands)
    arrays = [a.broadcast_to(tuple(size[c] for c in t)) for a, t in zip(operands, terms)]  # size 1 broadcasts
    left, left_term = _reduce_alone(arrays[0], terms[0], _needed(output, terms[1:]))
    for k in range(1, len(arrays)):
        keep = _needed(output, terms[k + 1:])
        right, right_term = _reduce_alone(arrays[k], terms[k], keep + left_term)
        left, left_term = _contract_pair(left, left_term, right, right_term, keep)
    result = left.transpose([left_term.index(c) for c in output])
    return result.astype(result_dtype, copy=False)


def _sublist_equation(arguments: tuple) -> tuple[str, tuple]:
    """(equation, operands) of the sublist form ``a, sublist_a, b, sublist_b, ..., [output]``:
    label k becomes numpy's letter for it (0-25 'A'-'Z', 26-51 'a'-'z', so the implicit output's
    alphabetical order is the labels' order) and ``Ellipsis`` becomes ``...``."""
    def term(sublist) -> str:
        letters = []
        for label in sublist:
            if label is Ellipsis:
                letters.append("...")
            elif isinstance(label, (int, np.integer)) and 0 <= label < 52:
                letters.append(string.ascii_letters[(int(label) + 26) % 52])
            else:
                raise ValueError("subscript is not within the valid range [0, 52)")
        return "".join(letters)

    pairs = len(arguments) // 2
    equation = ",".join(term(s) for s in arguments[1:2 * pairs:2])
    if len(arguments) % 2:  # the optional output sublist
        equation += "->" + term(arguments[-1])
    return equation, arguments[0:2 * pairs:2]


def _parse(equation: str, operands: tuple) -> tuple:
    """The operands' terms and the output term, each a string of letters (ellipses replaced by
    letters the equation does not use), checked as numpy checks them."""
    lhs, arrow, rhs = equation.partition("->")
    inputs = lhs.split(",")
    if len(inputs) != len(operands):
        more_or_fewer = "more" if len(operands) > len(inputs) else "fewer"
        raise ValueError(f"{more_or_fewer} operands provided to einstein sum function than specified in the "
                         "subscripts string")
    for term in inputs + ([rhs] if arrow else []):
        if "." in term.replace("...", "", 1):
            raise ValueError("einstein sum subscripts string contains a '.' that is not part of an ellipsis ('...')")
    used = set("".join(inputs) + rhs) - {"."}
    if not used <= set(string.ascii_letters):
        raise ValueError(f"invalid subscript in einstein sum subscripts string: {sorted(used)}")
    widths = [a.ndim - len(t.replace("...", "")) for t, a in zip(inputs, operands)]
    spare = "".join(c for c in string.ascii_letters if c not in used)[:max(widths, default=0)]
    terms = []
    for term, width in zip(inputs, widths):
        if width < 0:
            raise ValueError(f"einstein sum subscripts string contains too many subscripts for operand "
                             f"{len(terms)}")
        if width and "..." not in term:
            raise ValueError("operand has more dimensions than subscripts given in einstein sum, but no '...' "
                             "ellipsis provided to broadcast the extra dimensions.")
        terms.append(term.replace("...", spare[len(spare) - width:]))
    if arrow:
        output = rhs.replace("...", spare)
    else:
        joined = "".join(terms)
        output = spare + "".join(sorted(c for c in set(joined) if joined.count(c) == 1 and c not in spare))
    for i, c in enumerate(output):
        if c in output[:i]:
            raise ValueError(f"einstein sum subscripts string includes output subscript '{c}' multiple times")
        if c not in "".join(terms):
            raise ValueError(f"einstein sum subscripts string included output subscript '{c}' which never "
                             f"appeared in an input")
    return terms, output


def _sizes(terms: list, operands: tuple) -> dict:
    """Each letter's size: the same in every operand, or 1 in some (those broadcast)."""
    size = {}
    for term, array in zip(terms, operands):
        for c, extent in zip(term, array.shape):
            if size.get(c, 1) == 1:
                size[c] = extent
            elif extent not in (1, size[c]):
                raise ValueError(f"operands could not be broadcast together: subscript '{c}' has sizes "
                                 f"{size[c]} and {extent}")
    return size


def _needed(output: str, later_terms: list) -> str:
    """The letters a partial result must keep: the output's and those of operands still to come."""
    return "".join(dict.fromkeys(output + "".join(later_terms)))


def _reduce_alone(array: CudaArray, term: str, keep: str) -> tuple:
    """Steps 1 and 2 for one operand: its repeated letters as diagonals (views), then the letters
    not in ``keep`` summed out. Returns the array and its term (each letter once)."""
    for c in dict.fromkeys(term):
        while term.count(c) > 1:  # np.diagonal moves the diagonal to the last dim
            first = term.index(c)
            second = term.index(c, first + 1)
            array = np.diagonal(array, 0, first, second)
            term = term[:first] + term[first + 1:second] + term[second + 1:] + c
    summed = tuple(d for d, c in enumerate(term) if c not in keep)
    if summed:
        array = np.sum(array, axis=summed)
        term = "".join(c for c in term if c in keep)
    return array, term


def _contract_pair(a: CudaArray, a_term: str, b: CudaArray, b_term: str, keep: str) -> tuple:
    """Step 3: ``a`` and ``b`` (each letter once per term, equal sizes per letter) multiplied as
    (batch, left, contracted) @ (batch, contracted, right). Returns the product and its term."""
    batch = "".join(c for c in a_term if c in b_term and c in keep)
    contracted = "".join(c for c in a_term if c in b_term and c not in keep)
    left = "".join(c for c in a_term if c not in b_term)
    right = "".join(c for c in b_term if c not in a_term)
    size = dict(zip(a_term, a.shape)) | dict(zip(b_term, b.shape))

    def extent(letters: str) -> int:
        return math.prod(size[c] for c in letters)

    a_matrix = a.transpose([a_term.index(c) for c in batch + left + contracted]).reshape(
        extent(batch), extent(left), extent(contracted))
    b_matrix = b.transpose([b_term.index(c) for c in batch + contracted + right]).reshape(
        extent(batch), extent(contracted), extent(right))
    # Nothing contracted (K = 1): an outer product per batch, elementwise (a matmul of 1 x 1 matrices
    # per element would launch a block per batch entry).
    product = matmul(a_matrix, b_matrix) if contracted else a_matrix * b_matrix
    return product.reshape(tuple(size[c] for c in batch + left + right)), batch + left + right
