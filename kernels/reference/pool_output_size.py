"""Output length of a pooling window sliding along one axis, by counting the window positions.

Fast kernel: :mod:`minigrad.kernels.pool_output_size` (PyTorch's closed formula).
"""


def pool_output_size(
    size: int, kernel: int, stride: int, pad: int, dilation: int = 1, ceil_mode: bool = False
) -> int:
    """Count window positions one by one on the padded axis of length ``L = size + 2 * pad``.

    A window spans ``dilation * (kernel - 1) + 1`` elements and window n starts at ``n * stride``
    (padded coordinates). Floor mode keeps a window while it fits inside L. Ceil mode keeps a window
    while the previous one (for n = 0, one stride before the start) did not yet reach the end of L,
    provided it starts inside the input or the left padding (``start < size + pad``), as PyTorch does.
    A count of 0 means no window fits: PyTorch rejects such a configuration.
    """
    span = dilation * (kernel - 1) + 1
    length = size + 2 * pad
    n = 0
    while True:
        start = n * stride
        if ceil_mode:
            keep = start < size + pad and (n - 1) * stride + span < length
        else:
            keep = start + span <= length
        if not keep:
            return n
        n += 1
