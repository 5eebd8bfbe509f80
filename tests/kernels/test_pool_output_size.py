"""pool_output_size: PyTorch's pooling output length, incl. the ceil_mode last-window rule, against
the window count of minigrad.kernels.reference.pool_output_size."""
import numpy as np
import pytest

from minigrad.kernels.pool_output_size import pool_output_size
from minigrad.kernels.reference.pool_output_size import pool_output_size as naive_output_size


@pytest.mark.parametrize(
    "args, expected",
    [
        ((5, 2, 2, 0, 1, False), 2),
        ((5, 2, 2, 0, 1, True), 3),  # partial last window kept
        ((5, 3, 3, 1, 1, True), 2),  # ceil would add a window starting in the right padding: dropped
        ((5, 3, 3, 1, 1, False), 2),
        ((7, 3, 1, 0, 2, False), 3),  # dilation 2: span 5
        ((1, 1, 1, 0, 1, False), 1),
        ((4, 2, 3, 1, 1, True), 2),
    ],
)
def test_named_cases(args, expected):
    assert pool_output_size(*args) == expected
    assert naive_output_size(*args) == expected


def random_configs(count, seed=0):
    rng = np.random.default_rng(seed)
    while count:
        kernel, stride, dilation = (int(v) for v in rng.integers(1, 5, 3))
        pad = int(rng.integers(0, kernel // 2 + 1))
        size = int(rng.integers(1, 13))
        if dilation * (kernel - 1) + 1 > size + 2 * pad:
            continue
        count -= 1
        yield size, kernel, stride, pad, dilation, bool(rng.integers(2))


def test_matches_naive_count():
    for config in random_configs(300):
        assert pool_output_size(*config) == naive_output_size(*config), config


def test_matches_torch():
    torch = pytest.importorskip("torch")
    for size, kernel, stride, pad, dilation, ceil_mode in random_configs(150, seed=1):
        x = torch.zeros(1, 1, 1, size)
        out = torch.nn.functional.max_pool2d(x, (1, kernel), (1, stride), (0, pad), (1, dilation), ceil_mode)
        assert pool_output_size(size, kernel, stride, pad, dilation, ceil_mode) == out.shape[-1]
