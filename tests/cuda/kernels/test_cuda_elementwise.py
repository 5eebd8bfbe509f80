"""Every op of the elementwise and reduction tables (kernels/cuda/elementwise.py, reduction.py)
against numpy itself, their CPU sibling, for each dtype numpy has a loop for: values, result dtype,
broadcasting and strided operands. Inputs stay inside each op's domain (the simulator runs the ops as
Python, where ``math.log(-1)`` raises instead of giving NaN)."""
import numpy as np
import pytest

from minigrad.kernels.cuda import elementwise, reduction
from minigrad.kernels.cuda.array import CudaArray

DTYPES = [np.float16, np.float32, np.float64, np.int64, np.bool_]
# Inputs inside an op's domain, where it is narrower than "any real"; others draw from [-3, 3].
_DOMAIN = {"log": (0.1, 3), "log2": (0.1, 3), "log10": (0.1, 3), "log1p": (-0.9, 3), "sqrt": (0, 3),
           "arcsin": (-0.9, 0.9), "arccos": (-0.9, 0.9), "arctanh": (-0.9, 0.9), "arccosh": (1.1, 3),
           "power": (0.1, 2), "left_shift": (0, 3), "right_shift": (0, 3)}
_NONZERO_DIVISOR = {"divide", "floor_divide", "remainder", "fmod", "reciprocal"}


def _inputs(name: str, dtype, count: int, rng) -> list[np.ndarray]:
    low, high = _DOMAIN.get(name, (-3, 3))
    arrays = []
    for _ in range(count):
        values = rng.uniform(low, high, size=(3, 4))
        if np.dtype(dtype).kind in "iub":
            values = np.clip(np.round(values), np.ceil(low), np.floor(high))
        if name in _NONZERO_DIVISOR:
            values[values == 0] = 1
        arrays.append(values.astype(dtype))
    if name == "power" and np.dtype(dtype).kind == "i":
        arrays[1] = np.abs(arrays[1])  # numpy refuses negative integer powers of integers
    return arrays


def _numpy_loop_exists(ufunc, dtype) -> bool:
    try:
        ufunc.resolve_dtypes((np.dtype(dtype),) * ufunc.nin + (None,))
    except TypeError:
        return False
    return True


OPS = [(name, dtype) for table in (elementwise.UNARY, elementwise.BINARY) for name in table
       if hasattr(np, name)  # frexp's two parts, nextafter's per type: tests of their own below
       for dtype in DTYPES if _numpy_loop_exists(getattr(np, name), dtype)
       and not (name in _NONZERO_DIVISOR and dtype == np.bool_)]  # a bool divisor of 1 only: no test


@pytest.mark.parametrize("name, dtype", OPS, ids=[f"{n}-{np.dtype(d).name}" for n, d in OPS])
def test_each_op_matches_numpy(name, dtype):
    ufunc = getattr(np, name)
    host = _inputs(name, dtype, ufunc.nin, np.random.default_rng(0))
    expected = ufunc(*host)
    result = ufunc(*(CudaArray.from_host(a) for a in host)).to_host()
    assert result.dtype == expected.dtype
    np.testing.assert_allclose(result, expected, rtol=1e-6 if dtype == np.float32 else 1e-12)


def test_where_selects_from_broadcast_operands():
    rng = np.random.default_rng(1)
    condition, a, b = rng.random((3, 4)) > 0.5, rng.standard_normal((1, 4)), rng.standard_normal((3, 1))
    result = np.where(CudaArray.from_host(condition), CudaArray.from_host(a), CudaArray.from_host(b))
    np.testing.assert_array_equal(result.to_host(), np.where(condition, a, b))


def test_strided_and_broadcast_operands_with_a_python_scalar():
    a = np.arange(24, dtype=np.float64).reshape(2, 3, 4)
    b = np.linspace(-1, 1, 2)[:, None]
    device_a = CudaArray.from_host(a).transpose(2, 0, 1)[::2]  # a strided view, no copy
    result = np.add(device_a, CudaArray.from_host(b)) * 0.5
    np.testing.assert_array_equal(result.to_host(), np.add(a.transpose(2, 0, 1)[::2], b) * 0.5)


REDUCTIONS = [(name, axis) for name in ("sum", "prod", "max", "min", "any", "all", "mean", "argmax", "argmin")
              for axis in (None, 0, 1, (0, 2)) if not (name.startswith("arg") and isinstance(axis, tuple))]


@pytest.mark.parametrize("transposed", [False, True], ids=["contiguous", "transposed"])
@pytest.mark.parametrize("dtype", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name, axis", REDUCTIONS)
def test_each_reduction_matches_numpy(name, axis, dtype, transposed):
    host = np.round(np.random.default_rng(2).uniform(-2, 2, size=(3, 4, 5))).astype(dtype)
    device = CudaArray.from_host(host)
    if transposed:  # a strided view (a cast to the accumulator's dtype copies it)
        host, device = host.transpose(2, 0, 1), device.transpose(2, 0, 1)
    expected = getattr(np, name)(host, axis=axis)
    result = getattr(np, name)(device, axis=axis).to_host()
    assert result.dtype == expected.dtype
    np.testing.assert_allclose(result, expected, rtol=1e-6)


@pytest.mark.parametrize("name", ["sum", "max", "all"])
def test_a_long_reduction_folds_its_parts_twice(name, monkeypatch):
    monkeypatch.setattr(reduction, "_PART", 4)  # parts of 4: a 50-element row folds in 12 parts
    values = np.random.default_rng(3).standard_normal((3, 50))
    host = values > -1 if name == "all" else values
    result = getattr(np, name)(CudaArray.from_host(host), axis=1).to_host()
    np.testing.assert_allclose(result, getattr(np, name)(host, axis=1), rtol=1e-12)


@pytest.mark.parametrize("name", ["log", "log2", "log10", "log1p", "sqrt", "arcsin", "arccos", "arccosh", "arctanh"])
def test_outside_the_domain_gives_numpys_inf_or_nan(name):
    host = np.array([-2.0, -1.0, 0.0, 1.0, 2.0, np.nan, np.inf])
    with np.errstate(all="ignore"):
        expected = getattr(np, name)(host)
    np.testing.assert_allclose(getattr(np, name)(CudaArray.from_host(host)).to_host(), expected, rtol=1e-15)


@pytest.mark.parametrize("call", [lambda np_, a: np_.sinc(a), lambda np_, a: np_.round(a * 10),
                                  lambda np_, a: np_.round(a, 2), lambda np_, a: np_.around(a, -1)])
def test_numpy_python_level_functions(call):
    host = np.array([-2.5, -0.5, 0.0, 0.123456, 0.5, 1.5, 27.0])
    np.testing.assert_allclose(call(np, CudaArray.from_host(host)).to_host(), call(np, host), rtol=1e-12)


@pytest.mark.parametrize("shape, strides_of, expected", [
    ((2, 3, 4), [(12, 4, 1)], ((24,), [(1,)])),                          # contiguous: one dim
    ((2, 3, 4), [(12, 4, 1), (0, 0, 1)], ((6, 4), [(4, 1), (0, 1)])),     # broadcast rows stay apart
    ((2, 1, 4), [(4, 4, 1), (0, 0, 0)], ((8,), [(1,), (0,)])),           # size-1 dims dropped
    ((3, 4), [(1, 3)], ((3, 4), [(1, 3)])),                              # a transpose keeps its dims
    ((), [()], ((1,), [(0,)])),                                          # 0-d: one element
])
def test_coalesce_merges_dims_every_view_steps_over_as_one(shape, strides_of, expected):
    assert elementwise.coalesce(shape, strides_of) == (expected[0], expected[1])


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64, np.int64])
def test_frexp_gives_numpys_two_outputs(dtype):
    host = np.array([[0.0, -0.75, 3.0], [1e-3, np.inf, np.nan]]).astype(dtype) if dtype != np.int64 else \
        np.array([[0, -3, 8], [1, 5, 1 << 40]])
    expected, result = np.frexp(host), np.frexp(CudaArray.from_host(host))
    for want, got in zip(expected, result):
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got.to_host(), want)


@pytest.mark.parametrize("ufunc, dtypes, dtype", [
    (np.divide, (np.float32, np.int64), np.float32), (np.divide, (np.int64, np.int64), np.float32),
    (np.add, (np.bool_, np.bool_), np.int64), (np.less, (np.float32, np.int64), np.bool_),
    (np.multiply, (np.float32, np.float32), np.float64), (np.power, (np.float16, np.int64), np.float16)])
def test_dtype_fixes_the_output_and_numpy_picks_the_loop_from_it(ufunc, dtypes, dtype):
    """``dtype=`` means the output's dtype: float32 / int64 with dtype=float32 divides in float32."""
    host = [np.array([[1, 2], [3, 7]]).astype(d) for d in dtypes]
    expected = ufunc(*host, dtype=dtype)
    result = ufunc(*(CudaArray.from_host(a) for a in host), dtype=dtype).to_host()
    assert result.dtype == expected.dtype
    np.testing.assert_array_equal(result, expected)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_nextafter_steps_one_unit_as_numpy_at_every_edge(dtype):
    """Both directions from zeros, powers of two (the spacing halves below them), the smallest
    normal and subnormal values, the largest value, infinities and NaN."""
    info = np.finfo(dtype)
    edges = np.array([0.0, -0.0, 1.0, -1.0, 0.75, 3.0, 1e-3, info.tiny, info.smallest_subnormal,
                      2 * info.smallest_subnormal, info.max, -info.max, np.inf, -np.inf, np.nan], dtype)
    x = np.repeat(edges, 4)
    y = np.tile(np.array([np.inf, -np.inf, 0.0, np.nan], dtype), len(edges))
    y[::4] = np.where(x[::4] == np.inf, 0, y[::4])
    expected = np.nextafter(x, y)
    result = np.nextafter(CudaArray.from_host(x), CudaArray.from_host(y)).to_host()
    assert result.dtype == expected.dtype
    np.testing.assert_array_equal(result, expected)
