"""Per-slice mean and biased variance: the statistics behind batch, layer and group norm.

x is viewed as (A, B, K) and every b gets the moments of its A * K values ``x[:, b, :]``:

* batch norm:  (N, C, S)            -> one slice per channel
* layer norm:  (1, M, D)            -> one slice per row
* group norm:  (1, N * G, C/G * S)  -> one slice per (sample, group)

One pass, float64 accumulators, shifted data: with K0 = x[0, b, 0] (any value of the slice),

    mean = K0 + sum(x - K0) / n,   var = sum((x - K0)^2) / n - (sum(x - K0) / n)^2

Shifting by a sample removes the large common offset before squaring, so the subtraction does not
cancel catastrophically when |mean| >> std (the textbook ``E[x^2] - E[x]^2`` would): a sample lies
within sqrt(n) standard deviations of the mean, so var is at least 1 / (n + 1) of the shifted mean
square and float64 rounding cannot turn it negative.

The slices run in parallel only above ``_parallel.SERIAL_ELEMENTWISE_LIMIT`` elements: the pass is
memory-bound, and a thread launch costs more than it saves on a training batch's activations.
"""
import numpy as np
from numba import njit, prange

from . import _parallel
from ._parallel import run_range


# 'reassoc' lets LLVM vectorise the two float64 sums (split them into SIMD lanes); each slice is
# still summed by one thread in one fixed order, so results do not depend on the thread count.
@njit(cache=True, nogil=True, fastmath={"reassoc"})
def mean_variance_slices(x, mean, var, start, stop):
    """Mean and biased variance of slices ``x[:, b, :]``, ``start <= b < stop``; serial.

    x: (A, B, K) float32/float64; mean, var: (B,) float64 outputs (NaN when A * K == 0).
    ``mean[b] = sum_{a,k} x[a, b, k] / (A K)``, ``var[b] = sum_{a,k} (x[a, b, k] - mean[b])^2 / (A K)``,
    computed in one shifted pass (module docstring). Writes only ``mean[start:stop]`` and
    ``var[start:stop]``. Reference: ``naive_moments`` in tests/kernels/test_moments.py.
    """
    A, B, K = x.shape
    count = A * K
    for b in range(start, stop):
        if count == 0:
            mean[b] = np.nan
            var[b] = np.nan
            continue
        shift = np.float64(x[0, b, 0])
        total = 0.0
        total_sq = 0.0
        for a in range(A):
            for k in range(K):
                d = x[a, b, k] - shift
                total += d
                total_sq += d * d
        offset = total / count
        mean[b] = shift + offset
        var[b] = total_sq / count - offset * offset


@njit(parallel=True, cache=True)
def mean_variance_kernel(x, mean, var):
    """``mean_variance_slices`` over all B slices. Parallel over slices b; race-free: iteration b
    writes only ``mean[b]`` and ``var[b]``."""
    for b in prange(x.shape[1]):
        mean_variance_slices(x, mean, var, b, b + 1)


def mean_and_variance(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x (A, B, K) -> (mean, biased variance), both float64 (B,), over axes 0 and 2."""
    x = np.ascontiguousarray(x)
    mean = np.empty(x.shape[1])
    var = np.empty(x.shape[1])
    run_range(mean_variance_slices, mean_variance_kernel, x.shape[1], x.size, x, mean, var,
              limit=_parallel.SERIAL_ELEMENTWISE_LIMIT)
    return mean, var
