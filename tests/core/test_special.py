"""erf, erfc: gradcheck, PyTorch parity (values, dtypes, grad_fn, gradients), in-place forms."""
import numpy as np
import pytest

import minigrad as mg

CASES = [
    ("erf", lambda m, a: m.erf(a), [(3, 4)]),
    ("erfc", lambda m, a: m.erfc(a), [(3, 4)]),
    ("erf_method_0d", lambda m, a: a.erf(), [()]),
    ("erfc_method", lambda m, a: a.erfc(), [(2, 3, 2)]),
]


def test_gradcheck(case, check_gradients):
    check_gradients(case)


def test_matches_torch(case, matches_torch):
    matches_torch(case)


@pytest.mark.parametrize("dtype", ["int64", "bool", "float32", "float16"])
@pytest.mark.parametrize("op", ["erf", "erfc"])
def test_dtypes_match_torch(op, dtype):
    torch = pytest.importorskip("torch")
    data = np.array([0, 1, 2, 0]).astype(dtype)
    ours, theirs = getattr(mg, op)(mg.tensor(data)), getattr(torch, op)(torch.tensor(data))
    assert ours.dtype.name == str(theirs.dtype).removeprefix("torch.")
    np.testing.assert_allclose(ours.numpy().astype(np.float64), theirs.numpy().astype(np.float64),
                               rtol=1e-3 if dtype == "float16" else 1e-6)


def test_inplace_forms():
    x = mg.tensor([0.0, 1.0])
    assert x.erf_() is x
    np.testing.assert_allclose(x.numpy(), [0.0, 0.8427007929497149], rtol=1e-6)
    y = mg.tensor([0.0])
    assert y.erfc_().tolist() == [1.0]
