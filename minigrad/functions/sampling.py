"""``multinomial``: draw category indices in proportion to non-negative weights.

With replacement, each draw is an inverse-CDF lookup: the first category i whose cumulative
weight exceeds u * total, u uniform in [0, 1). Without replacement, an exponential race (the
method PyTorch uses): category i draws E_i ~ Exp(1) and finishes at E_i / w_i; the order of
arrival is a sample without replacement in proportion to w, and zero-weight categories arrive
last. Draws come from ``generator`` (the default generator unless given), so ``manual_seed``
repeats them; the streams differ from PyTorch's. On CUDA the draws are made on the host by that
generator and copied, as ``rand`` on CUDA (``minigrad.cuda.manual_seed``'s docstring): the weights
stay on the device, where the scan, the searches and the sort run, and a seed gives the same
samples on both devices.
"""
from __future__ import annotations

import numpy as np

from .._device import to_storage
from .._random import Generator, numpy_generator
from .._tensor import Tensor
from ._messages import check_tensor, type_name
from ._operands import _as_int


def _check_multinomial(input: Tensor, num_samples: int, replacement: bool) -> None:
    if input.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if not input.dtype.is_floating_point:
        raise RuntimeError(f"multinomial only supports floating-point dtypes for input, got: {type_name(input.dtype)}")
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and num_samples > input.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    weights = input._data
    if not np.all(np.isfinite(weights) & (weights >= 0)):
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    if np.any(weights.sum(-1) <= 0):
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *,
                generator: Generator | None = None) -> Tensor:
    """``num_samples`` category indices per row of ``input`` ((n,) or (rows, n) weights, which
    need not sum to 1). Returns int64 (num_samples,) or (rows, num_samples)."""
    check_tensor(input, "multinomial")
    num_samples = _as_int(num_samples, "num_samples")
    _check_multinomial(input, num_samples, replacement)
    rng = numpy_generator(generator)
    weights = input._data.astype(np.float64).reshape(-1, input.shape[-1])
    if replacement:
        cdf = np.cumsum(weights, axis=1)
        cdf /= cdf[:, -1:]  # the last entry becomes exactly 1 > u, so every draw lands in a category
        draws = to_storage(rng.random((weights.shape[0], num_samples)), input.device)
        samples = np.stack([np.searchsorted(cdf[r], draws[r], side="right") for r in range(weights.shape[0])])
    else:
        with np.errstate(divide="ignore"):
            arrival = to_storage(rng.exponential(size=weights.shape), input.device) / weights
        samples = np.argsort(arrival, axis=1, kind="stable")[:, :num_samples]
    return Tensor._from_storage(samples.astype(np.int64).reshape(input.shape[:-1] + (num_samples,)), input.device)
