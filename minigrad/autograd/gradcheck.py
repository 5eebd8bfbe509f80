"""``gradcheck``: compare backward's gradients with central finite differences, as PyTorch does.

For f: inputs -> outputs, the analytical Jacobian comes from backward with one-hot output
gradients (one row per output element); the numerical one perturbs each input element by
+-eps: J[:, i] = (f(x + eps e_i) - f(x - eps e_i)) / (2 eps). They must agree within
atol + rtol * |numerical| elementwise.
"""
from __future__ import annotations

import numpy as np


class GradcheckError(RuntimeError):
    """Raised by gradcheck when the analytical and numerical Jacobians disagree."""


def _outputs(fn, inputs) -> list:
    out = fn(*inputs)
    return list(out) if isinstance(out, (tuple, list)) else [out]


def _numerical_jacobians(fn, inputs: tuple, index: int, outputs: list, eps: float) -> list:
    """One (numel(output), numel(input)) matrix per output, for input ``index``."""
    from .grad_mode import no_grad

    x = inputs[index]._data
    flat = x.reshape(-1) if x.flags.c_contiguous else None
    if flat is None:  # a non-contiguous input: perturb through an index instead of a flat view
        positions = list(np.ndindex(x.shape))
    jacobians = [np.zeros((o.numel(), x.size)) for o in outputs]
    for i in range(x.size):
        where = i if flat is not None else positions[i]
        target = flat if flat is not None else x
        original = target[where]
        with no_grad():
            target[where] = original + eps
            plus = [o._data.astype(np.float64) for o in _outputs(fn, inputs)]
            target[where] = original - eps
            minus = [o._data.astype(np.float64) for o in _outputs(fn, inputs)]
        target[where] = original
        for jacobian, p, m in zip(jacobians, plus, minus):
            jacobian[:, i] = ((p - m) / (2 * eps)).reshape(-1)
    return jacobians


def _analytical_jacobians(outputs: list, inputs: tuple, index: int) -> list:
    from . import grad

    x = inputs[index]
    jacobians = []
    for out in outputs:
        jacobian = np.zeros((out.numel(), x.numel()))
        if out.requires_grad:
            for row in range(out.numel()):
                one_hot = np.zeros(out.numel(), out._data.dtype)
                one_hot[row] = 1
                (g,) = grad(out, x, grad_outputs=one_hot.reshape(out.shape), retain_graph=True, allow_unused=True)
                if g is not None:
                    jacobian[row] = g._data.reshape(-1)
        jacobians.append(jacobian)
    return jacobians


def gradcheck(func, inputs, *, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              raise_exception: bool = True, **_ignored) -> bool:
    """Check the gradients of ``func`` at ``inputs`` (use float64 inputs) against finite differences.

    Returns True when every input that requires grad passes; otherwise raises ``GradcheckError``
    naming the output, the input and the worst element (or returns False if ``raise_exception``
    is False).
    """
    from .._tensor import Tensor

    inputs = tuple(inputs) if isinstance(inputs, (tuple, list)) else (inputs,)
    differentiable = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not differentiable:
        raise ValueError("gradcheck expects at least one input tensor to require gradient, but none of the them have requires_grad=True.")
    outputs = [o for o in _outputs(func, inputs) if isinstance(o, Tensor) and o.dtype.is_floating_point]
    for i in differentiable:
        numerical = _numerical_jacobians(func, inputs, i, outputs, eps)
        analytical = _analytical_jacobians(outputs, inputs, i)
        for k, (n, a) in enumerate(zip(numerical, analytical)):
            excess = np.abs(a - n) - (atol + rtol * np.abs(n))
            if excess.size and (np.nanmax(excess) > 0 or np.isnan(a).any() != np.isnan(n).any()):
                row, col = np.unravel_index(int(np.nanargmax(excess)), excess.shape)
                message = (
                    f"Jacobian mismatch for output {k} with respect to input {i},\n"
                    f"worst element: d output[{row}] / d input[{col}] (flat indices): "
                    f"numerical {n[row, col]:.8g}, analytical {a[row, col]:.8g}\n"
                    f"numerical:{n}\nanalytical:{a}\n"
                )
                if raise_exception:
                    raise GradcheckError(message)
                return False
    return True
