"""Output length of a pooling window sliding along one axis (PyTorch's ``pooling_output_shape``).

Reference: :mod:`minigrad.kernels.reference.pool_output_size` (the window positions counted one by one).
"""


def pool_output_size(
    size: int, kernel: int, stride: int, pad: int, dilation: int = 1, ceil_mode: bool = False
) -> int:
    """Number of window positions along an axis of length ``size`` padded by ``pad`` on each side.

    A window of ``kernel`` taps spaced ``dilation`` apart spans ``dilation * (kernel - 1) + 1``
    elements, so the count of positions that fit is

        out = floor((size + 2 * pad - dilation * (kernel - 1) - 1) / stride) + 1

    With ``ceil_mode`` the division rounds up instead (a partial last window is kept), but, as in
    PyTorch, that extra window is dropped when it would start at or beyond ``size + pad``, i.e.
    entirely inside the right padding: every window must start inside the input or the left
    padding. Python's ``//`` floors like ATen's ``div_rtn``, so a negative numerator gives ``out <= 0``
    (the caller rejects such configurations).
    """
    span = dilation * (kernel - 1) + 1
    numerator = size + 2 * pad - span + (stride - 1 if ceil_mode else 0)
    out = numerator // stride + 1
    if ceil_mode and (out - 1) * stride >= size + pad:
        out -= 1
    return out
