"""autocast against torch 2.13's CPU autocast (``torch.autocast('cpu', dtype=torch.float16)``): per op
class, the output's dtype, the gradients' dtypes and values; the region's state, nesting, threads,
the decorator form, the warnings and errors. CUDA regions run in tests/cuda/test_cuda_amp.py."""
import threading
import warnings

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.amp import policy

torch = pytest.importorskip("torch")
TF = torch.nn.functional

# name -> (input shapes, op given (library, its functional module, the inputs)). Inputs are in
# [0.5, 1.5), so logarithms, powers and divisions stay finite in float16.
CASES = {
    # lower precision
    "matmul": ([(3, 4), (4, 5)], lambda L, F, t: L.matmul(*t)),
    "mm": ([(3, 4), (4, 5)], lambda L, F, t: L.mm(*t)),
    "bmm": ([(2, 3, 4), (2, 4, 5)], lambda L, F, t: L.bmm(*t)),
    "@": ([(3, 4), (4, 5)], lambda L, F, t: t[0] @ t[1]),
    "addmm": ([(3, 5), (3, 4), (4, 5)], lambda L, F, t: L.addmm(*t)),
    "baddbmm": ([(2, 3, 5), (2, 3, 4), (2, 4, 5)], lambda L, F, t: L.baddbmm(*t)),
    "addbmm": ([(3, 5), (2, 3, 4), (2, 4, 5)], lambda L, F, t: L.addbmm(*t)),
    "linear": ([(3, 4), (5, 4), (5,)], lambda L, F, t: F.linear(*t)),
    "conv1d": ([(1, 2, 5), (3, 2, 2), (3,)], lambda L, F, t: F.conv1d(*t)),
    "conv2d": ([(1, 2, 4, 4), (3, 2, 2, 2)], lambda L, F, t: F.conv2d(*t, padding=1)),
    "conv_transpose2d": ([(1, 2, 3, 3), (2, 3, 2, 2)], lambda L, F, t: F.conv_transpose2d(*t, stride=2)),
    "prelu": ([(2, 3), (1,)], lambda L, F, t: F.prelu(*t)),
    "einsum": ([(3, 4), (4, 5)], lambda L, F, t: L.einsum("ij,jk->ik", *t)),
    "tensordot": ([(3, 4), (4, 5)], lambda L, F, t: L.tensordot(*t, 1)),
    # float32
    "prod": ([(4,)], lambda L, F, t: L.prod(*t)),
    "cdist": ([(2, 3), (4, 3)], lambda L, F, t: L.cdist(*t)),
    "trace": ([(3, 3)], lambda L, F, t: L.trace(*t)),
    "quantile": ([(5,)], lambda L, F, t: L.quantile(t[0], 0.3)),
    "mse_loss": ([(3,), (3,)], lambda L, F, t: F.mse_loss(*t)),
    "l1_loss": ([(3,), (3,)], lambda L, F, t: F.l1_loss(*t)),
    "smooth_l1_loss": ([(3,), (3,)], lambda L, F, t: F.smooth_l1_loss(*t)),
    "huber_loss": ([(3,), (3,)], lambda L, F, t: F.huber_loss(*t)),
    "nll_loss": ([(3, 4)], lambda L, F, t: F.nll_loss(t[0], L.tensor([0, 2, 1]))),
    "cross_entropy": ([(3, 4)], lambda L, F, t: F.cross_entropy(t[0], L.tensor([0, 2, 1]))),
    "binary_cross_entropy": ([(3,)], lambda L, F, t: F.binary_cross_entropy(t[0] / 2, L.tensor([0.0, 1, 1]))),
    "binary_cross_entropy_with_logits": ([(3,), (3,)], lambda L, F, t: F.binary_cross_entropy_with_logits(*t)),
    "kl_div": ([(3,), (3,)], lambda L, F, t: F.kl_div(*t, reduction="batchmean")),
    "poisson_nll_loss": ([(3,), (3,)], lambda L, F, t: F.poisson_nll_loss(*t)),
    "margin_ranking_loss": ([(3,), (3,)], lambda L, F, t: F.margin_ranking_loss(*t, L.tensor([1.0, -1, 1]))),
    "cosine_embedding_loss": ([(3, 4), (3, 4)],
                              lambda L, F, t: F.cosine_embedding_loss(*t, L.tensor([1.0, -1, 1]))),
    "triplet_margin_loss": ([(3, 4), (3, 4), (3, 4)], lambda L, F, t: F.triplet_margin_loss(*t)),
    # promote
    "cat": ([(3,), (2,)], lambda L, F, t: L.cat(t)),
    "stack": ([(3,), (3,)], lambda L, F, t: L.stack(t)),
    # neither: in the inputs' dtypes (float32 ops of CUDA's list among them)
    "mv": ([(3, 4), (4,)], lambda L, F, t: L.mv(*t)),
    "dot": ([(4,), (4,)], lambda L, F, t: L.dot(*t)),
    "inner": ([(4,), (4,)], lambda L, F, t: L.inner(*t)),
    "softmax": ([(2, 3)], lambda L, F, t: F.softmax(t[0], 1)),
    "log_softmax": ([(2, 3)], lambda L, F, t: t[0].log_softmax(1)),
    "exp": ([(3,)], lambda L, F, t: t[0].exp()),
    "pow": ([(3,)], lambda L, F, t: t[0] ** 2),
    "sum": ([(3,)], lambda L, F, t: t[0].sum()),
    "cumsum": ([(3,)], lambda L, F, t: L.cumsum(t[0], 0)),
    "layer_norm": ([(2, 3)], lambda L, F, t: F.layer_norm(t[0], (3,))),
    "relu": ([(3,)], lambda L, F, t: F.relu(t[0])),
    "add": ([(3,), (3,)], lambda L, F, t: t[0] + t[1]),
}


def _inputs(shapes, dtypes, seed):
    rng = np.random.default_rng(seed)
    arrays = [(rng.random(s) + 0.5).astype(np.float32) for s in shapes]
    ours = [mg.tensor(a, dtype=getattr(mg, d), requires_grad=True) for a, d in zip(arrays, dtypes)]
    theirs = [torch.tensor(a, dtype=getattr(torch, d), requires_grad=True) for a, d in zip(arrays, dtypes)]
    return ours, theirs


def _run(library, functional, op, inputs, dtype):
    with library.autocast("cpu", dtype=dtype):
        out = op(library, functional, inputs)
    out.backward(library.ones_like(out))
    return out


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("dtypes", ["float32", "float16", "mixed"])
def test_op_dtypes_and_gradients_equal_torch_cpu_autocast(name, dtypes):
    shapes, op = CASES[name]
    kinds = {"float32": ["float32"] * len(shapes), "float16": ["float16"] * len(shapes),
             "mixed": ["float16"] + ["float32"] * (len(shapes) - 1)}[dtypes]
    if (name, dtypes) == ("tensordot", "mixed"):
        pytest.skip("torch's tensordot refuses two dtypes before it reaches mm's cast; minigrad casts them")
    ours, theirs = _inputs(shapes, kinds, seed=len(name))
    try:
        expected = _run(torch, TF, op, theirs, torch.float16)
    except RuntimeError:  # mixed dtypes where torch's op takes one dtype: minigrad refuses too
        with pytest.raises(RuntimeError):
            _run(mg, F, op, ours, mg.float16)
        return
    out = _run(mg, F, op, ours, mg.float16)
    assert out.dtype.name == str(expected.dtype).removeprefix("torch.")
    np.testing.assert_allclose(out.detach().float().numpy(), expected.detach().float().numpy(),
                               rtol=1e-2, atol=1e-2)
    for mine, reference in zip(ours, theirs):
        assert mine.grad.dtype.name == str(reference.grad.dtype).removeprefix("torch.") == mine.dtype.name
        np.testing.assert_allclose(mine.grad.float().numpy(), reference.grad.float().numpy(), rtol=2e-2, atol=2e-2)


def test_casts_are_recorded_and_weights_cast_once_per_region():
    x = mg.rand(3, 4, requires_grad=True) * 2  # an activation: not a leaf
    w = mg.rand(5, 4, requires_grad=True)
    with mg.autocast("cpu", dtype=mg.float16):
        y = F.linear(x, w)
        z = F.linear(x, w)
        first, second = y.grad_fn.next_functions[0][0], z.grad_fn.next_functions[0][0]
        assert first.name() == "ToCopyBackward0"
        assert y.grad_fn.next_functions[1][0] is z.grad_fn.next_functions[1][0]  # the weight's cast, cached
        assert first is not second  # an activation (not a leaf) is cast at each use
    with mg.autocast("cpu", dtype=mg.float16, cache_enabled=False):
        y, z = F.linear(x, w), F.linear(x, w)
        assert y.grad_fn.next_functions[1][0] is not z.grad_fn.next_functions[1][0]
    (y.sum() + z.sum()).backward()
    assert w.grad.dtype is mg.float32


def test_nothing_changes_outside_a_region_or_in_a_disabled_one():
    x, w = mg.rand(3, 4), mg.rand(5, 4)
    assert F.linear(x, w).dtype is mg.float32
    with mg.autocast("cpu", dtype=mg.float16):
        with mg.autocast("cpu", enabled=False):
            assert F.linear(x, w).dtype is mg.float32
            assert not mg.is_autocast_enabled("cpu")
        assert F.linear(x, w).dtype is mg.float16
        assert x.double().matmul(w.double().t()).dtype is mg.float64  # float64 is not eligible
    assert F.linear(x, w).dtype is mg.float32


def test_in_place_forms_do_not_autocast():
    a, b, c = mg.rand(3, 5), mg.rand(3, 4), mg.rand(4, 5)
    expected = mg.addmm(a, b, c)
    with mg.autocast("cpu", dtype=mg.float16):
        a.addmm_(b, c)
    assert a.dtype is mg.float32
    np.testing.assert_array_equal(a.numpy(), expected.numpy())


def test_state_queries_nesting_and_decorator():
    assert not mg.is_autocast_enabled() and not mg.is_autocast_enabled("cpu")
    assert mg.get_autocast_dtype("cuda") is mg.float16
    assert mg.get_autocast_dtype("cpu") is None  # PyTorch's bfloat16: minigrad has none
    assert mg.amp.is_autocast_available("cpu") and mg.amp.is_autocast_available("cuda")
    assert not mg.amp.is_autocast_available("meta")
    assert mg.autocast is mg.amp.autocast

    @mg.autocast("cpu", dtype=mg.float16)
    def product(a, b):
        """Doc."""
        assert mg.is_autocast_enabled("cpu") and not mg.is_autocast_enabled()
        return a @ b

    assert product(mg.rand(2, 2), mg.rand(2, 2)).dtype is mg.float16
    assert product.__doc__ == "Doc." and not mg.is_autocast_enabled("cpu")
    with pytest.raises(ZeroDivisionError):
        with mg.autocast("cpu", dtype=mg.float16):
            1 / 0
    assert not mg.is_autocast_enabled("cpu")


def test_a_region_is_per_thread():
    seen = []
    inside, done = threading.Event(), threading.Event()

    def other():
        inside.wait()
        seen.append((mg.is_autocast_enabled("cpu"), (mg.rand(2, 2) @ mg.rand(2, 2)).dtype))
        done.set()

    thread = threading.Thread(target=other)
    thread.start()
    with mg.autocast("cpu", dtype=mg.float16):
        inside.set()
        done.wait()
    thread.join()
    assert seen == [(False, mg.float32)]


def _warning(make):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = make()
    return [str(w.message) for w in caught], [w.category for w in caught], result


def test_unsupported_dtype_and_unavailable_cuda_warn_and_disable_as_torch():
    messages, _, region = _warning(lambda: mg.autocast("cpu"))
    theirs, _, _ = _warning(lambda: torch.autocast("cpu", dtype=torch.float32))
    assert messages == [theirs[0].replace("torch.bfloat16, torch.float16", "minigrad.float16")]
    assert not region._enabled
    with region:
        assert (mg.rand(2, 2) @ mg.rand(2, 2)).dtype is mg.float32
    assert _warning(lambda: mg.autocast("cpu", dtype=mg.float32))[0] == messages
    # tests outside tests/cuda see no CUDA, as torch's CPU build
    for ours, reference in [(lambda: mg.autocast("cuda"), lambda: torch.autocast("cuda")),
                            (lambda: mg.amp.GradScaler("cuda"), lambda: torch.amp.GradScaler("cuda")),
                            (lambda: mg.cuda.amp.autocast(), lambda: torch.cuda.amp.autocast()),
                            (lambda: mg.cuda.amp.GradScaler(), lambda: torch.cuda.amp.GradScaler())]:
        mine, categories, made = _warning(ours)
        expected, expected_categories, _ = _warning(reference)
        assert mine == expected and categories == expected_categories
        assert not (made._enabled if isinstance(made, mg.autocast) else made.is_enabled())


def test_bad_arguments_raise_as_torch():
    with pytest.raises(ValueError, match="Expected `device_type` of type `str`, got: `<class 'int'>`"):
        mg.autocast(3)
    with pytest.raises(RuntimeError, match="unsupported scalarType"):
        mg.autocast("meta")
    with pytest.raises(RuntimeError, match="unknown device type for autocast"):
        mg.is_autocast_enabled("meta")
    with pytest.raises(TypeError, match="requires a callable, but got int"):
        mg.autocast("cpu", dtype=mg.float16)(3)


def test_explicit_dtype_is_respected():
    x = mg.rand(2, 3).half()
    with mg.autocast("cpu", dtype=mg.float16):
        assert mg.softmax(x, 1, dtype=mg.float16).dtype is mg.float16


def test_custom_fwd_casts_inputs_and_custom_bwd_replays_the_state():
    class Product(mg.autograd.Function):
        @staticmethod
        @mg.amp.custom_fwd(device_type="cpu", cast_inputs=mg.float32)
        def forward(ctx, a, b):
            assert not mg.is_autocast_enabled("cpu")
            ctx.save_for_backward(a, b)
            return a @ b

        @staticmethod
        @mg.amp.custom_bwd(device_type="cpu")
        def backward(ctx, grad):
            a, b = ctx.saved_tensors
            return grad @ b.t(), a.t() @ grad

    a, b = mg.rand(2, 3, requires_grad=True), mg.rand(3, 2).half().requires_grad_()
    with mg.autocast("cpu", dtype=mg.float16):
        out = Product.apply(a, b)
    assert out.dtype is mg.float32
    out.sum().backward()
    assert a.grad.dtype is mg.float32 and b.grad.dtype is mg.float16
    with pytest.raises(ValueError, match="Expected `device_type` of type `str`"):
        mg.amp.custom_fwd(device_type=None)


def test_cuda_amp_aliases_warn_as_torch():
    for name in ("custom_fwd", "custom_bwd"):
        mine = _warning(lambda: getattr(mg.cuda.amp, name)(lambda ctx: None))[0]
        theirs = _warning(lambda: getattr(torch.cuda.amp, name)(lambda ctx: None))[0]
        assert mine == theirs
    from minigrad.cuda.amp import GradScaler

    assert issubclass(GradScaler, mg.amp.GradScaler)


def test_the_policy_names_only_decorated_ops():
    decorated = set()
    for module in (mg, F, mg.linalg):
        for value in vars(module).values():
            if callable(value) and hasattr(value, "uncast"):
                decorated.add(value.__name__)
    for device_type, table in policy.POLICY.items():
        assert set(table) <= decorated, (device_type, set(table) - decorated)


def _cnn(library):
    nn = library.nn
    return nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Linear(16, 8), nn.LayerNorm(8), nn.GELU(), nn.Linear(8, 3))


def test_a_cnn_with_norm_layers_trains_under_autocast_as_torch():
    """Norm layers get float16 activations and keep float32 parameters (PyTorch's mixed-type norms)."""
    reference = _cnn(torch)
    model = _cnn(mg)
    model.load_state_dict({k: mg.tensor(v.detach().numpy()) for k, v in reference.state_dict().items()})
    images = np.random.default_rng(0).random((5, 1, 4, 4)).astype(np.float32)
    labels = [0, 2, 1, 1, 0]
    losses = []
    for library, net in ((mg, model), (torch, reference)):
        with library.autocast("cpu", dtype=library.float16):
            logits = net(library.tensor(images))
            loss = library.nn.functional.cross_entropy(logits, library.tensor(labels))
        loss.backward()
        losses.append((str(logits.dtype).split(".")[-1], str(loss.dtype).split(".")[-1], loss.item()))
    assert losses[0][:2] == losses[1][:2] == ("float16", "float32")
    assert losses[0][2] == pytest.approx(losses[1][2], rel=1e-3)
    for (name, mine), theirs in zip(model.named_parameters(), reference.parameters()):
        assert mine.grad.dtype is mg.float32, name
        np.testing.assert_allclose(mine.grad.numpy(), theirs.grad.numpy(), rtol=2e-2, atol=2e-3, err_msg=name)
    np.testing.assert_allclose(model[1].running_var.numpy(), reference[1].running_var.numpy(), rtol=1e-3)


def test_mixed_type_norms_take_float32_parameters_only():
    x = mg.rand(2, 3).half()
    with pytest.raises(RuntimeError, match="^mixed dtype \\(CPU\\): expect parameter to have scalar type of Float$"):
        F.layer_norm(x, (3,), mg.ones(3), mg.zeros(3).half())
    assert F.layer_norm(x, (3,), mg.ones(3), mg.zeros(3)).dtype is mg.float16


def test_tensors_given_by_keyword_are_cast_too():
    x, w = mg.rand(3, 4), mg.rand(5, 4)
    with mg.autocast("cpu", dtype=mg.float16):
        assert F.linear(input=x, weight=w).dtype is mg.float16
        assert F.mse_loss(input=x.half(), target=x.half()).dtype is mg.float32
