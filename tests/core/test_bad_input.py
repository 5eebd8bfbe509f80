"""Inputs a new user gets wrong, answered as PyTorch answers them: the same exception type and
message for a missing or non-tensor argument, and inf / nan computed silently (no numpy
RuntimeWarning) where the math has no finite value, in forward and in backward."""
import warnings

import numpy as np
import pytest

import minigrad as mg

# ---- empty and non-tensor sequences ---------------------------------------------------------

SEQUENCE_ERRORS = [
    ("cat_empty_list", lambda m: m.cat([])),
    ("cat_empty_tuple", lambda m: m.cat(())),
    ("stack_empty", lambda m: m.stack([])),
    ("cat_none", lambda m: m.cat(None)),
    ("cat_tensor", lambda m: m.cat(m.ones(3))),
    ("cat_array", lambda m: m.cat(np.ones(3))),
    ("stack_tensor", lambda m: m.stack(m.ones(3))),
    ("cat_array_element", lambda m: m.cat([m.ones(3), np.ones(3)])),
    ("cat_float_element", lambda m: m.cat([m.ones(1), 2.0])),
    ("stack_array_element", lambda m: m.stack([np.ones(3), m.ones(3)])),
]


@pytest.mark.parametrize("call", [c[1] for c in SEQUENCE_ERRORS], ids=[c[0] for c in SEQUENCE_ERRORS])
def test_sequence_errors_match_torch(call, same_error):
    same_error(call)


def test_cat_of_nothing_is_a_value_error():
    with pytest.raises(ValueError, match=r"^torch\.cat\(\): expected a non-empty list of Tensors$"):
        mg.cat([])


# ---- inf and nan without warnings ------------------------------------------------------------

def _values(m, values):
    return m.tensor(values, dtype=m.float64)


SILENT = [
    ("0/0", lambda m, x: x / x, [0.0, 1.0]),
    ("1/0", lambda m, x: 1 / x, [0.0, -0.0, 2.0]),
    ("log0", lambda m, x: m.log(x), [0.0, -1.0, 2.0]),
    ("exp1000", lambda m, x: m.exp(x), [1000.0, -1000.0]),
    ("sqrt-1", lambda m, x: m.sqrt(x), [-1.0, 0.0, 4.0]),
    ("rsqrt0", lambda m, x: m.rsqrt(x), [0.0, -1.0, 4.0]),
    ("reciprocal0", lambda m, x: m.reciprocal(x), [0.0, 2.0]),
    ("pow-1", lambda m, x: x ** -1, [0.0, 2.0]),
    ("pow_half", lambda m, x: m.pow(x, 0.5), [-1.0, 0.0, 4.0]),
    ("pow_base_negative", lambda m, x: m.pow(m.tensor(-2.0, dtype=m.float64), x), [0.5, 2.0]),
    ("pow_base_zero", lambda m, x: m.pow(m.tensor(0.0, dtype=m.float64), x), [-1.0, 0.0, 2.0]),
    ("inf-inf", lambda m, x: x - x, [float("inf"), 1.0]),
    ("inf*0", lambda m, x: x * (x - x), [float("inf"), 1.0]),
    ("tanh_inf", lambda m, x: m.tanh(x), [float("inf"), -float("inf")]),
    ("sigmoid_inf", lambda m, x: m.sigmoid(x), [float("inf"), -float("inf"), float("nan")]),
    ("mean_empty", lambda m, x: x[:0].mean() + x.sum(), [1.0]),
    ("logsumexp_-inf", lambda m, x: m.logsumexp(x * float("inf"), 0), [-1.0, -2.0]),
    ("softmax_inf", lambda m, x: m.softmax(x, 0), [float("inf"), 1.0]),
    ("norm_zero", lambda m, x: x.norm(), [0.0, 0.0]),
    ("std_zero", lambda m, x: x.std(), [1.0, 1.0]),
    ("cumprod_zero", lambda m, x: m.cumprod(x, 0), [0.0, 2.0, 0.0]),
]


@pytest.mark.parametrize("fn, values", [c[1:] for c in SILENT], ids=[c[0] for c in SILENT])
def test_inf_and_nan_silently_as_torch(fn, values):
    torch = pytest.importorskip("torch")
    x = _values(mg, values).requires_grad_()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = fn(mg, x)
        ours.backward(mg.ones_like(ours))
    theirs_x = _values(torch, values).requires_grad_()
    theirs = fn(torch, theirs_x)
    theirs.backward(torch.ones_like(theirs))
    np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy())
    np.testing.assert_allclose(x.grad.numpy(), theirs_x.grad.numpy())


@pytest.mark.parametrize("op", ["floor_divide", "remainder", "fmod"])
def test_float_modulus_by_zero_is_silent(op):
    torch = pytest.importorskip("torch")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours = getattr(mg, op)(mg.tensor([1.0, -1.0, 0.0]), 0.0)
    theirs = getattr(torch, op)(torch.tensor([1.0, -1.0, 0.0]), 0.0)
    np.testing.assert_array_equal(ours.numpy(), theirs.numpy())


INTEGER_DIVISION_BY_ZERO = [
    ("floor_divide", lambda m: m.floor_divide(m.tensor([1, 2]), m.tensor([0, 1]))),
    ("floordiv_operator", lambda m: m.tensor([1, 2]) // 0),
    ("remainder", lambda m: m.remainder(m.tensor([1, 2]), 0)),
    ("mod_operator", lambda m: m.tensor([1, 2]) % m.tensor([1, 0])),
    ("fmod", lambda m: m.fmod(m.tensor([1, 2]), m.tensor([0, 1]))),
    ("div_floor", lambda m: m.div(m.tensor([1, 2]), 0, rounding_mode="floor")),
    ("div_trunc", lambda m: m.div(m.tensor([1, 2]), m.tensor([0, 1]), rounding_mode="trunc")),
    ("int_pow_negative", lambda m: m.pow(m.tensor([1, 2]), -1)),
    ("int_pow_operator", lambda m: m.tensor([2]) ** -2),
]


@pytest.mark.parametrize("call", [c[1] for c in INTEGER_DIVISION_BY_ZERO], ids=[c[0] for c in INTEGER_DIVISION_BY_ZERO])
def test_integer_errors_match_torch(call, same_error):
    same_error(call)


@pytest.mark.parametrize("divisor", [2, -2, 3])
def test_integer_trunc_division_stays_integer(divisor):
    torch = pytest.importorskip("torch")
    values = [-7, -6, 0, 5, 7]
    ours = mg.div(mg.tensor(values), divisor, rounding_mode="trunc")
    theirs = torch.div(torch.tensor(values), divisor, rounding_mode="trunc")
    assert ours.dtype == mg.int64
    assert ours.tolist() == theirs.tolist()


# ---- reductions over too few elements ----------------------------------------------------

@pytest.mark.parametrize("op", ["var", "std"])
@pytest.mark.parametrize("shape, dim", [((1,), None), ((0,), None), ((0, 3), 0), ((2, 1), 1)])
def test_no_degrees_of_freedom_warn_and_give_nan_as_torch(op, shape, dim):
    torch = pytest.importorskip("torch")
    x = mg.ones(shape, dtype=mg.float64, requires_grad=True)
    with pytest.warns(UserWarning, match=rf"^{op}\(\): degrees of freedom is <= 0\. Correction should be strictly "
                                         r"less than the reduction factor \(input numel divided by output numel\)\.$"):
        ours = getattr(mg, op)(x, dim)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs_x = torch.ones(shape, dtype=torch.float64, requires_grad=True)
        theirs = getattr(torch, op)(theirs_x, dim)
        theirs.sum().backward()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ours.sum().backward()
    np.testing.assert_array_equal(ours.detach().numpy(), theirs.detach().numpy())
    np.testing.assert_array_equal(x.grad.numpy(), theirs_x.grad.numpy())


def test_mean_of_nothing_is_nan_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = mg.zeros(0, 3).mean(0)
    assert out.shape == (3,) and np.isnan(out.numpy()).all()


# ---- non-tensor arguments ---------------------------------------------------------------------

def _t(m, *shape, dtype=None):
    return m.ones(*shape, dtype=dtype) if shape else m.ones(())


def _long(m, *shape):
    return m.zeros(*shape, dtype=m.int64)


# (id, call(m, array), the argument named in the message). ``array`` is a numpy array standing where
# the op needs a tensor; every call raises TypeError naming that argument.
NON_TENSOR = [
    # torch.<name>(array) for the functions of one tensor
    *((name, lambda m, a, name=name: getattr(m, name)(a), "input")
      for name in ["exp", "log", "sigmoid", "tanh", "abs", "neg", "sum", "mean", "var", "std", "max", "argmax",
                   "sort", "flatten", "squeeze", "isnan", "clone", "numel", "is_floating_point"]),
    ("cumsum", lambda m, a: m.cumsum(a, 0), "input"),
    ("reshape", lambda m, a: m.reshape(a, (6,)), "input"),
    ("transpose", lambda m, a: m.transpose(a, 0, 1), "input"),
    ("unsqueeze", lambda m, a: m.unsqueeze(a, 0), "input"),
    ("add_input", lambda m, a: m.add(a, 1), "input"),
    ("add_other", lambda m, a: m.add(_t(m, 2, 3), a), "other"),
    ("sub_other", lambda m, a: m.sub(_t(m, 2, 3), a), "other"),
    ("mul_list", lambda m, a: m.mul(_t(m, 2, 3), a.tolist()), "other"),
    ("div_other", lambda m, a: m.div(_t(m, 2, 3), a), "other"),
    ("maximum", lambda m, a: m.maximum(_t(m, 2, 3), a), "other"),
    ("logical_and", lambda m, a: m.logical_and(_t(m, 2, 3), a), "other"),
    ("isclose", lambda m, a: m.isclose(_t(m, 2, 3), a), "other"),
    ("matmul_input", lambda m, a: m.matmul(a, _t(m, 3, 2)), "input"),
    ("matmul_other", lambda m, a: m.matmul(_t(m, 3, 2), a), "other"),
    ("mm", lambda m, a: m.mm(_t(m, 3, 2), a), "mat2"),
    ("bmm", lambda m, a: m.bmm(a, _t(m, 1, 3, 2)), "input"),
    ("dot", lambda m, a: m.dot(_t(m, 3), a[0]), "tensor"),
    ("outer", lambda m, a: m.outer(a[0], _t(m, 3)), "input"),
    ("gather_index", lambda m, a: m.gather(_t(m, 2, 3), 0, a), "index"),
    ("index_select_index", lambda m, a: m.index_select(_t(m, 2, 3), 0, a[0]), "index"),
    ("where_condition", lambda m, a: m.where(a > 0), "condition"),
    ("cdist", lambda m, a: m.cdist(a, _t(m, 2, 3)), "x1"),
    ("cat_element", lambda m, a: m.cat([_t(m, 2, 3), a]), None),
    ("einsum_operand", lambda m, a: m.einsum("ij,ij->", _t(m, 2, 3), a), None),
    ("linear_input", lambda m, a: m.nn.functional.linear(a, _t(m, 4, 3)), "input"),
    ("linear_weight", lambda m, a: m.nn.functional.linear(_t(m, 2, 3), a), "weight"),
    ("linear_bias", lambda m, a: m.nn.functional.linear(_t(m, 2, 3), _t(m, 4, 3), a[0, :4]), "bias"),
    ("Linear_module", lambda m, a: m.nn.Linear(3, 4)(a), "input"),
    ("conv2d_weight", lambda m, a: m.nn.functional.conv2d(_t(m, 1, 1, 3, 3), a.reshape(1, 1, 2, 3)), "weight"),
    ("conv_transpose2d", lambda m, a: m.nn.functional.conv_transpose2d(a.reshape(1, 1, 2, 3),
                                                                       _t(m, 1, 1, 2, 2)), "input"),
    ("conv_transpose1d", lambda m, a: m.nn.functional.conv_transpose1d(a.reshape(1, 2, 3), _t(m, 2, 1, 2)),
     "input"),
    ("Conv2d_module", lambda m, a: m.nn.Conv2d(1, 1, 2)(a.reshape(1, 1, 2, 3)), "input"),
    ("relu", lambda m, a: m.nn.functional.relu(a), "input"),
    ("relu_module", lambda m, a: m.nn.ReLU()(a), "input"),
    ("gelu", lambda m, a: m.nn.functional.gelu(a), "input"),
    ("leaky_relu", lambda m, a: m.nn.functional.leaky_relu(a), "input"),
    ("softmax", lambda m, a: m.softmax(a, 0), "input"),
    ("F_softmax", lambda m, a: m.nn.functional.softmax(a, 0), "input"),
    ("dropout", lambda m, a: m.nn.functional.dropout(a), "input"),
    ("max_pool2d", lambda m, a: m.nn.functional.max_pool2d(a.reshape(1, 1, 2, 3), 2), "input"),
    ("avg_pool2d", lambda m, a: m.nn.functional.avg_pool2d(a.reshape(1, 1, 2, 3), 2), "input"),
    ("layer_norm", lambda m, a: m.nn.functional.layer_norm(a, (3,)), "input"),
    ("batch_norm", lambda m, a: m.nn.functional.batch_norm(a, None, None, training=True), "input"),
    ("BatchNorm1d_module", lambda m, a: m.nn.BatchNorm1d(3)(a), "input"),
    ("pad", lambda m, a: m.nn.functional.pad(a, (1, 1)), "input"),
    ("embedding_weight", lambda m, a: m.nn.functional.embedding(_long(m, 2), a), "weight"),
    ("mse_loss", lambda m, a: m.nn.functional.mse_loss(a, _t(m, 2, 3)), "input"),
    ("mse_loss_target", lambda m, a: m.nn.functional.mse_loss(_t(m, 2, 3), a), "target"),
    ("cross_entropy", lambda m, a: m.nn.functional.cross_entropy(a, _long(m, 2)), "input"),
    ("cross_entropy_target", lambda m, a: m.nn.functional.cross_entropy(_t(m, 2, 3), a[:, 0]), "target"),
    ("nll_loss_target", lambda m, a: m.nn.functional.nll_loss(_t(m, 2, 3), a[:, 0]), "target"),
    ("bce", lambda m, a: m.nn.functional.binary_cross_entropy(a, _t(m, 2, 3)), "input"),
    ("kl_div", lambda m, a: m.nn.functional.kl_div(a, _t(m, 2, 3), reduction="batchmean"), "input"),
    ("cosine_similarity", lambda m, a: m.nn.functional.cosine_similarity(a, _t(m, 2, 3)), "x1"),
    ("pairwise_distance", lambda m, a: m.nn.functional.pairwise_distance(a, _t(m, 2, 3)), "x1"),
    ("triplet_margin_loss", lambda m, a: m.nn.functional.triplet_margin_loss(a, _t(m, 2, 3), _t(m, 2, 3)),
     "anchor"),
    ("one_hot", lambda m, a: m.nn.functional.one_hot(a.astype(np.int64)), "input"),
]


def _message_names_argument(message: str, name) -> bool:
    if name is None:
        return message.startswith("expected Tensor as element ")
    return f"argument '{name}' (position " in message and "must be Tensor, not " in message


@pytest.mark.parametrize("call, name", [c[1:] for c in NON_TENSOR], ids=[c[0] for c in NON_TENSOR])
def test_non_tensor_argument_raises_torch_type_error(call, name):
    """PyTorch's own message where its Python layer gives the plain form; elsewhere it answers
    with an overload listing ("received an invalid combination of arguments") or even an
    AttributeError, and minigrad gives the plain form naming the argument."""
    torch = pytest.importorskip("torch")
    array = np.ones((2, 3), np.float32)
    with pytest.raises(TypeError) as ours:
        call(mg, array)
    assert _message_names_argument(str(ours.value), name), str(ours.value)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            call(torch, array)
    except TypeError as theirs:
        if _message_names_argument(str(theirs), name) or name is None:
            assert str(ours.value) == str(theirs)
            return
    except Exception:  # noqa: BLE001  (torch's Python layer fails first: AttributeError and the like)
        return
    else:
        pytest.fail("torch accepted the array")


def test_method_forms_name_the_argument():
    """Methods number positions as the function form does (PyTorch counts from after self)."""
    with pytest.raises(TypeError, match=r"^add\(\): argument 'other' \(position 2\) must be Tensor, not "
                                        r"numpy\.ndarray$"):
        mg.ones(3).add(np.ones(3))
    with pytest.raises(TypeError, match=r"^mul\(\): argument 'other' \(position 2\) must be Tensor, not list$"):
        mg.ones(3).mul_([1.0])


def test_non_tensor_type_names_follow_torch():
    class Custom:
        pass

    for value, name in [(np.float64(1.0), "numpy.float64"), (Custom(), "Custom"), (None, "NoneType"),
                        ([1.0], "list"), ((1.0,), "tuple"), ("x", "str")]:
        with pytest.raises(TypeError, match=rf"^exp\(\): argument 'input' \(position 1\) must be Tensor, not {name}$"):
            mg.exp(value)


def test_operators_take_arrays_and_numbers_as_torch():
    x = mg.tensor([1.0, 2.0])
    assert (x + np.array([1.0, 1.0])).tolist() == [2.0, 3.0]
    assert (np.array([1.0, 1.0]) + x).tolist() == [2.0, 3.0]
    assert (x * np.float64(2)).tolist() == [2.0, 4.0]
    y = mg.tensor([1.0, 2.0])
    y += np.array([1.0, 1.0])
    assert y.tolist() == [2.0, 3.0]
    assert (x == None) is False and (x != None) is True  # noqa: E711  (PyTorch's answer to a comparison with None)
    with pytest.raises(TypeError, match=r"^unsupported operand type\(s\) for \+: 'Tensor' and 'NoneType'$"):
        x + None
    with pytest.raises(TypeError, match=r"^unsupported operand type\(s\) for -: 'Tensor' and 'list'$"):
        x - [1.0, 2.0]
    with pytest.raises(TypeError, match=r"^'<' not supported between instances of 'Tensor' and 'str'$"):
        x < "a"


# ---- dtypes an op does not take ------------------------------------------------------------------

DTYPE_ERRORS = [
    ("softmax_long", lambda m: m.softmax(m.tensor([[1, 2], [3, 4]]), 1)),
    ("softmax_long_dim0", lambda m: m.softmax(m.tensor([[1, 2], [3, 4]]), 0)),
    ("log_softmax_bool", lambda m: m.log_softmax(m.tensor([True, False]), 0)),
    ("softmax_dtype_long", lambda m: m.softmax(m.tensor([1.0, 2.0]), 0, dtype=m.int64)),
    ("softmin_long", lambda m: m.nn.functional.softmin(m.tensor([[1, 2]]), 1)),
    ("var_long", lambda m: m.var(m.tensor([1, 2, 3]))),
    ("std_bool", lambda m: m.std(m.tensor([True, False]), 0)),
    ("relu_bool", lambda m: m.relu(m.tensor([True]))),
    ("abs_bool", lambda m: m.abs(m.tensor([True]))),
    ("floor_bool", lambda m: m.floor(m.tensor([True]))),
    ("round_bool", lambda m: m.round(m.tensor([True]))),
    ("round_decimals_long", lambda m: m.round(m.tensor([1, 2]), decimals=1)),
    ("neg_bool", lambda m: -m.tensor([True])),
    ("sub_bools", lambda m: m.tensor([True]) - m.tensor([False])),
    ("sub_bool_int", lambda m: 1 - m.tensor([True])),
    ("argmax_bool", lambda m: m.argmax(m.tensor([True, False]))),
    ("topk_bool", lambda m: m.topk(m.tensor([True, False]), 1)),
    ("where_float_condition", lambda m: m.where(m.tensor([1.0]), 1.0, 0.0)),
    ("mean_long", lambda m: m.mean(m.tensor([1, 2]))),
]


@pytest.mark.parametrize("call", [c[1] for c in DTYPE_ERRORS], ids=[c[0] for c in DTYPE_ERRORS])
def test_dtype_errors_match_torch(call, same_error):
    same_error(call)


DTYPE_RESULTS = [
    ("clamp_long_to_float", lambda m: m.clamp(m.tensor([1, 2, 3]), 1.5)),
    ("clamp_long_to_long", lambda m: m.clamp(m.tensor([1, 2, 3]), 2)),
    ("square_bool", lambda m: m.square(m.tensor([True, False]))),
    ("sign_bool", lambda m: m.sign(m.tensor([True, False]))),
    ("minimum_bool", lambda m: m.minimum(m.tensor([True, False]), m.tensor([True, True]))),
    ("minimum_long", lambda m: m.minimum(m.tensor([1, 5]), m.tensor([3, 2]))),
    ("floor_long", lambda m: m.floor(m.tensor([1, -2]))),
]


@pytest.mark.parametrize("call", [c[1] for c in DTYPE_RESULTS], ids=[c[0] for c in DTYPE_RESULTS])
def test_result_dtypes_match_torch(call):
    torch = pytest.importorskip("torch")
    ours, theirs = call(mg), call(torch)
    assert ours.dtype.name == str(theirs.dtype).removeprefix("torch.")
    assert ours.tolist() == theirs.tolist()
