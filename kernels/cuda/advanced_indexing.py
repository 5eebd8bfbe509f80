"""numpy's advanced indexing on CudaArrays: ``a[i0, :, i2]`` read (a gather), written
(``a[i0, :, i2] = v``, a scatter) and accumulated (``np.add.at(a, (i0, slice(None), i2), v)``, with
atomics).

CPU sibling: numpy's own advanced indexing and ``ufunc.at``. A key is advanced when it holds an
integer or boolean array: a CudaArray, a host array or a list (index arrays may live on the host,
as PyTorch accepts CPU index tensors for CUDA tensors; they are copied to the device). numpy's
rules, which are PyTorch's:

- a boolean array of k dims stands for the k integer arrays of its nonzero positions; their count
  is the result's size, so the mask is read on the host (the one host round trip here);
- with an array in the key, ints count as 0-d integer arrays;
- the integer arrays broadcast together to one shape B. The result is the basic-indexed view V of
  the key (the dim of each array kept whole) with those dims replaced by B: in their place when the
  arrays are adjacent in the key, else first;
- negative indices count from the end; one out of range raises IndexError.

Every operation takes two kernels. :func:`_positions` writes, thread per result element r (shape:
the result's), the buffer position that element reads or writes,

    position[r] = V.offset + sum_{d not advanced} r_d * V.strides[d] + sum_j index_j[r_B] * V.strides[adv_j]

(r_B: the flat position of r's coordinates in B, each index_j broadcast to B). Then one thread per
result element r moves data:

- gather ``out[r] = buffer[position[r]]``: race-free, each thread writes its own r;
- scatter ``buffer[position[r]] = values[r]``: where positions repeat, one of the values lands and
  which one is unspecified (numpy keeps the last, PyTorch leaves it undefined too);
- accumulate ``buffer[position[r]] = ufunc(buffer[position[r]], values[r])``: several r may hit one
  element. ``np.add.at`` uses ``cuda.atomic.add``, which numba-cuda has for float32, float64,
  int32, int64, uint32 and uint64 (other dtypes raise NotImplementedError; float16 accumulates in
  a float32 copy); float64 atomic add needs compute capability 6.0 or newer. The order of the
  additions varies between runs, so float sums differ from numpy's (and from run to run) in the
  last bits (unless ``minigrad.use_deterministic_algorithms(True)`` is on: kernels/determinism.py;
  float sums are then folded in runs as below). ``np.multiply.at``, ``np.maximum.at`` and
  ``np.minimum.at`` use the gather formulation instead (there is no atomic multiply, and
  numba-cuda's float atomic max / min assume no NaN): the positions are sorted (sort.py's stable sort, so each position's values stay in
  their order r), and the thread at the first sorted slot of each run of equal positions folds
  that run's values into the element in order, the order of numpy's loop: race-free (one writer
  per element), deterministic, and numpy's results bit for bit, NaN included.
"""
from __future__ import annotations

import functools
import operator

import numpy as np

from ..determinism import is_deterministic
from ._backend import blocks_for, cuda, THREADS
from .array import CudaArray
from .elementwise import BINARY, assign
from .sort import sort_pairs

_INDEX_TYPES = (CudaArray, np.ndarray, list)
#: The dtypes numba-cuda's ``atomic.add``, ``atomic.max`` and ``atomic.min`` accept.
ATOMIC_DTYPES = frozenset(np.dtype(name) for name in ("float32", "float64", "int32", "int64", "uint32", "uint64"))


def is_advanced(key) -> bool:
    """Whether a numpy index holds an index array (else it is basic: a view)."""
    return any(isinstance(part, _INDEX_TYPES) for part in (key if isinstance(key, tuple) else (key,)))


def gather(array: CudaArray, key) -> CudaArray:
    """``array[key]`` for an advanced ``key``: a new array."""
    positions = _positions(array, key)
    out = CudaArray.empty(positions.shape, array.dtype)
    if out.size:
        _gather_kernel[blocks_for(out.size), THREADS](out.buffer, array.buffer, positions.buffer, out.size)
    return out


def scatter(array: CudaArray, key, value) -> None:
    """``array[key] = value`` for an advanced ``key`` (``value`` broadcast and cast)."""
    positions, values = _positions_and_values(array, key, value)
    if positions.size:
        _scatter_kernel[blocks_for(positions.size), THREADS](array.buffer, positions.buffer, values.buffer,
                                                             positions.size)


def accumulate(ufunc, array: CudaArray, key, value) -> None:
    """``ufunc.at(array, key, value)`` for ufunc add, multiply, maximum or minimum: unbuffered, so
    repeated indices each count."""
    if not isinstance(array, CudaArray):
        raise TypeError(f"np.{ufunc.__name__}.at on CUDA needs a CudaArray target, not {type(array).__name__}")
    if not is_advanced(key):  # each element at most once: the ordinary in-place ufunc on the view
        view = array[key]
        ufunc(view, value, out=(view,))
        return
    if ufunc.__name__ in _FOLDED_IN_RUNS or (ufunc is np.add and array.dtype.kind == "f" and is_deterministic()):
        _fold_runs(ufunc.__name__, array, *_positions_and_values(array, key, value))
        return
    if ufunc is not np.add:
        raise NotImplementedError(f"np.{ufunc.__name__}.at has no CUDA implementation (add, multiply, maximum "
                                  f"and minimum do)")
    if array.dtype == np.float16:  # no half atomics: accumulate in a float32 copy, written back rounded
        wide = array.astype(np.float32)
        accumulate(ufunc, wide, key, value)
        array[...] = wide
        return
    if array.dtype not in ATOMIC_DTYPES:
        raise NotImplementedError(f"np.{ufunc.__name__}.at on CUDA uses atomics, which exist for "
                                  f"{sorted(d.name for d in ATOMIC_DTYPES)}, not {array.dtype}")
    positions, values = _positions_and_values(array, key, value)
    if positions.size:
        _add_at_kernel[blocks_for(positions.size), THREADS](array.buffer, positions.buffer, values.buffer,
                                                            positions.size)


def along_axis(shape: tuple, indices, axis: int) -> tuple:
    """The key by which ``np.take_along_axis`` / ``np.put_along_axis`` index an array of ``shape``:
    ``indices`` along ``axis``, and along each other dim d an ``arange(shape[d])`` shaped to
    broadcast there (numpy's own construction)."""
    if indices.ndim != len(shape):
        raise ValueError("`indices` and `arr` must have the same number of dimensions")
    if indices.dtype.kind not in "iu":
        raise IndexError("`indices` must be an integer array")
    key = [np.arange(n).reshape((1,) * d + (n,) + (1,) * (len(shape) - d - 1)) for d, n in enumerate(shape)]
    key[axis] = indices
    return tuple(key)


# ---- the positions ---------------------------------------------------------------------------
def _positions_and_values(array: CudaArray, key, value) -> tuple[CudaArray, CudaArray]:
    """The positions of ``key`` and ``value`` broadcast to their shape, in ``array``'s dtype."""
    positions = _positions(array, key)
    values = CudaArray.empty(positions.shape, array.dtype)
    if values.size:
        assign(values, value)
    return positions, values


def _positions(array: CudaArray, key) -> CudaArray:
    """The buffer position of each element of ``array[key]`` (int64, of the result's shape)."""
    parts = _expanded(array, key if isinstance(key, tuple) else (key,))
    # The view V: the basic key, each index array's dim kept whole (one dim of V per part).
    view = array[tuple(slice(None) if isinstance(part, CudaArray) else part for part in parts)]
    shape, strides = view.shape, view.strides
    advanced = [d for d, part in enumerate(parts) if isinstance(part, CudaArray)]  # V's dims arrays index
    axes = np.cumsum([part is not None for part in parts]) - 1  # the array's axis of each part
    indices = [_in_range(parts[d], shape[d], int(axes[d])) for d in advanced]
    try:
        common = np.broadcast_shapes(*(index.shape for index in indices))
    except ValueError:
        raise IndexError("shape mismatch: indexing arrays could not be broadcast together with shapes "
                         + " ".join(str(index.shape) for index in indices)) from None
    others = [d for d in range(len(shape)) if d not in advanced]
    adjacent = advanced == list(range(advanced[0], advanced[-1] + 1))
    before = [d for d in others if d < advanced[0]] if adjacent else []
    after = [d for d in others if d not in before]
    out_shape = tuple(shape[d] for d in before) + common + tuple(shape[d] for d in after)
    positions = CudaArray.empty(out_shape, np.int64)
    if positions.size:
        table = CudaArray.empty((len(indices), _count(common)), np.int64)
        for row, index in enumerate(indices):
            assign(table[row].reshape(common), index.broadcast_to(common))
        # The kernel's shape has at least one dim (a 0-d result: one element, no coordinates).
        kernel_shape = out_shape or (1,)
        kernel_strides = tuple(strides[d] for d in before) + (0,) * len(common) + tuple(strides[d] for d in after)
        _positions_kernel[blocks_for(positions.size), THREADS](
            positions.buffer, view.offset, kernel_shape, kernel_strides or (0,), len(before),
            len(before) + len(common), table.device_array(), tuple(strides[d] for d in advanced), positions.size)
    return positions


def _expanded(array: CudaArray, key: tuple) -> list:
    """``key`` with ``...`` spelled out as full slices, boolean arrays as the integer arrays of
    their nonzero positions and, beside index arrays, ints as 0-d arrays; too many indices raise."""
    if sum(part is Ellipsis for part in key) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    key = [_as_index_array(part) if isinstance(part, _INDEX_TYPES) else part for part in key]
    consumed = sum(part.ndim if _is_mask(part) else part is not None and part is not Ellipsis for part in key)
    if consumed > array.ndim:
        raise IndexError(f"too many indices for array: array is {array.ndim}-dimensional, "
                         f"but {consumed} were indexed")
    fill = [slice(None)] * (array.ndim - consumed)
    at = next((i for i, part in enumerate(key) if part is Ellipsis), len(key))
    parts, dim = [], 0
    for part in key[:at] + fill + key[at + 1:]:
        if _is_mask(part):
            parts.extend(_nonzero(part, array.shape[dim:dim + part.ndim], dim))
            dim += part.ndim
            continue
        if part is not None and not isinstance(part, (slice, CudaArray)):  # an int
            part = CudaArray.from_host(np.asarray(operator.index(part), np.int64))
        parts.append(part)
        dim += part is not None
    return parts


def _as_index_array(part) -> CudaArray:
    if isinstance(part, CudaArray):
        index = part
    else:
        host = np.asarray(part)
        index = CudaArray.from_host(host.astype(np.int64) if host.size == 0 else host)  # [] is float
    if index.dtype.kind not in "biu":
        raise IndexError("arrays used as indices must be of integer (or boolean) type")
    return index


def _is_mask(part) -> bool:
    return isinstance(part, CudaArray) and part.dtype == np.bool_


def _nonzero(mask: CudaArray, extents: tuple, dim: int) -> list:
    if mask.ndim == 0:
        raise NotImplementedError("CUDA arrays do not support a 0-d boolean index")
    for d, (have, want) in enumerate(zip(mask.shape, extents)):
        if have != want:
            raise IndexError(f"boolean index did not match indexed array along axis {dim + d}; size of axis "
                             f"is {want} but size of corresponding boolean axis is {have}")
    return [CudaArray.from_host(positions) for positions in np.nonzero(mask.to_host())]


def _in_range(index: CudaArray, extent: int, dim: int) -> CudaArray:
    """``index`` as int64 with negative entries counted from the end; IndexError for one outside."""
    index = index.astype(np.int64, copy=False)
    if index.size:
        low, high = int(np.min(index)), int(np.max(index))
        if low < -extent or high >= extent:
            raise IndexError(f"index {high if high >= extent else low} is out of bounds for axis {dim} "
                             f"with size {extent}")
        if low < 0:
            index = np.where(index < 0, index + extent, index)
    return index


def _count(shape: tuple) -> int:
    return int(np.prod(shape, dtype=np.int64))


# ---- the kernels -----------------------------------------------------------------------------
@cuda.jit
def _positions_kernel(positions, offset, shape, strides, first, last, indices, index_strides, size):
    """Thread per result element i (flat, row-major over ``shape``): ``positions[i]`` = the buffer
    position of element i of ``array[key]`` (module doc). ``shape``/``strides``: the result's dims,
    stride 0 on the broadcast index dims ``first..last-1``; ``indices``: (k, prod(B)) int64, the k
    index arrays broadcast to B and flattened; ``index_strides``: the strides of the k dims they
    index. Each thread writes only positions[i]."""
    for i in range(cuda.grid(1), size, cuda.gridsize(1)):
        remainder, position, flat, step = i, offset, 0, 1
        for d in range(len(shape) - 1, -1, -1):
            coordinate = remainder % shape[d]
            remainder //= shape[d]
            if first <= d < last:  # a coordinate in B: part of the flat position into the index table
                flat += coordinate * step
                step *= shape[d]
            else:
                position += coordinate * strides[d]
        for j in range(indices.shape[0]):
            position += indices[j, flat] * index_strides[j]
        positions[i] = position


@cuda.jit
def _gather_kernel(out, source, positions, size):
    """Thread per output element i: ``out[i] = source[positions[i]]`` (CPU sibling: numpy's
    advanced-index read). Each thread writes its own out[i]: race-free."""
    for i in range(cuda.grid(1), size, cuda.gridsize(1)):
        out[i] = source[positions[i]]


@cuda.jit
def _scatter_kernel(target, positions, values, size):
    """Thread per value i: ``target[positions[i]] = values[i]`` (CPU sibling: numpy's advanced-index
    write). Repeated positions race and one value lands (module doc), as the op specifies."""
    for i in range(cuda.grid(1), size, cuda.gridsize(1)):
        target[positions[i]] = values[i]


@cuda.jit
def _add_at_kernel(target, positions, values, size):
    """Thread per value i: ``target[positions[i]] += values[i]``, atomically (CPU sibling: numpy's
    ``np.add.at``): several i may share a position (module doc)."""
    for i in range(cuda.grid(1), size, cuda.gridsize(1)):
        cuda.atomic.add(target, positions[i], values[i])


_FOLDED_IN_RUNS = ("multiply", "maximum", "minimum")


@functools.lru_cache(maxsize=None)
def _runs_kernel(name: str):
    """Thread per sorted slot s: where s starts a run of equal positions p, ``target[p] =
    combine(target[p], values[order[s']])`` for the run's slots s' in order, ``combine`` the op
    ``name`` of elementwise.BINARY (module doc: the ufuncs folded without atomics)."""
    combine = cuda.jit(device=True)(BINARY[name])

    @cuda.jit
    def kernel(target, sorted_positions, order, values):
        size = sorted_positions.size
        for s in range(cuda.grid(1), size, cuda.gridsize(1)):
            position = sorted_positions[s]
            if s == 0 or sorted_positions[s - 1] != position:
                folded = target[position]
                run = s
                while run < size and sorted_positions[run] == position:
                    folded = combine(folded, values[order[run]])
                    run += 1
                target[position] = folded
    return kernel


def _fold_runs(name: str, target: CudaArray, positions: CudaArray, values: CudaArray) -> None:
    if positions.size:
        sorted_positions, order = sort_pairs(positions.reshape(-1), 0)
        _runs_kernel(name)[blocks_for(positions.size), THREADS](
            target.buffer, sorted_positions.device_array(), order.device_array(), values.reshape(-1).device_array())
