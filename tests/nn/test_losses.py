"""Losses (F forms and modules): float64 gradcheck across options, PyTorch parity of outputs and
gradients over seeded random configurations, stability at huge logits, reprs/buffers/legacy flags,
and PyTorch's exception types and messages for bad input."""
import warnings

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.autograd import gradcheck

REDUCTIONS = ["mean", "sum", "none"]


def rand(*shape, seed=0, low=-2.0, high=2.0):
    return np.random.default_rng(seed).uniform(low, high, shape)


def tensor(array, requires_grad=False):
    return minigrad.tensor(array, requires_grad=requires_grad)


def class_targets(shape, num_classes, seed=0, ignore_index=None):
    """Random class indices; with ``ignore_index``, every third one is replaced by it."""
    target = np.random.default_rng(seed).integers(0, num_classes, shape)
    if ignore_index is not None:
        target.reshape(-1)[::3] = ignore_index
    return target


# ---- gradcheck (float64) --------------------------------------------------------------------
# (input shape, target shape): batched, K-dimensional and unbatched class scores.
CLASS_SHAPES = {"2d": ((4, 5), (4,)), "3d": ((2, 4, 3), (2, 3)), "4d": ((2, 3, 2, 2), (2, 2, 2)), "1d": ((5,), ())}
CE_OPTIONS = {
    "plain": {},
    "weight": {"weight": True},
    "ignore": {"ignore_index": -100},
    "smoothing": {"label_smoothing": 0.3},
    "all": {"weight": True, "ignore_index": 1, "label_smoothing": 0.2},
}


def class_case(shape_name, options, seed=0):
    input_shape, target_shape = CLASS_SHAPES[shape_name]
    num_classes = input_shape[1] if len(input_shape) > 1 else input_shape[0]
    ignore_index = options.get("ignore_index")
    # Unbatched has one row: ignoring it would leave nothing to check.
    target = class_targets(target_shape, num_classes, seed, None if shape_name == "1d" else ignore_index)
    kwargs = {k: v for k, v in options.items() if k != "weight"}
    if options.get("weight"):
        kwargs["weight"] = tensor(rand(num_classes, seed=seed + 1, low=0.2, high=2.0))
    return tensor(rand(*input_shape, seed=seed), requires_grad=True), tensor(target), kwargs


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", CE_OPTIONS)
@pytest.mark.parametrize("shape_name", CLASS_SHAPES)
def test_cross_entropy_class_indices_gradcheck(shape_name, options, reduction):
    x, target, kwargs = class_case(shape_name, CE_OPTIONS[options])
    assert gradcheck(lambda x: F.cross_entropy(x, target, reduction=reduction, **kwargs), (x,))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.25])
@pytest.mark.parametrize("shape_name", CLASS_SHAPES)
def test_cross_entropy_probabilities_gradcheck(shape_name, smoothing, reduction):
    """Probability targets and their class weights are differentiable too, as in PyTorch."""
    shape = CLASS_SHAPES[shape_name][0]
    num_classes = shape[1] if len(shape) > 1 else shape[0]
    x = tensor(rand(*shape), requires_grad=True)
    probabilities = tensor(rand(*shape, seed=1, low=0.0, high=1.0), requires_grad=True)
    weight = tensor(rand(num_classes, seed=2, low=0.2, high=2.0), requires_grad=True)
    assert gradcheck(lambda x, p, w: F.cross_entropy(x, p, weight=w, reduction=reduction, label_smoothing=smoothing),
                     (x, probabilities, weight))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", ["plain", "weight", "ignore"])
@pytest.mark.parametrize("shape_name", CLASS_SHAPES)
def test_nll_loss_gradcheck(shape_name, options, reduction):
    x, target, kwargs = class_case(shape_name, CE_OPTIONS[options])
    assert gradcheck(lambda x: F.nll_loss(x, target, reduction=reduction, **kwargs), (x,))


def test_nll_after_log_softmax_equals_cross_entropy():
    x, target, kwargs = class_case("4d", CE_OPTIONS["weight"], seed=3)
    fused = F.cross_entropy(x, target, **kwargs)
    composed = F.nll_loss(F.log_softmax(x, dim=1), target, **kwargs)
    np.testing.assert_allclose(fused.item(), composed.item(), rtol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("loss", ["mse_loss", "l1_loss"])
def test_regression_losses_gradcheck(loss, reduction):
    fn = getattr(F, loss)
    x = tensor(rand(3, 4), requires_grad=True)
    y = tensor(rand(3, 4, seed=1), requires_grad=True)  # |x - y| away from 0, the kink of l1
    weight = tensor(rand(3, 4, seed=2, low=0.1, high=1.0), requires_grad=True)
    assert gradcheck(lambda x, y: fn(x, y, reduction=reduction), (x, y))
    assert gradcheck(lambda x, y, w: fn(x, y, reduction=reduction, weight=w), (x, y, weight))
    with pytest.warns(UserWarning, match="different to the input size"):
        assert gradcheck(lambda x, y: fn(x, y, reduction=reduction), (x, tensor(rand(4, seed=3), requires_grad=True)))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_binary_cross_entropy_gradcheck(weighted, reduction):
    x = tensor(rand(3, 4, low=0.05, high=0.95), requires_grad=True)
    y = tensor(rand(3, 4, seed=1, low=0.0, high=1.0), requires_grad=True)
    weight = tensor(rand(4, seed=2, low=0.2, high=2.0)) if weighted else None
    assert gradcheck(lambda x, y: F.binary_cross_entropy(x, y, weight=weight, reduction=reduction), (x, y))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weights", ["none", "weight", "pos_weight", "both"])
def test_binary_cross_entropy_with_logits_gradcheck(weights, reduction):
    x = tensor(rand(3, 4, low=-4, high=4), requires_grad=True)
    y = tensor(rand(3, 4, seed=1, low=0.0, high=1.0), requires_grad=True)
    weight = tensor(rand(3, 1, seed=2, low=0.2, high=2.0)) if weights in ("weight", "both") else None
    pos_weight = tensor(rand(4, seed=3, low=0.2, high=3.0)) if weights in ("pos_weight", "both") else None
    assert gradcheck(lambda x, y: F.binary_cross_entropy_with_logits(
        x, y, weight=weight, pos_weight=pos_weight, reduction=reduction), (x, y))


# ---- PyTorch parity over random configurations -----------------------------------------------
LOSSES = ["cross_entropy", "nll_loss", "mse_loss", "l1_loss", "binary_cross_entropy",
          "binary_cross_entropy_with_logits"]
# The random configurations visit cross_entropy (the training hot path, most options) three times as often.
CASE_LOSSES = LOSSES + ["cross_entropy"] * 2


def random_case(seed: int) -> tuple:
    """(loss name, {argument: numpy array}, other kwargs, names of the differentiable arguments)."""
    rng = np.random.default_rng(seed)
    name = CASE_LOSSES[seed % len(CASE_LOSSES)]
    dtype = (np.float32, np.float64)[rng.integers(2)]
    kwargs = {"reduction": str(rng.choice(REDUCTIONS))}

    def floats(shape, low=-3.0, high=3.0):
        return rng.uniform(low, high, shape).astype(dtype)

    if name in ("cross_entropy", "nll_loss"):
        batch, classes = int(rng.integers(1, 6)), int(rng.integers(1, 7))
        spatial = [(), (int(rng.integers(1, 4)),), tuple(int(s) for s in rng.integers(1, 4, 2))][rng.integers(3)]
        unbatched = rng.random() < 0.15
        shape, target_shape = ((classes,), ()) if unbatched else ((batch, classes, *spatial), (batch, *spatial))
        arrays = {"input": floats(shape, -8, 8)}
        if name == "cross_entropy" and rng.random() < 0.3:
            rows = rng.dirichlet(np.ones(classes), target_shape)  # class axis last, each row sums to 1
            arrays["target"] = np.moveaxis(rows, -1, 0 if unbatched else 1).astype(dtype)
            differentiable = ["input", "target"]
        else:
            target = rng.integers(0, classes, target_shape)
            if rng.random() < 0.5 and target.size > 1:
                kwargs["ignore_index"] = int(rng.choice([-100, 0]))
                target.reshape(-1)[rng.random(target.size) < 0.3] = kwargs["ignore_index"]
            arrays["target"] = target
            differentiable = ["input"]
        if rng.random() < 0.5:
            arrays["weight"] = rng.uniform(0.1, 3.0, classes).astype(dtype)
        if name == "cross_entropy" and rng.random() < 0.5:
            kwargs["label_smoothing"] = float(rng.uniform(0, 1))
        return name, arrays, kwargs, differentiable
    shape = tuple(int(s) for s in rng.integers(1, 5, rng.integers(0, 4)))
    if name in ("mse_loss", "l1_loss"):
        arrays = {"input": floats(shape), "target": floats(shape)}
        if rng.random() < 0.3:
            arrays["weight"] = floats(shape, 0.1, 2.0)
        return name, arrays, kwargs, ["input", "target"]
    trailing = shape[rng.integers(len(shape) + 1):]  # a weight shape that broadcasts to the input
    if name == "binary_cross_entropy":
        arrays = {"input": floats(shape, 0.01, 0.99), "target": floats(shape, 0.0, 1.0)}
    else:
        arrays = {"input": floats(shape, -6, 6), "target": floats(shape, 0.0, 1.0)}
        if rng.random() < 0.5:
            arrays["pos_weight"] = floats(shape[-1:], 0.1, 4.0)
    if rng.random() < 0.5:
        arrays["weight"] = floats(trailing, 0.1, 2.0)
    if rng.random() < 0.3:
        arrays["target"] = np.round(arrays["target"])  # hard 0/1 labels
    return name, arrays, kwargs, ["input", "target"]


def run_loss(lib, case) -> list:
    """Output and the gradients of the differentiable arguments, as numpy arrays."""
    name, arrays, kwargs, differentiable = case
    tensors = {k: lib.tensor(v, requires_grad=k in differentiable) for k, v in arrays.items()}
    out = getattr(lib.nn.functional, name)(**tensors, **kwargs)
    upstream = np.random.default_rng(7).uniform(0.5, 1.5, tuple(out.shape)).astype(arrays["input"].dtype)
    out.backward(lib.tensor(upstream))
    return [out.detach().numpy()] + [tensors[k].grad.numpy() for k in differentiable]


@pytest.mark.parametrize("seed", range(100))
def test_matches_torch_on_random_configurations(seed):
    torch = pytest.importorskip("torch")
    case = random_case(seed)
    ours, theirs = run_loss(minigrad, case), run_loss(torch, case)
    tolerance = {"rtol": 2e-5, "atol": 2e-6} if case[1]["input"].dtype == np.float32 else {"rtol": 1e-10, "atol": 1e-12}
    for mine, reference in zip(ours, theirs):
        assert mine.shape == reference.shape and mine.dtype == reference.dtype
        np.testing.assert_allclose(mine, reference, **tolerance)


# ---- stability, edge cases, the graph -----------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_huge_logits_give_finite_losses_and_gradients(dtype):
    torch = pytest.importorskip("torch")
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, 1e4], [0.0, 1e4, -1e4]], dtype)
    cases = [
        ("cross_entropy", logits, np.array([1, 2, 2]), {"label_smoothing": 0.1}),
        ("cross_entropy", logits, np.full(logits.shape, 1 / 3, dtype), {}),
        ("binary_cross_entropy_with_logits", logits, np.eye(3, dtype=dtype), {"pos_weight": np.full(3, 2.0, dtype)}),
    ]
    for name, x, target, kwargs in cases:
        results = []
        for lib in (minigrad, torch):
            xt = lib.tensor(x, requires_grad=True)
            other = {k: lib.tensor(v) for k, v in kwargs.items() if isinstance(v, np.ndarray)}
            loss = getattr(lib.nn.functional, name)(xt, lib.tensor(target), **{**kwargs, **other})
            loss.backward()
            results.append((loss.item(), xt.grad.numpy()))
        (loss, grad), (torch_loss, torch_grad) = results
        assert np.isfinite(loss) and np.isfinite(grad).all()
        np.testing.assert_allclose(loss, torch_loss, rtol=1e-6)
        np.testing.assert_allclose(grad, torch_grad, rtol=1e-6, atol=1e-7)


def test_binary_cross_entropy_clamps_log_and_gradient():
    """PyTorch's clamps: log >= -100, so a certain wrong answer costs 100, and |grad| <= 1e12."""
    x = tensor(np.array([0.0, 1.0, 0.0, 1.0]), requires_grad=True)
    loss = F.binary_cross_entropy(x, tensor(np.array([1.0, 0.0, 0.0, 1.0])), reduction="none")
    loss.sum().backward()
    np.testing.assert_array_equal(loss.detach().numpy(), [100.0, 100.0, 0.0, 0.0])
    np.testing.assert_array_equal(x.grad.numpy(), [-1e12, 1e12, 0.0, 0.0])


def test_cross_entropy_is_one_fused_node():
    """No log_softmax node in the graph: the loss node feeds the leaf's accumulator directly."""
    x = tensor(rand(4, 5), requires_grad=True)
    loss = F.cross_entropy(x, tensor(class_targets((4,), 5)))
    assert loss.grad_fn.name() == "NllLossBackward0"
    assert [node.name() for node, _ in loss.grad_fn.next_functions if node is not None] == ["AccumulateGrad"]


def test_ignored_rows_get_no_gradient_and_are_not_counted():
    x = tensor(rand(6, 4), requires_grad=True)
    target = np.array([0, -100, 3, -100, 2, 1])
    kept = target != -100
    loss = F.cross_entropy(x, tensor(target))
    loss.backward()
    assert np.all(x.grad.numpy()[~kept] == 0) and np.all(x.grad.numpy()[kept] != 0)
    np.testing.assert_allclose(loss.item(), F.cross_entropy(x[kept.tolist()], tensor(target[kept])).item(), rtol=1e-12)


def test_empty_or_fully_ignored_batch_mean_is_nan():
    x = tensor(rand(2, 3))
    assert np.isnan(F.cross_entropy(x, tensor(np.array([-100, -100]))).item())
    assert F.cross_entropy(x, tensor(np.array([-100, -100])), reduction="sum").item() == 0
    assert np.isnan(F.cross_entropy(tensor(rand(0, 3)), tensor(np.zeros(0, np.int64))).item())
    assert np.isnan(F.mse_loss(tensor(rand(0)), tensor(rand(0))).item())


def test_uint8_targets_and_negative_smoothing_as_pytorch():
    """Byte targets are accepted (with ignore_index=255, common in segmentation); smoothing <= 0 is off."""
    x = tensor(rand(3, 5))
    target = np.array([1, 255, 4], np.uint8)
    expected = F.cross_entropy(x[[0, 2]], tensor(np.array([1, 4])))
    assert F.cross_entropy(x, tensor(target), ignore_index=255).item() == pytest.approx(expected.item())
    assert F.cross_entropy(x, tensor(np.array([1, 2, 3])), label_smoothing=-0.5).item() == \
        pytest.approx(F.cross_entropy(x, tensor(np.array([1, 2, 3]))).item())


def test_loss_shapes_for_reduction_none():
    targets = tensor(class_targets((2, 4, 5), 3))
    assert F.cross_entropy(tensor(rand(2, 3, 4, 5)), targets, reduction="none").shape == (2, 4, 5)
    assert F.cross_entropy(tensor(rand(2, 3, 4)), tensor(rand(2, 3, 4)), reduction="none").shape == (2, 4)
    assert F.cross_entropy(tensor(rand(5)), tensor(np.array(2)), reduction="none").shape == ()
    assert F.nll_loss(tensor(rand(5)), tensor(np.array([2])), reduction="none").shape == ()
    assert F.binary_cross_entropy_with_logits(tensor(rand(2, 3)), tensor(rand(2, 3, low=0, high=1)),
                                              reduction="none").shape == (2, 3)


def test_float32_stays_float32():
    x = minigrad.randn(4, 3)
    assert F.cross_entropy(x, minigrad.tensor([0, 1, 2, 0])).dtype == minigrad.float32
    assert F.mse_loss(x, minigrad.randn(4, 3)).dtype == minigrad.float32
    assert F.binary_cross_entropy_with_logits(x, minigrad.rand(4, 3)).dtype == minigrad.float32


# ---- modules ----------------------------------------------------------------------------------
def module_cases(lib, weight):
    return {
        "CrossEntropyLoss()": lambda: lib.nn.CrossEntropyLoss(),
        "CrossEntropyLoss(options)": lambda: lib.nn.CrossEntropyLoss(weight=weight, ignore_index=1, reduction="sum",
                                                                     label_smoothing=0.1),
        "NLLLoss(weight)": lambda: lib.nn.NLLLoss(weight, reduction="none"),
        "MSELoss()": lambda: lib.nn.MSELoss(),
        "L1Loss(sum)": lambda: lib.nn.L1Loss(reduction="sum"),
        "BCELoss(weight)": lambda: lib.nn.BCELoss(weight=weight),
        "BCEWithLogitsLoss(weights)": lambda: lib.nn.BCEWithLogitsLoss(weight=weight, pos_weight=weight * 2),
    }


def inputs_for(name, lib):
    x = rand(4, 3, seed=11)
    if name.startswith(("CrossEntropy", "NLL")):
        return lib.tensor(x, requires_grad=True), lib.tensor(np.array([0, 1, 2, 1]))
    if name.startswith("BCELoss"):
        probabilities = rand(4, 3, low=0.05, high=0.95)
        return lib.tensor(probabilities, requires_grad=True), lib.tensor(rand(4, 3, seed=1, low=0, high=1))
    return lib.tensor(x, requires_grad=True), lib.tensor(rand(4, 3, seed=2, low=0, high=1))


@pytest.mark.parametrize("name", list(module_cases(minigrad, None)))
def test_modules_match_torch(name):
    torch = pytest.importorskip("torch")
    weight = np.array([0.5, 1.0, 2.0])
    ours = module_cases(minigrad, minigrad.tensor(weight))[name]()
    theirs = module_cases(torch, torch.tensor(weight))[name]()
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [k for k, _ in ours.named_buffers()] == [k for k, _ in theirs.named_buffers()]
    (x, target), (tx, t_target) = inputs_for(name, minigrad), inputs_for(name, torch)
    out, t_out = ours(x, target), theirs(tx, t_target)
    out.sum().backward()
    t_out.sum().backward()
    np.testing.assert_allclose(out.detach().numpy(), t_out.detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_module_weight_is_a_buffer_that_follows_dtype_casts():
    criterion = nn.CrossEntropyLoss(weight=minigrad.tensor([1.0, 2.0, 3.0]))
    assert list(criterion.state_dict()) == ["weight"] and criterion.weight.dtype == minigrad.float32
    criterion.double()
    assert criterion.weight.dtype == minigrad.float64
    x = minigrad.tensor(rand(2, 3), requires_grad=True)
    assert criterion(x, minigrad.tensor([0, 2])).dtype == minigrad.float64
    assert list(nn.BCEWithLogitsLoss(pos_weight=minigrad.ones(3)).state_dict()) == ["pos_weight"]


@pytest.mark.parametrize("size_average", [None, True, False])
@pytest.mark.parametrize("reduce", [None, True, False])
def test_legacy_size_average_and_reduce(size_average, reduce):
    torch = pytest.importorskip("torch")
    if size_average is None and reduce is None:
        return
    with pytest.warns(UserWarning, match="size_average and reduce args will be deprecated") as ours:
        criterion = nn.NLLLoss(size_average=size_average, reduce=reduce)
    with pytest.warns(UserWarning) as theirs:
        expected = torch.nn.NLLLoss(size_average=size_average, reduce=reduce).reduction
    assert criterion.reduction == expected
    assert str(ours[0].message) == str(theirs[0].message)
    x, target = tensor(rand(3, 4)), tensor(np.array([0, 1, 3]))
    with pytest.warns(UserWarning, match=f"reduction='{expected}'"):
        legacy = F.cross_entropy(x, target, size_average=size_average, reduce=reduce)
    np.testing.assert_allclose(legacy.numpy(), F.cross_entropy(x, target, reduction=expected).numpy())


# ---- bad input: PyTorch's exception types and messages ------------------------------------------
def _x(m, *shape):
    return m.tensor(rand(*shape).astype(np.float32))


def _long(m, values):
    return m.tensor(np.array(values, np.int64))


BAD_INPUT = {
    "target out of bounds": (lambda m: m.nn.functional.cross_entropy(_x(m, 3, 5), _long(m, [1, 2, 10])),
                             IndexError, "Target 10 is out of bounds."),
    "negative target": (lambda m: m.nn.functional.cross_entropy(_x(m, 3, 5), _long(m, [1, -1, 2])),
                        IndexError, "Target -1 is out of bounds."),
    "nll target out of bounds": (lambda m: m.nn.functional.nll_loss(_x(m, 2, 3, 2), _long(m, [[0, 1], [3, 0]])),
                                 IndexError, "Target 3 is out of bounds."),
    "smoothing target out of bounds": (
        lambda m: m.nn.functional.cross_entropy(_x(m, 3, 5), _long(m, [1, 7, 10]), label_smoothing=0.1),
        IndexError, "Target 7 is out of bounds."),
    "float class target": (lambda m: m.nn.functional.cross_entropy(_x(m, 3, 5), _x(m, 3)),
                           RuntimeError, "expected target dtype to be Long or Byte, but got Float"),
    "int32 class target": (lambda m: m.nn.functional.nll_loss(_x(m, 3, 5), m.tensor(np.array([1, 2, 3], np.int32))),
                           RuntimeError, "expected target dtype to be Long or Byte, but got Int"),
    "float target of another shape": (lambda m: m.nn.functional.cross_entropy(_x(m, 3, 5), _x(m, 3, 4)),
                                      RuntimeError, "0D or 1D target tensor expected, multi-target not supported"),
    "integer probability target": (lambda m: m.nn.functional.cross_entropy(_x(m, 3, 5), _long(m, np.ones((3, 5)))),
                                   RuntimeError, "Expected floating point type for target with class probabilities, "
                                                 "got Long"),
    "probabilities with ignore_index": (
        lambda m: m.nn.functional.cross_entropy(_x(m, 3, 5), _x(m, 3, 5), ignore_index=1),
        RuntimeError, "ignore_index is not supported for floating point target"),
    "batch size mismatch": (lambda m: m.nn.functional.cross_entropy(_x(m, 3, 5), _long(m, [1, 2])),
                            ValueError, "Expected input batch_size (3) to match target batch_size (2)."),
    "nll batch size mismatch": (lambda m: m.nn.functional.nll_loss(_x(m, 3, 5, 2), _long(m, np.zeros((2, 2)))),
                                ValueError, "Expected input batch_size (3) to match target batch_size (2)."),
    "unbatched with two targets": (lambda m: m.nn.functional.cross_entropy(_x(m, 5), _long(m, [1, 2])),
                                   ValueError, "For 1D input, 1D target must have size 1, but got target size: 2"),
    "0-d input": (lambda m: m.nn.functional.nll_loss(_x(m), _long(m, 0)),
                  ValueError, "Expected 1 or more dimensions (got 0)"),
    "4d input, 2d target": (lambda m: m.nn.functional.cross_entropy(_x(m, 2, 3, 4, 5), _long(m, np.zeros((2, 4)))),
                            RuntimeError, "only batches of spatial targets supported (3D tensors) but got targets of "
                                          "dimension: 2"),
    "4d spatial mismatch": (lambda m: m.nn.functional.cross_entropy(_x(m, 2, 3, 4, 5), _long(m, np.zeros((2, 4, 4)))),
                            RuntimeError, "size mismatch (got input: [2, 3, 4, 5] , target: [2, 4, 4]"),
    "3d spatial mismatch": (lambda m: m.nn.functional.nll_loss(_x(m, 2, 3, 4), _long(m, np.zeros((2, 5)))),
                            RuntimeError, "Expected target size [2, 4], got [2, 5]"),
    "weight of the wrong size": (
        lambda m: m.nn.functional.cross_entropy(_x(m, 3, 5), _long(m, [1, 2, 3]), weight=_x(m, 4)),
        RuntimeError, "weight tensor should be defined either for all 5 classes or no classes but got weight tensor "
                      "of shape: [4]"),
    "spatial weight of the wrong size": (
        lambda m: m.nn.functional.nll_loss(_x(m, 2, 3, 4), _long(m, np.zeros((2, 4))), weight=_x(m, 2)),
        RuntimeError, "weight tensor should be defined either for all or no classes"),
    "probability weight of the wrong size": (
        lambda m: m.nn.functional.cross_entropy(_x(m, 3, 5), _x(m, 3, 5), weight=_x(m, 4)),
        RuntimeError, "cross_entropy: weight tensor should be defined either for all 5 classes or no classes but got "
                      "weight tensor of shape: [4]"),
    "weight dtype": (lambda m: m.nn.functional.cross_entropy(_x(m, 3, 5), _long(m, [1, 2, 3]),
                                                             weight=m.ones(5).double()),
                     RuntimeError, "expected scalar type Float but found Double"),
    "class weight requires grad": (
        lambda m: m.nn.functional.cross_entropy(_x(m, 3, 5), _long(m, [1, 2, 3]), weight=m.ones(5, requires_grad=True)),
        RuntimeError, "The function 'nll_loss_forward' is not differentiable with respect to argument 'weight'. "
                      "This input cannot have requires_grad True."),
    "label_smoothing above 1": (
        lambda m: m.nn.functional.cross_entropy(_x(m, 3, 5), _long(m, [1, 2, 3]), label_smoothing=1.5),
        RuntimeError, "label_smoothing must be between 0.0 and 1.0. Got: 1.5"),
    "integer logits": (lambda m: m.nn.functional.cross_entropy(_long(m, np.ones((2, 3))), _long(m, [0, 1])),
                       NotImplementedError, "\"log_softmax_lastdim_kernel_impl\" not implemented for 'Long'"),
    "integer log-probabilities": (lambda m: m.nn.functional.nll_loss(_long(m, np.ones((2, 3))), _long(m, [0, 1])),
                                  NotImplementedError, "\"nll_loss_out_frame\" not implemented for 'Long'"),
    "input not a tensor": (lambda m: m.nn.functional.cross_entropy([[1.0, 2.0]], _long(m, [0])),
                           TypeError, "cross_entropy_loss(): argument 'input' (position 1) must be Tensor, not list"),
    "bce input above 1": (lambda m: m.nn.functional.binary_cross_entropy(_x(m, 3, 5), m.rand(3, 5)),
                          RuntimeError, "all elements of input should be between 0 and 1"),
    "bce nan input": (lambda m: m.nn.functional.binary_cross_entropy(m.tensor([float("nan")]), m.tensor([0.5])),
                      RuntimeError, "all elements of input should be between 0 and 1"),
    "bce target above 1": (lambda m: m.nn.functional.binary_cross_entropy(m.rand(3), m.tensor([0.5, 1.5, 0.0])),
                           RuntimeError, "all elements of target should be between 0 and 1"),
    "bce size mismatch": (lambda m: m.nn.functional.binary_cross_entropy(m.rand(3, 5), m.rand(3, 1)),
                          ValueError, "Using a target size (minigrad.Size([3, 1])) that is different to the input size "
                                      "(minigrad.Size([3, 5])) is deprecated. Please ensure they have the same size."),
    "bce target dtype": (lambda m: m.nn.functional.binary_cross_entropy(m.rand(3), m.rand(3).double()),
                         RuntimeError, "Found dtype Double but expected Float"),
    "bce weight grows the loss": (lambda m: m.nn.functional.binary_cross_entropy(m.rand(5), m.rand(5),
                                                                                 weight=m.rand(3, 5)),
                                  RuntimeError, "output with shape [5] doesn't match the broadcast shape [3, 5]"),
    "bce weight requires grad": (
        lambda m: m.nn.functional.binary_cross_entropy(m.rand(5), m.rand(5), weight=m.rand(5, requires_grad=True)),
        RuntimeError, "The function 'binary_cross_entropy' is not differentiable with respect to argument 'weight'. "
                      "This input cannot have requires_grad True."),
    "bce with logits size mismatch": (
        lambda m: m.nn.functional.binary_cross_entropy_with_logits(m.rand(3, 5), m.rand(3, 1)),
        ValueError, "Target size (minigrad.Size([3, 1])) must be the same as input size (minigrad.Size([3, 5]))"),
    "bce with logits weight mismatch": (
        lambda m: m.nn.functional.binary_cross_entropy_with_logits(m.rand(3, 5), m.rand(3, 5), weight=m.rand(4)),
        RuntimeError, "The size of tensor a (5) must match the size of tensor b (4) at non-singleton dimension 1"),
    "bce with logits integer target": (
        lambda m: m.nn.functional.binary_cross_entropy_with_logits(m.rand(3), _long(m, [1, 0, 1])),
        RuntimeError, "result type Float can't be cast to the desired output type Long"),
    "bce with logits pos_weight requires grad": (
        lambda m: m.nn.functional.binary_cross_entropy_with_logits(m.rand(3), m.rand(3),
                                                                   pos_weight=m.rand(3, requires_grad=True)),
        RuntimeError, "The function 'binary_cross_entropy_with_logits' is not differentiable with respect to argument "
                      "'pos_weight'. This input cannot have requires_grad True."),
    "mse shapes that do not broadcast": (lambda m: m.nn.functional.mse_loss(m.rand(3, 5), m.rand(3, 2)),
                                         RuntimeError, "The size of tensor a (5) must match the size of tensor b (2) at "
                                                       "non-singleton dimension 1"),
    "mse weight of the wrong size": (lambda m: m.nn.functional.mse_loss(m.rand(3, 5), m.rand(3, 5), weight=m.rand(5)),
                                     ValueError, "Weights and input must have the same size."),
    "mse of integers": (lambda m: m.nn.functional.mse_loss(_long(m, [1, 2]), _long(m, [2, 2])),
                        NotImplementedError, "\"mse_cpu\" not implemented for 'Long'"),
    "l1 mean of integers": (lambda m: m.nn.functional.l1_loss(_long(m, [1, 2]), _long(m, [2, 2])),
                            RuntimeError, "mean(): could not infer output dtype. Input dtype must be either a floating "
                                          "point or complex dtype. Got: Long"),
    **{f"{name} invalid reduction": (
        lambda m, name=name: getattr(m.nn.functional, name)(m.rand(3, 2), _long(m, [0, 1, 1]) if name in (
            "cross_entropy", "nll_loss") else m.rand(3, 2), reduction="mean2"),
        ValueError, "mean2 is not a valid value for reduction") for name in LOSSES},
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_raises_pytorchs_error(case):
    call, error, message = BAD_INPUT[case]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(error) as info:
            call(minigrad)
    assert str(info.value) == message


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_messages_are_pytorchs(case):
    torch = pytest.importorskip("torch")
    call, error, message = BAD_INPUT[case]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(error) as info:
            call(torch)
    assert str(info.value) == message.replace("minigrad.Size", "torch.Size")


def test_bce_weight_that_does_not_broadcast():
    """PyTorch words this one differently per loss; the type is what matters."""
    with pytest.raises(RuntimeError, match="must match the size of tensor"):
        F.binary_cross_entropy(minigrad.rand(3, 5), minigrad.rand(3, 5), weight=minigrad.rand(4))


def test_module_invalid_reduction_raises_on_call_as_pytorch():
    criterion = nn.MSELoss(reduction="avg")  # PyTorch accepts it here and fails in forward
    with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
        criterion(minigrad.rand(2), minigrad.rand(2))
