"""Counting and distinct values on CUDA tensors against the CPU: unique (sorted, inverse, counts,
along a dim, NaN each its own value), unique_consecutive, embedding's max_norm renormalisation
(the weight rescaled in place, and the gradient after it) and mode (values, indices, gradients)."""
import numpy as np
import pytest

import minigrad as mg

_TIES_AND_NAN = np.array([[1.0, np.nan, -2.0, 1.0], [0.5, 0.5, np.nan, -1.0], [3.0, 3.0, 3.0, 0.0]])
_INTS = np.array([[2, 0, 2], [1, 1, 0], [2, 0, 2], [1, 1, 0]])


def _both(fn, x: np.ndarray, **tensor_kwargs):
    """fn's results (a tuple of numpy arrays) on the CPU and on CUDA, checking where they live."""
    results = []
    for device in ("cpu", "cuda"):
        out = fn(mg.tensor(x, device=device, **tensor_kwargs))
        out = out if isinstance(out, tuple) else (out,)
        assert all(o.device == mg.device(device if device == "cpu" else "cuda:0") for o in out)
        results.append(out)
    return results


def _assert_same(cpu_out, cuda_out) -> None:
    assert len(cpu_out) == len(cuda_out)
    for c, g in zip(cpu_out, cuda_out):
        assert c.dtype == g.dtype and c.shape == g.shape
        np.testing.assert_array_equal(g.cpu().numpy(), c.numpy())


UNIQUE_CASES = [
    ("values", lambda t: mg.unique(t), _TIES_AND_NAN),
    ("inverse_and_counts", lambda t: mg.unique(t, return_inverse=True, return_counts=True), _TIES_AND_NAN),
    ("ints_inverse", lambda t: t.unique(return_inverse=True), _INTS),
    ("dim0", lambda t: mg.unique(t, return_inverse=True, return_counts=True, dim=0), _INTS),
    ("dim1_transposed", lambda t: mg.unique(t.T, return_inverse=True, return_counts=True, dim=1), _INTS),
    ("empty", lambda t: mg.unique(t[:0], return_inverse=True, return_counts=True), _INTS),
    ("consecutive", lambda t: mg.unique_consecutive(t, return_inverse=True, return_counts=True), _INTS),
    ("consecutive_nan", lambda t: mg.unique_consecutive(t, return_counts=True), _TIES_AND_NAN),
    ("consecutive_dim0", lambda t: mg.unique_consecutive(t, return_inverse=True, return_counts=True, dim=0),
     np.array([[1, 2], [1, 2], [0, 2], [1, 2]])),
    ("consecutive_dim1", lambda t: t.unique_consecutive(return_inverse=True, return_counts=True, dim=1), _INTS),
    ("consecutive_one_element", lambda t: mg.unique_consecutive(t[:1, 0], return_inverse=True, return_counts=True),
     _INTS),
    ("consecutive_empty", lambda t: mg.unique_consecutive(t[:0], return_inverse=True, return_counts=True), _INTS),
]


@pytest.mark.parametrize("name, fn, x", UNIQUE_CASES, ids=[c[0] for c in UNIQUE_CASES])
def test_unique_matches_cpu(name, fn, x):
    _assert_same(*_both(fn, x))


MODE_CASES = [
    ("last_dim", lambda t: mg.mode(t), np.array([[1.0, 2.0, 2.0, 1.0, 3.0], [0.0, 4.0, 4.0, 4.0, 0.0]])),
    ("dim0_keepdim", lambda t: mg.mode(t, 0, keepdim=True), np.round(np.random.default_rng(0).random((5, 3)) * 2)),
    ("middle_dim", lambda t: t.mode(1), np.round(np.random.default_rng(1).random((2, 4, 3)) * 2)),
    ("scalar", lambda t: mg.mode(t), np.array(1.5)),
    ("nan_each_its_own", lambda t: mg.mode(t), np.array([[np.nan, 1.0, np.nan, 2.0], [np.nan, 1.0, 1.0, np.nan],
                                                        [np.nan, np.nan, np.nan, 1.0]])),
]


@pytest.mark.parametrize("name, fn, x", MODE_CASES, ids=[c[0] for c in MODE_CASES])
def test_mode_values_indices_and_gradients_match_cpu(name, fn, x):
    results = []
    for device in ("cpu", "cuda"):
        tensor = mg.tensor(x, device=device, requires_grad=True)
        values, indices = fn(tensor)
        upstream = np.random.default_rng(2).standard_normal(values.shape)
        (values * mg.tensor(upstream, device=device)).sum().backward()
        results.append((values.detach(), indices, tensor.grad))
    _assert_same(*results)


def test_mode_of_an_empty_dim_raises():
    with pytest.raises(IndexError, match="Expected reduction dim 1 to have non-zero size"):
        mg.mode(mg.zeros(2, 0, device="cuda"))


@pytest.mark.parametrize("norm_type", [2.0, 1.0])
def test_embedding_max_norm_renormalizes_and_differentiates_as_on_cpu(norm_type):
    rng = np.random.default_rng(3)
    table = rng.standard_normal((5, 3)) * 2
    upstream = rng.standard_normal((2, 3, 3))
    indices = np.array([[0, 3, 3], [4, 0, 1]])  # rows 0 and 3 twice, row 2 never
    results = []
    for device in ("cpu", "cuda"):
        weight = mg.tensor(table, device=device, requires_grad=True)
        out = mg.nn.functional.embedding(mg.tensor(indices, device=device), weight, max_norm=1.5, norm_type=norm_type)
        (out * mg.tensor(upstream, device=device)).sum().backward()
        results.append((out.detach().cpu().numpy(), weight.detach().cpu().numpy(), weight.grad.cpu().numpy()))
    for cpu, cuda in zip(*results):
        np.testing.assert_allclose(cuda, cpu, rtol=1e-12)
    assert not np.allclose(results[1][1][[0, 3]], table[[0, 3]])  # rows were renormalised...
    assert np.array_equal(results[1][1][2], table[2])  # ...but not one never looked up


@pytest.mark.parametrize("name, fn, x", [
    ("bincount", lambda t: mg.bincount(t), np.array([3, 0, 3, 1, 3, 5])),
    ("bincount_minlength", lambda t: mg.bincount(t, minlength=8), np.array([3, 0, 3])),
    ("bincount_weights", lambda t: mg.bincount(t, mg.linspace(0, 1, 6, device=t.device)), np.array([3, 0, 3, 1, 3, 5])),
    ("histc", lambda t: mg.histc(t, bins=4), np.array([0.0, 0.25, 0.5, 1.0, 1.0, -2.0])),
    ("histc_range", lambda t: mg.histc(t, bins=3, min=-1, max=1), np.array([-1.0, 0.0, 1 / 3, 2.0])),
])
def test_bincount_and_histc_match_cpu(name, fn, x):
    _assert_same(*_both(fn, x))
