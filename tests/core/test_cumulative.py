"""cumsum, cumprod: gradcheck (cumprod also through zeros), PyTorch parity, dtypes, errors."""
import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import gradcheck

CASES = [
    ("cumsum", lambda m, a: m.cumsum(a, 1), [(3, 4)]),
    ("cumsum_negative_dim", lambda m, a: a.cumsum(-3), [(2, 3, 4)]),
    ("cumsum_0d", lambda m, a: m.cumsum(a, 0), [()]),
    ("cumsum_dtype", lambda m, a: m.cumsum(a, 0, dtype=m.float64), [(3, 2)]),
    ("cumprod", lambda m, a: m.cumprod(a, 1), [(3, 4)]),
    ("cumprod_negative_dim", lambda m, a: a.cumprod(-2), [(2, 3, 4)]),
    ("cumprod_0d", lambda m, a: m.cumprod(a, -1), [()]),
]


def test_gradcheck(case, check_gradients):
    check_gradients(case)


def test_matches_torch(case, matches_torch):
    matches_torch(case)


ZEROS = np.array([[1.5, 0.0, 2.0, -3.0], [0.0, 0.0, 2.0, 1.0], [2.0, 3.0, 0.0, -1.0], [0.5, -2.0, 1.5, 0.0]])


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cumprod_gradient_through_zeros(dim, torch_parity):
    """One zero, several zeros, a zero last: the gradient has no 0/0 (the division-free path)."""
    x = mg.tensor(ZEROS, requires_grad=True)
    assert gradcheck(lambda a: mg.cumprod(a, dim), (x,))
    torch_parity(lambda m, a: m.cumprod(a, dim), [mg.tensor(ZEROS, requires_grad=True)])


@pytest.mark.parametrize("dtype, expected", [("int32", "int64"), ("int64", "int64"), ("bool", "int64"),
                                             ("uint8", "int64"), ("float32", "float32"), ("float16", "float16")])
@pytest.mark.parametrize("op", ["cumsum", "cumprod"])
def test_dtypes_match_torch(op, dtype, expected):
    torch = pytest.importorskip("torch")
    data = np.array([[1, 2, 0], [3, 1, 1]]).astype(dtype)
    ours = getattr(mg, op)(mg.tensor(data), 1)
    theirs = getattr(torch, op)(torch.tensor(data), 1)
    assert ours.dtype.name == expected == str(theirs.dtype).removeprefix("torch.")
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())
    cast = getattr(mg, op)(mg.tensor(data), 0, dtype=mg.float64)
    assert cast.dtype == mg.float64
    np.testing.assert_array_equal(cast.numpy(), getattr(torch, op)(torch.tensor(data), 0, dtype=torch.float64).numpy())


def test_gradient_of_a_widened_cumsum_has_the_input_dtype():
    x = mg.ones(3, requires_grad=True)
    mg.cumsum(x, 0, dtype=mg.float64).sum().backward()
    assert x.grad.dtype == mg.float32 and x.grad.tolist() == [3.0, 2.0, 1.0]


def test_inplace_methods():
    x = mg.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert x.cumsum_(0) is x and x.tolist() == [[1.0, 2.0], [4.0, 6.0]]
    assert x.cumprod_(1).tolist() == [[1.0, 2.0], [4.0, 24.0]]


# Python-level argument errors (a wrong type, a missing argument): the same type, the parser's wording.
PARSER_ERRORS = {"dim_float", "dim_missing"}


@pytest.mark.parametrize("call", [
    lambda m: m.cumsum(m.ones(2, 3), 2),
    lambda m: m.cumprod(m.ones(2, 3), -3),
    lambda m: m.cumsum(m.ones(2, 3)),
    lambda m: m.cumsum(m.ones(2, 3), 1.0),
], ids=["dim_out_of_range", "negative_dim_out_of_range", "dim_missing", "dim_float"])
def test_errors_match_torch(call, request, same_error):
    same_error(call, exact=request.node.callspec.id not in PARSER_ERRORS)
