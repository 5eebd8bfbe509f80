"""movedim / moveaxis against PyTorch (dims moved to any place, several at once, negative dims)."""
import numpy as np
import pytest

import minigrad

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("source, destination", [(1, 0), (0, 3), ((0, 1), (3, 2)), (-1, 1), ((1, 3), (0, 1))])
def test_movedim_matches_pytorch(source, destination):
    array = np.random.default_rng(0).standard_normal((2, 3, 4, 5))
    ours = minigrad.movedim(minigrad.tensor(array), source, destination)
    theirs = torch.movedim(torch.tensor(array), source, destination)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
