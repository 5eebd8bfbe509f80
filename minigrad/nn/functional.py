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
from ..functions import hard_activations as _hard
from ..functions import softmax as _softmax
from ..functions import softplus as _softplus
from ..functions import unary as _unary
from ..functions._messages import check_tensor
from ..functions.activation import gelu, softsign
from ..functions.glu import glu
from ..functions.prelu import prelu
from ..functions.shrink import hardshrink, softshrink, tanhshrink
from ..functions.softplus import logsigmoid, softplus
from ..functions.matmul import linear
from ..functions.unary import sigmoid, tanh


def _maybe_inplace(fn, input: Tensor, inplace: bool, *args) -> Tensor:
    """``fn(input, *args)``, or with ``inplace`` its result written into ``input`` (recorded by autograd)."""
    return input._inplace(fn, *args) if inplace else fn(input, *args)


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """max(x, 0) elementwise."""
    check_tensor(input, "relu")
    return _unary.relu_(input) if inplace else _unary.relu(input)


def relu_(input: Tensor) -> Tensor:
    check_tensor(input, "relu_")
    return relu(input, inplace=True)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """x if x > 0 else negative_slope * x."""
    check_tensor(input, "leaky_relu")
    return _maybe_inplace(_activation.leaky_relu, input, inplace, negative_slope)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    check_tensor(input, "leaky_relu_")
    return leaky_relu(input, negative_slope, inplace=True)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x if x > 0 else alpha * (exp(x) - 1)."""
    check_tensor(input, "elu")
    return _maybe_inplace(_activation.elu, input, inplace, alpha)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    check_tensor(input, "elu_")
    return elu(input, alpha, inplace=True)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """x * sigmoid(x) (a.k.a. swish)."""
    check_tensor(input, "silu")
    return _maybe_inplace(_activation.silu, input, inplace)


def selu(input: Tensor, inplace: bool = False) -> Tensor:
    """1.0507 * elu(x, alpha=1.6733): self-normalising."""
    check_tensor(input, "selu")
    return _maybe_inplace(_activation.selu, input, inplace)


def selu_(input: Tensor) -> Tensor:
    check_tensor(input, "selu_")
    return selu(input, inplace=True)


def celu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """x if x > 0 else alpha * (exp(x / alpha) - 1)."""
    check_tensor(input, "celu")
    return _maybe_inplace(_activation.celu, input, inplace, alpha)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    check_tensor(input, "celu_")
    return celu(input, alpha, inplace=True)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    """clamp(x, min_val, max_val)."""
    check_tensor(input, "hardtanh")
    return _maybe_inplace(_hard.hardtanh, input, inplace, min_val, max_val)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    check_tensor(input, "hardtanh_")
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(x, 0), 6)."""
    check_tensor(input, "relu6")
    return _maybe_inplace(_hard.relu6, input, inplace)


def threshold(input: Tensor, threshold: float, value: float, inplace: bool = False) -> Tensor:
    """x if x > threshold else value."""
    check_tensor(input, "threshold")
    return _maybe_inplace(_hard.threshold, input, inplace, threshold, value)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    # Not threshold(..., inplace=True): the argument named threshold hides that function here.
    check_tensor(input, "threshold_")
    return _maybe_inplace(_hard.threshold, input, True, threshold, value)


def hardsigmoid(input: Tensor, inplace: bool = False) -> Tensor:
    """min(max(x + 3, 0), 6) / 6."""
    check_tensor(input, "hardsigmoid")
    return _maybe_inplace(_hard.hardsigmoid, input, inplace)


def hardswish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * hardsigmoid(x)."""
    check_tensor(input, "hardswish")
    return _maybe_inplace(_hard.hardswish, input, inplace)


def mish(input: Tensor, inplace: bool = False) -> Tensor:
    """x * tanh(softplus(x))."""
    check_tensor(input, "mish")
    return _maybe_inplace(_softplus.mish, input, inplace)


def _implicit_softmax_dim(name: str, ndim: int, stacklevel: int) -> int:
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to include "
                  "dim=X as an argument.", stacklevel=stacklevel)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """exp(x_i) / sum_j exp(x_j) along ``dim`` (PyTorch's deprecated implicit dim when None)."""
    check_tensor(input, "softmax")
    if dim is None:
        dim = _implicit_softmax_dim("softmax", input.dim(), _stacklevel)
    return _softmax.softmax(input, dim, dtype=dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """x_i - log(sum_j exp(x_j)) along ``dim``."""
    check_tensor(input, "log_softmax")
    if dim is None:
        dim = _implicit_softmax_dim("log_softmax", input.dim(), _stacklevel)
    return _softmax.log_softmax(input, dim, dtype=dtype)


def softmin(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """softmax(-x) along ``dim``: the smallest values get the largest weights."""
    check_tensor(input, "softmin")
    if dim is None:
        dim = _implicit_softmax_dim("softmin", input.dim(), _stacklevel)
    return _softmax.softmax(-input, dim, dtype=dtype)


def _check_dropout_probability(p: float) -> None:
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


def _run_dropout(fn, input: Tensor, p: float, training: bool, inplace: bool) -> Tensor:
    """``fn(input, p, training)``, written into ``input`` with ``inplace`` when it changes anything."""
    if inplace and training and p > 0:
        return input._inplace(fn, p, training)
    return fn(input, p, training)


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Inverted dropout: zero elements with probability p, scale the rest by 1 / (1 - p); the
    identity when not ``training``."""
    check_tensor(input, "dropout")
    _check_dropout_probability(p)
    return _run_dropout(_dropout.dropout, input, p, training, inplace)



# ---- pooling and resizing (functions/max_pool.py, avg_pool.py, interpolate.py, pixel_shuffle.py) ---
from ..functions.avg_pool import adaptive_avg_pool1d, adaptive_avg_pool2d, avg_pool1d, avg_pool2d  # noqa: E402
from ..functions.interpolate import interpolate  # noqa: E402
from ..functions.pixel_shuffle import pixel_shuffle, pixel_unshuffle  # noqa: E402
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

# ---- losses (functions/cross_entropy.py, regression_losses.py, binary_losses.py, likelihood_losses.py,
# margin_losses.py) ------------------------------------------------------------------------------------
from ..functions.binary_losses import binary_cross_entropy, binary_cross_entropy_with_logits  # noqa: E402
from ..functions.cross_entropy import cross_entropy, nll_loss  # noqa: E402
from ..functions.likelihood_losses import gaussian_nll_loss, kl_div, poisson_nll_loss  # noqa: E402
from ..functions.margin_losses import (cosine_embedding_loss, hinge_embedding_loss, margin_ranking_loss,  # noqa: E402
                                       soft_margin_loss, triplet_margin_loss)
from ..functions.regression_losses import huber_loss, l1_loss, mse_loss, smooth_l1_loss  # noqa: E402

# ---- distances, embeddings and encodings (functions/distance.py, embedding.py, one_hot.py) ----------
from ..functions.distance import cosine_similarity, normalize, pairwise_distance  # noqa: E402
from ..functions.embedding import embedding  # noqa: E402
from ..functions.one_hot import one_hot  # noqa: E402

# ---- attention (functions/attention.py, multi_head_attention.py) --------------------------------------
from ..functions.attention import scaled_dot_product_attention  # noqa: E402
from ..functions.multi_head_attention import multi_head_attention_forward  # noqa: E402

# ---- normalisation (functions/normalization.py) and channel dropout ----------------------------------
from ..functions.normalization import batch_norm, group_norm, instance_norm, layer_norm, rms_norm  # noqa: E402


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Channel dropout of (N, C, H, W): zero each whole feature map ``input[n, c]`` with probability
    p and scale the kept ones by 1 / (1 - p); the identity when not ``training``.

    As PyTorch 2.x, a 3-D input is taken as (N, C, L), not as an unbatched (C, H, W), with a
    warning; other ranks (at least 2) are deprecated (a warning) and dropped per ``input[n, c]`` alike.
    """
    check_tensor(input, "dropout2d")
    _check_dropout_probability(p)
    if input.dim() not in (3, 4):
        warnings.warn(f"dropout2d: Received a {input.dim()}-D input to dropout2d, which is deprecated and will "
                      "result in an error in a future release. To retain the behavior and silence this warning, "
                      "please use dropout instead. Note that dropout2d exists to provide channel-wise dropout on "
                      "inputs with 2 spatial dimensions, a channel dimension, and an optional batch dimension "
                      "(i.e. 3D or 4D inputs).", stacklevel=2)
    if input.dim() == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout "
                      "behavior is desired - input is interpreted as shape (N, C, L), where C is the channel dim. "
                      "This behavior will change in a future release to interpret the input as one without a "
                      "batch dimension, i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, "
                      "please switch to using dropout1d instead.", stacklevel=2)
    return _run_dropout(_dropout.feature_dropout, input, p, training, inplace)

# ---- convolution, sliding blocks and padding (functions/conv.py, unfold.py, padding.py) --------------
from ..functions.conv import conv1d, conv2d, conv_transpose1d, conv_transpose2d  # noqa: E402
from ..functions.unfold import fold, unfold  # noqa: E402
from ..functions.padding import pad  # noqa: E402
