"""Batch norm by the loops of :mod:`minigrad.kernels.reference.batch_norm`, in the fast kernel's
dtypes (out and the gradients like x; the statistics float64, as the fast kernel returns them)."""
from .. import batch_norm as reference
from ._cast import like


def batch_norm_forward_train(x, weight, bias, eps):
    out, mean, invstd, var_unbiased = reference.batch_norm_forward_train(x, weight, bias, eps)
    return like(out, x), mean, invstd, var_unbiased


def batch_norm_forward_eval(x, running_mean, running_var, weight, bias, eps):
    return like(reference.batch_norm_forward_eval(x, running_mean, running_var, weight, bias, eps), x)


def batch_norm_backward(grad_out, x, mean, invstd, weight, training=True):
    return tuple(like(grad, x) for grad in reference.batch_norm_backward(grad_out, x, mean, invstd, weight, training))
