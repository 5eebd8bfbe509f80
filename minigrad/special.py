"""``minigrad.special``, as ``torch.special``: the special functions minigrad has, under PyTorch's
names there (most are the same functions as in the main namespace).

    ndtr(x) = P(N(0, 1) <= x) = erfc(-x / sqrt 2) / 2
"""
from __future__ import annotations

import math

from ._tensor import Tensor
from .functions._messages import check_tensor
from .functions.logarithmic import entr, exp2, expm1, log1p, logit, xlog1py, xlogy
from .functions.reduction import logsumexp
from .functions.softmax import log_softmax, softmax
from .functions.special import erf, erfc
from .functions.trigonometric import sinc
from .functions.unary import round
from .functions.unary import sigmoid as expit


def ndtr(input: Tensor) -> Tensor:
    """The standard normal distribution function, computed with erfc (accurate in both tails)."""
    check_tensor(input, "special_ndtr")
    return erfc(input * (-1 / math.sqrt(2))) * 0.5


__all__ = ["entr", "erf", "erfc", "exp2", "expit", "expm1", "log1p", "log_softmax", "logit", "logsumexp", "ndtr",
           "round", "sinc", "softmax", "xlog1py", "xlogy"]
