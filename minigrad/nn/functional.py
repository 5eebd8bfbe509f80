"""``minigrad.nn.functional`` (``F``): the stateless forms of the layers, as ``torch.nn.functional``.

Each entry is an import of the autograd-level function or a thin wrapper that adds PyTorch's
functional arguments (``inplace``, implicit softmax dim, dropout's ``training``). Add new
families (conv, pooling, normalisation, losses) as further imports below.
"""
from __future__ import annotations

import warnings

from .._tensor import Tensor
from ..functions import activation as _activation
from ..functions import dropout as _dropout
from ..functions import softmax as _softmax
from ..functions import unary as _unary
from ..functions.activation import gelu
from ..functions.matmul import linear
from ..functions.unary import sigmoid, tanh


def _maybe_inplace(fn, input: Tensor, inplace: bool, *args) -> Tensor:
    """``fn(input, *args)``, or with ``inplace`` its result written into ``input`` (recorded by autograd)."""
    return input._inplace(fn, *args) if inplace else fn(input, *args)


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(x, 0) elementwise."""
    return _maybe_inplace(_unary.relu, input, inplace)


def relu_(input: Tensor) -> Tensor:
    return relu(input, inplace=True)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x if x > 0 else negative_slope * x."""
    return _maybe_inplace(_activation.leaky_relu, input, inplace, negative_slope)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    return leaky_relu(input, negative_slope, inplace=True)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x if x > 0 else alpha * (exp(x) - 1)."""
    return _maybe_inplace(_activation.elu, input, inplace, alpha)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    return elu(input, alpha, inplace=True)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x * sigmoid(x) (a.k.a. swish)."""
    return _maybe_inplace(_activation.silu, input, inplace)


def _implicit_softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include "
                  "dim=X as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """exp(x_i) / sum_j exp(x_j) along ``dim`` (PyTorch's deprecated implicit dim when None)."""
    if dim is None:
        dim = _implicit_softmax_dim("softmax", input.dim(), _stacklevel)
    return _softmax.softmax(input, dim, dtype=dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """x_i - log(sum_j exp(x_j)) along ``dim``."""
    if dim is None:
        dim = _implicit_softmax_dim("log_softmax", input.dim(), _stacklevel)
    return _softmax.log_softmax(input, dim, dtype=dtype)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Inverted dropout: zero elements with probability p, scale the rest by 1 / (1 - p); the
    identity when not ``training``."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if inplace and training and p > 0:
        return input._inplace(_dropout.dropout, p, training)
    return _dropout.dropout(input, p, training)



# ---- pooling and resizing (functions/max_pool.py, avg_pool.py, interpolate.py) ----------------
from ..functions.avg_pool import adaptive_avg_pool1d, adaptive_avg_pool2d, avg_pool1d, avg_pool2d  # noqa: E402
from ..functions.interpolate import interpolate  # noqa: E402
from ..functions.max_pool import (  # noqa: E402
    adaptive_max_pool1d,
    adaptive_max_pool2d,
    adaptive_max_pool2d_with_indices,
    max_pool1d,
    max_pool2d,
    max_pool2d_with_indices,
    max_unpool1d,
    max_unpool2d,
)

# ---- losses (functions/cross_entropy.py, regression_losses.py, binary_losses.py) ------------------
from ..functions.binary_losses import binary_cross_entropy, binary_cross_entropy_with_logits  # noqa: E402
from ..functions.cross_entropy import cross_entropy, nll_loss  # noqa: E402
from ..functions.regression_losses import l1_loss, mse_loss  # noqa: E402
