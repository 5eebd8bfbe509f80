"""Normalisation layers (BatchNorm, InstanceNorm, LayerNorm, GroupNorm, RMSNorm) and Dropout2d: float64
gradcheck in train and eval mode, naive numpy references, PyTorch parity over seeded random
configurations (outputs, gradients, running statistics through several training steps and eval),
state_dict keys, reprs, and PyTorch's errors and warnings for bad input."""
import warnings

import numpy as np
import pytest

import minigrad
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.autograd import gradcheck

# name -> (layer class, args, kwargs, input shape): built alike from minigrad.nn and torch.nn.
LAYERS = {
    "BatchNorm1d (N, C)": ("BatchNorm1d", (4,), {}, (6, 4)),
    "BatchNorm1d (N, C, L)": ("BatchNorm1d", (4,), {}, (3, 4, 5)),
    "BatchNorm1d affine=False": ("BatchNorm1d", (4,), {"affine": False}, (5, 4)),
    "BatchNorm1d momentum=None": ("BatchNorm1d", (3,), {"momentum": None}, (4, 3, 2)),
    "BatchNorm1d untracked": ("BatchNorm1d", (3,), {"track_running_stats": False}, (4, 3)),
    "BatchNorm2d": ("BatchNorm2d", (3,), {}, (2, 3, 4, 3)),
    "BatchNorm2d bias=False": ("BatchNorm2d", (2,), {"bias": False, "eps": 1e-3}, (2, 2, 3, 3)),
    "BatchNorm3d": ("BatchNorm3d", (2,), {"momentum": 0.5}, (2, 2, 2, 3, 2)),
    "InstanceNorm1d": ("InstanceNorm1d", (3,), {}, (2, 3, 6)),
    "InstanceNorm2d affine": ("InstanceNorm2d", (3,), {"affine": True}, (2, 3, 3, 4)),
    "InstanceNorm2d tracked": ("InstanceNorm2d", (2,), {"affine": True, "track_running_stats": True}, (3, 2, 2, 3)),
    "InstanceNorm2d unbatched": ("InstanceNorm2d", (3,), {"affine": True}, (3, 4, 3)),
    "InstanceNorm3d momentum=None": ("InstanceNorm3d", (2,), {"track_running_stats": True, "momentum": None},
                                     (2, 2, 2, 2, 3)),
    "LayerNorm": ("LayerNorm", (5,), {}, (3, 5)),
    "LayerNorm 2 dims": ("LayerNorm", ((3, 4),), {}, (2, 2, 3, 4)),
    "LayerNorm elementwise_affine=False": ("LayerNorm", (4,), {"elementwise_affine": False}, (2, 3, 4)),
    "LayerNorm bias=False": ("LayerNorm", (4,), {"bias": False}, (5, 4)),
    "GroupNorm": ("GroupNorm", (2, 4), {}, (3, 4, 3)),
    "GroupNorm 1 group": ("GroupNorm", (1, 3), {}, (2, 3, 2, 2)),
    "GroupNorm G = C, affine=False": ("GroupNorm", (3, 3), {"affine": False}, (2, 3, 4)),
    "GroupNorm (N, C)": ("GroupNorm", (2, 6), {"eps": 1e-2}, (4, 6)),
    "RMSNorm": ("RMSNorm", (5,), {}, (3, 5)),
    "RMSNorm 2 dims, eps": ("RMSNorm", ((3, 4),), {"eps": 1e-3}, (2, 2, 3, 4)),
    "RMSNorm elementwise_affine=False": ("RMSNorm", (4,), {"elementwise_affine": False}, (2, 3, 4)),
}


def build(lib, name):
    cls, args, kwargs, _ = LAYERS[name]
    return getattr(lib.nn, cls)(*args, **kwargs)


def sample(shape, seed, offset=0.0):
    rng = np.random.default_rng(seed)
    return offset + rng.standard_normal(shape) * rng.uniform(0.5, 2.0)


def randomize_affine(layer, seed):
    """Random weights and biases, so the affine part is really tested (the init is ones / zeros)."""
    for k, param in enumerate(p for p in (layer.weight, getattr(layer, "bias", None)) if p is not None):
        param.data = minigrad.tensor(sample(param.shape, seed + k).astype(param.dtype.numpy))


def train_steps(layer, shape, steps=3, seed=0):
    with minigrad.no_grad():
        for step in range(steps):
            layer(minigrad.tensor(sample(shape, seed + step, offset=step), dtype=minigrad.float64))


# ---- gradients ---------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["train", "eval"])
@pytest.mark.parametrize("name", LAYERS)
def test_gradcheck(name, mode):
    layer = build(minigrad, name).double()
    randomize_affine(layer, seed=3)
    train_steps(layer, LAYERS[name][3])  # non-trivial running statistics for eval mode
    layer.train(mode == "train")
    x = minigrad.tensor(sample(LAYERS[name][3], seed=7, offset=0.5), requires_grad=True)
    params = list(layer.parameters())
    assert gradcheck(lambda x, *_: layer(x), (x, *params))


@pytest.mark.parametrize("fn, args", [
    (F.batch_norm, (None, None, None, None, True)),
    (F.instance_norm, ()),
    (F.group_norm, (2,)),
    (F.layer_norm, ((4,),)),
    (F.rms_norm, ((4,),)),
])
def test_functional_gradcheck_with_plain_tensor_weights(fn, args):
    x = minigrad.tensor(sample((3, 4, 4), seed=1), requires_grad=True)
    weight = minigrad.tensor(sample(4, seed=2), requires_grad=True)
    bias = minigrad.tensor(sample(4, seed=3), requires_grad=True)
    if fn is F.batch_norm:
        assert gradcheck(lambda x, w, b: fn(x, None, None, w, b, True), (x, weight, bias))
    elif fn is F.rms_norm:
        assert gradcheck(lambda x, w: fn(x, *args, weight=w), (x, weight))
    else:
        keyword = {"weight": weight, "bias": bias}
        assert gradcheck(lambda x, w, b: fn(x, *args, **{**keyword, "weight": w, "bias": b}), (x, weight, bias))


def test_grad_fn_names_are_pytorchs():
    x = minigrad.randn(4, 3, 5, requires_grad=True)
    assert F.batch_norm(x, None, None, training=True).grad_fn.name() == "NativeBatchNormBackward0"
    assert F.batch_norm(x, minigrad.zeros(3), minigrad.ones(3)).grad_fn.name() == "NativeBatchNormBackward0"
    assert F.layer_norm(x, (5,)).grad_fn.name() == "NativeLayerNormBackward0"
    assert F.group_norm(x, 3).grad_fn.name() == "NativeGroupNormBackward0"


# ---- naive references ------------------------------------------------------------------------
def normalized(x, axes, eps):
    mean = x.mean(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(x.var(axis=axes, keepdims=True) + eps)


def test_batch_norm_train_and_eval_match_the_formulas():
    layer = nn.BatchNorm2d(3, momentum=0.2).double()
    randomize_affine(layer, seed=1)
    w, b = layer.weight.detach().numpy()[:, None, None], layer.bias.detach().numpy()[:, None, None]
    x = sample((4, 3, 2, 5), seed=2, offset=3.0)
    out = layer(minigrad.tensor(x)).detach().numpy()
    np.testing.assert_allclose(out, normalized(x, (0, 2, 3), 1e-5) * w + b, rtol=1e-10, atol=1e-12)
    # running = 0.8 running + 0.2 batch, with the unbiased variance (n = 4 * 2 * 5 values per channel).
    np.testing.assert_allclose(layer.running_mean.numpy(), 0.2 * x.mean(axis=(0, 2, 3)), rtol=1e-12)
    np.testing.assert_allclose(layer.running_var.numpy(), 0.8 + 0.2 * x.var(axis=(0, 2, 3), ddof=1), rtol=1e-12)
    assert layer.num_batches_tracked.item() == 1 and layer.num_batches_tracked.dtype == minigrad.int64
    layer.eval()
    mean, var = layer.running_mean.numpy()[:, None, None], layer.running_var.numpy()[:, None, None]
    out = layer(minigrad.tensor(x)).detach().numpy()
    np.testing.assert_allclose(out, (x - mean) / np.sqrt(var + 1e-5) * w + b, rtol=1e-10, atol=1e-12)
    assert layer.num_batches_tracked.item() == 1  # eval mode leaves the statistics alone


def test_momentum_none_keeps_the_cumulative_average():
    layer = nn.BatchNorm1d(3, momentum=None).double()
    batches = [sample((5, 3), seed=s, offset=s) for s in range(4)]
    for x in batches:
        layer(minigrad.tensor(x))
    np.testing.assert_allclose(layer.running_mean.numpy(), np.mean([x.mean(0) for x in batches], axis=0), rtol=1e-12)
    np.testing.assert_allclose(layer.running_var.numpy(), np.mean([x.var(0, ddof=1) for x in batches], axis=0),
                               rtol=1e-12)
    assert layer.num_batches_tracked.item() == 4


def test_untracked_batch_norm_uses_batch_statistics_in_eval_mode():
    layer = nn.BatchNorm1d(3, track_running_stats=False, affine=False).double().eval()
    assert layer.running_mean is None and layer.num_batches_tracked is None
    x = sample((6, 3, 2), seed=4, offset=2.0)
    np.testing.assert_allclose(layer(minigrad.tensor(x)).numpy(), normalized(x, (0, 2), 1e-5), rtol=1e-10, atol=1e-12)
    assert list(layer.state_dict()) == []


def test_instance_layer_and_group_norm_match_the_formulas():
    x = sample((2, 6, 3, 4), seed=5, offset=-1.0)
    tensor = minigrad.tensor(x)
    np.testing.assert_allclose(nn.InstanceNorm2d(6).double()(tensor).numpy(), normalized(x, (2, 3), 1e-5),
                               rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(nn.LayerNorm((3, 4), eps=1e-3).double()(tensor).detach().numpy(),
                               normalized(x, (2, 3), 1e-3), rtol=1e-10, atol=1e-12)
    grouped = normalized(x.reshape(2, 3, 2, 3, 4), (2, 3, 4), 1e-5).reshape(x.shape)
    np.testing.assert_allclose(nn.GroupNorm(3, 6).double()(tensor).detach().numpy(), grouped, rtol=1e-10, atol=1e-12)
    rms = x / np.sqrt((x ** 2).mean(axis=(2, 3), keepdims=True) + np.finfo(np.float64).eps)
    np.testing.assert_allclose(nn.RMSNorm((3, 4)).double()(tensor).detach().numpy(), rms, rtol=1e-12, atol=1e-14)


def test_rms_norm_in_half_precision_is_computed_in_float32():
    x = minigrad.tensor([[300.0, -200.0, 100.0]], dtype=minigrad.float16)  # x^2 overflows float16
    out = F.rms_norm(x, (3,))
    expected = np.array([[300.0, -200.0, 100.0]]) / np.sqrt((300.0 ** 2 + 200.0 ** 2 + 100.0 ** 2) / 3)
    assert out.dtype == minigrad.float16
    np.testing.assert_allclose(out.numpy().astype(np.float64), expected, rtol=1e-3)
    for weight_dtype in (minigrad.float32, minigrad.float64):  # the input's dtype whatever the weight's, as PyTorch
        assert F.rms_norm(x, (3,), minigrad.ones(3, dtype=weight_dtype)).dtype == minigrad.float16


def test_instance_norm_running_statistics_average_the_planes():
    layer = nn.InstanceNorm1d(3, track_running_stats=True, momentum=0.5).double()
    x = sample((4, 3, 6), seed=6, offset=1.0)
    layer(minigrad.tensor(x))
    np.testing.assert_allclose(layer.running_mean.numpy(), 0.5 * x.mean(axis=2).mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(layer.running_var.numpy(), 0.5 + 0.5 * x.var(axis=2, ddof=1).mean(axis=0), rtol=1e-10)
    assert layer.num_batches_tracked.item() == 0  # as PyTorch: instance norm does not count batches
    layer.eval()
    mean, var = layer.running_mean.numpy()[:, None], layer.running_var.numpy()[:, None]
    np.testing.assert_allclose(layer(minigrad.tensor(x)).numpy(), (x - mean) / np.sqrt(var + 1e-5), rtol=1e-10)


def test_reset_running_stats_and_parameters():
    layer = nn.BatchNorm1d(3).double()
    randomize_affine(layer, seed=0)
    train_steps(layer, (4, 3))
    layer.reset_running_stats()
    assert layer.running_mean.tolist() == [0, 0, 0] and layer.running_var.tolist() == [1, 1, 1]
    assert layer.num_batches_tracked.item() == 0
    assert layer.weight.tolist() != [1, 1, 1]
    layer.reset_parameters()
    assert layer.weight.tolist() == [1, 1, 1] and layer.bias.tolist() == [0, 0, 0]


def test_empty_batch_leaves_running_statistics_alone():
    layer = nn.BatchNorm1d(3)
    out = layer(minigrad.zeros(0, 3, 4))
    assert out.shape == (0, 3, 4)
    assert layer.running_mean.tolist() == [0, 0, 0] and layer.running_var.tolist() == [1, 1, 1]


def test_double_converts_statistics_but_not_the_counter():
    layer = nn.BatchNorm2d(2).double()
    assert layer.running_mean.dtype == minigrad.float64 and layer.num_batches_tracked.dtype == minigrad.int64
    layer(minigrad.randn(2, 2, 3, 3, dtype=minigrad.float64))


def test_state_dict_without_num_batches_tracked_loads_as_pytorchs():
    layer = nn.BatchNorm1d(2)
    state = {k: v for k, v in nn.BatchNorm1d(2).state_dict().items() if k != "num_batches_tracked"}
    assert layer.load_state_dict(state).missing_keys == []


# ---- PyTorch parity ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", LAYERS)
def test_repr_and_state_dict_keys_match_torch(name):
    torch = pytest.importorskip("torch")
    ours, theirs = build(minigrad, name), build(torch, name)
    assert repr(ours) == repr(theirs)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]


def test_reprs_of_defaults():
    assert repr(nn.BatchNorm2d(32)) == ("BatchNorm2d(32, eps=1e-05, momentum=0.1, affine=True, bias=True, "
                                        "track_running_stats=True)")
    assert repr(nn.LayerNorm(10)) == "LayerNorm((10,), eps=1e-05, elementwise_affine=True, bias=True)"
    assert repr(nn.GroupNorm(2, 4)) == "GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)"
    assert repr(nn.RMSNorm(10)) == "RMSNorm((10,), eps=None, elementwise_affine=True)"
    assert repr(nn.InstanceNorm2d(3)) == ("InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=False, bias=False, "
                                          "track_running_stats=False)")
    assert repr(nn.Dropout2d(0.2)) == "Dropout2d(p=0.2, inplace=False)"


def random_config(seed):
    """A random layer (class, args, kwargs) and input shape; N >= 2 so training is always valid."""
    rng = np.random.default_rng(seed)
    kind = ["BatchNorm1d", "BatchNorm2d", "InstanceNorm1d", "InstanceNorm2d", "LayerNorm", "GroupNorm"][seed % 6]
    n, c = int(rng.integers(2, 5)), int(rng.integers(1, 6))
    spatial = tuple(int(s) for s in rng.integers(2, 5, size=2))
    eps = float(rng.choice([1e-5, 1e-3]))
    affine = bool(rng.integers(2))
    if kind.startswith(("BatchNorm", "InstanceNorm")):
        kwargs = {"eps": eps, "momentum": [0.1, 0.3, None][int(rng.integers(3))], "affine": affine,
                  "track_running_stats": bool(rng.integers(2)) or kind.startswith("BatchNorm") and seed % 4 > 0}
        if kind == "BatchNorm1d":
            shape = (n, c) if rng.integers(2) else (n, c, spatial[0])
        else:
            rank = 1 if kind.endswith("1d") else 2
            batch = (n,) if kind.startswith("BatchNorm") or rng.integers(3) else ()  # unbatched instance norm
            shape = batch + (c,) + spatial[:rank]
        return kind, (c,), kwargs, shape
    if kind == "LayerNorm":
        shape = (n, c) + spatial[:int(rng.integers(3))]
        normalized_shape = shape[len(shape) - int(rng.integers(1, 3)):]
        kwargs = {"eps": eps, "elementwise_affine": affine, "bias": bool(rng.integers(2))}
        return kind, (normalized_shape,), kwargs, shape
    groups, c = int(rng.integers(1, 4)), max(c, 2)  # more than one value per group, or the gradient is noise
    return kind, (groups, groups * c), {"eps": eps, "affine": affine}, (n, groups * c) + spatial[:int(rng.integers(3))]


CONFIGS = [random_config(seed) for seed in range(50)]


def assert_close(ours, reference, dtype):
    tol = {"rtol": 1e-4, "atol": 1e-5} if dtype == np.float32 else {"rtol": 1e-10, "atol": 1e-12}
    np.testing.assert_allclose(np.asarray(ours), reference.detach().numpy(), **tol)


@pytest.mark.parametrize("config", CONFIGS, ids=[f"{i}-{c[0]}{c[1]}{c[3]}" for i, c in enumerate(CONFIGS)])
def test_training_then_eval_matches_torch(config):
    """Five steps (three in training, two in eval) from identical weights. PyTorch runs in float64
    as the reference: float32 PyTorch itself strays by more than float32 rounding where a group's
    spread is small next to its mean, while minigrad accumulates in float64."""
    torch = pytest.importorskip("torch")
    cls, args, kwargs, shape = config
    dtype = np.float64 if len(shape) % 2 else np.float32
    ours, theirs = getattr(nn, cls)(*args, **kwargs), getattr(torch.nn, cls)(*args, **kwargs).double()
    if dtype == np.float64:
        ours = ours.double()
    randomize_affine(ours, seed=len(shape))
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    for step, training in enumerate([True, True, True, False, False]):
        ours.train(training), theirs.train(training)
        x = sample(shape, seed=100 + step, offset=2.0 * step).astype(dtype)
        grad = sample(shape, seed=200 + step).astype(dtype)
        mx, tx = minigrad.tensor(x, requires_grad=True), torch.tensor(x, dtype=torch.float64, requires_grad=True)
        m_out, t_out = ours(mx), theirs(tx)
        assert m_out.dtype.numpy == dtype
        assert_close(m_out.detach().numpy(), t_out, dtype)
        m_out.backward(minigrad.tensor(grad))
        t_out.backward(torch.tensor(grad, dtype=torch.float64))
        assert_close(mx.grad.numpy(), tx.grad, dtype)
        for param, t_param in zip(ours.parameters(), theirs.parameters()):
            assert_close(param.grad.numpy(), t_param.grad, dtype)
            param.grad, t_param.grad = None, None
        t_state = theirs.state_dict()
        for key, value in ours.state_dict().items():
            assert value.dtype == (minigrad.int64 if key == "num_batches_tracked" else minigrad.tensor(x).dtype)
            assert_close(value.numpy(), t_state[key], dtype)


def test_functional_forms_update_running_statistics_like_torch():
    torch = pytest.importorskip("torch")
    x = sample((5, 3, 4), seed=9, offset=1.5).astype(np.float32)
    for fn, kwargs in [("batch_norm", {"training": True, "momentum": 0.25}),
                       ("instance_norm", {"use_input_stats": True, "momentum": 0.25})]:
        ours = [minigrad.zeros(3), minigrad.ones(3)]
        theirs = [torch.zeros(3), torch.ones(3)]
        getattr(F, fn)(minigrad.tensor(x), *ours, **kwargs)
        getattr(torch.nn.functional, fn)(torch.tensor(x), *theirs, **kwargs)
        for o, t in zip(ours, theirs):
            np.testing.assert_allclose(o.numpy(), t.numpy(), rtol=1e-6)


# ---- bad input ---------------------------------------------------------------------------------
def _randn(lib, *shape):
    return lib.tensor(np.random.default_rng(0).standard_normal(shape).astype(np.float32))


# name -> (call taking the library (minigrad or torch), exception type, message start). Messages
# must equal PyTorch's (with "torch" read as "minigrad") unless the case is in OWN_MESSAGES.
BAD_INPUTS = {
    "BatchNorm1d 4-D": (lambda m: m.nn.BatchNorm1d(3)(_randn(m, 2, 3, 4, 5)), ValueError,
                        "expected 2D or 3D input (got 4D input)"),
    "BatchNorm2d 3-D": (lambda m: m.nn.BatchNorm2d(3)(_randn(m, 2, 3, 4)), ValueError,
                        "expected 4D input (got 3D input)"),
    "BatchNorm channels": (lambda m: m.nn.BatchNorm1d(3)(_randn(m, 2, 4)), RuntimeError,
                           "running_mean should contain 4 elements not 3"),
    "BatchNorm weight size": (lambda m: m.nn.BatchNorm1d(3, track_running_stats=False)(_randn(m, 2, 4)),
                              RuntimeError, "weight should contain 4 elements not 3"),
    "F.batch_norm running_mean": (lambda m: m.nn.functional.batch_norm(_randn(m, 2, 3, 4), m.zeros(4), m.ones(4)),
                                  RuntimeError, "running_mean should contain 3 elements not 4"),
    "F.batch_norm running_var": (lambda m: m.nn.functional.batch_norm(_randn(m, 2, 3), m.zeros(3), m.ones(4)),
                                 RuntimeError, "running_var should contain 3 elements not 4"),
    "F.batch_norm bias": (lambda m: m.nn.functional.batch_norm(_randn(m, 2, 3), None, None, None, m.ones(2), True),
                          RuntimeError, "bias should contain 3 elements not 2"),
    "BatchNorm 1 value per channel": (lambda m: m.nn.BatchNorm1d(3)(_randn(m, 1, 3)), ValueError,
                                      "Expected more than 1 value per channel when training, got input size "
                                      "minigrad.Size([1, 3])"),
    "BatchNorm 1 value per channel (N, C, 1)": (lambda m: m.nn.BatchNorm1d(3)(_randn(m, 1, 3, 1)), ValueError,
                                                "Expected more than 1 value per channel when training"),
    "F.batch_norm eval without statistics": (lambda m: m.nn.functional.batch_norm(_randn(m, 2, 3), None, None),
                                             RuntimeError, "running_mean must be defined in evaluation mode"),
    "F.batch_norm only one statistic": (
        lambda m: m.nn.functional.batch_norm(_randn(m, 2, 3), m.zeros(3), None, training=True), ValueError,
        "running_mean and running_var must either both be None or neither be None"),
    "F.batch_norm eps=0 training": (lambda m: m.nn.functional.batch_norm(_randn(m, 2, 3), None, None, training=True,
                                                                         eps=0.0),
                                    ValueError, "batch_norm eps must be positive during training, but got 0.0"),
    "F.batch_norm 1-D": (lambda m: m.nn.functional.batch_norm(_randn(m, 3), None, None, training=True), IndexError,
                         "Dimension out of range (expected to be in range of [-1, 0], but got 1)"),
    "F.batch_norm integers": (lambda m: m.nn.functional.batch_norm(m.ones(2, 3, dtype=m.int64), None, None, None,
                                                                   None, True),
                              NotImplementedError, "\"batch_norm\" not implemented for 'Long'"),
    "F.batch_norm mixed dtype": (lambda m: m.nn.functional.batch_norm(_randn(m, 2, 3), None, None,
                                                                      m.ones(3, dtype=m.float64), None, True),
                                 RuntimeError, "mixed dtype (CPU): expect parameter to have scalar type of Float"),
    "GroupNorm groups": (lambda m: m.nn.GroupNorm(2, 3), ValueError,
                         "num_channels (3) must be divisible by num_groups (2)"),
    "F.group_norm groups": (lambda m: m.nn.functional.group_norm(_randn(m, 2, 3, 4), 2), RuntimeError,
                            "Expected number of channels in input to be divisible by num_groups, but got input of "
                            "shape [2, 3, 4] and num_groups=2"),
    "GroupNorm channels": (lambda m: m.nn.GroupNorm(2, 4)(_randn(m, 2, 6, 3)), RuntimeError,
                           "Expected weight to be a vector of size equal to the number of channels in input, but got "
                           "weight of shape [4] and input of shape [2, 6, 3]"),
    "F.group_norm 1 value per group": (lambda m: m.nn.functional.group_norm(_randn(m, 1, 3), 3), ValueError,
                                       "Expected more than 1 value per channel when training, got input size [1, 3]"),
    "F.group_norm 1-D": (lambda m: m.nn.functional.group_norm(_randn(m, 3), 1), RuntimeError,
                         "Expected at least 2 dimensions for input tensor but received 1"),
    "F.group_norm negative groups": (lambda m: m.nn.functional.group_norm(_randn(m, 2, 3), -1), RuntimeError,
                                     "Expected num groups to be greater than 0, got -1"),
    "F.group_norm float groups": (lambda m: m.nn.functional.group_norm(_randn(m, 2, 3), 3.0), TypeError,
                                  "group_norm(): argument 'num_groups' (position 2) must be int, not float"),
    "LayerNorm shape": (lambda m: m.nn.LayerNorm(5)(_randn(m, 2, 4)), RuntimeError,
                        "Given normalized_shape=[5], expected input with shape [*, 5], but got input of size[2, 4]"),
    "F.layer_norm too many dims": (lambda m: m.nn.functional.layer_norm(_randn(m, 3, 4), (2, 3, 4)), RuntimeError,
                                   "Given normalized_shape=[2, 3, 4], expected input with shape [*, 2, 3, 4]"),
    "F.layer_norm empty shape": (lambda m: m.nn.functional.layer_norm(_randn(m, 3, 4), []), RuntimeError,
                                 "Expected normalized_shape to be at least 1-dimensional"),
    "F.layer_norm int shape": (lambda m: m.nn.functional.layer_norm(_randn(m, 3, 4), 4), TypeError,
                               "layer_norm(): argument 'normalized_shape' (position 2) must be tuple of ints, not int"),
    "F.layer_norm weight": (lambda m: m.nn.functional.layer_norm(_randn(m, 3, 4), (4,), m.ones(5)), RuntimeError,
                            "Expected weight to be of same shape as normalized_shape, but got weight of shape [5] and "
                            "normalized_shape = [4]"),
    "F.rms_norm shape": (lambda m: m.nn.functional.rms_norm(_randn(m, 2, 3), (2, 4)), RuntimeError,
                         "Given normalized_shape=[2, 4], expected input with shape [*2, 4], but got input of "
                         "size[2, 3]"),
    "F.rms_norm int shape": (lambda m: m.nn.functional.rms_norm(_randn(m, 2, 3), 3), TypeError,
                             "rms_norm(): argument 'normalized_shape' (position 2) must be tuple of ints, not int"),
    "F.rms_norm weight": (lambda m: m.nn.functional.rms_norm(_randn(m, 2, 3), (3,), m.ones(4)), RuntimeError,
                          "Expected weight to be of same shape as normalized_shape, but got weight of shape [4] and "
                          "normalized_shape = [3]"),
    "F.rms_norm integers": (lambda m: m.nn.functional.rms_norm(m.ones(2, 3, dtype=m.int64), (3,)),
                            NotImplementedError, "\"rms_norm\" not implemented for 'Long'"),
    "InstanceNorm2d 2-D": (lambda m: m.nn.InstanceNorm2d(3)(_randn(m, 4, 5)), ValueError,
                           "expected 3D or 4D input (got 2D input)"),
    "InstanceNorm2d affine channels": (lambda m: m.nn.InstanceNorm2d(4, affine=True)(_randn(m, 2, 3, 4, 5)),
                                       ValueError, "expected input's size at dim=1 to match num_features (4), but "
                                                   "got: 3."),
    "InstanceNorm tracked channels": (lambda m: m.nn.InstanceNorm1d(4, track_running_stats=True)(_randn(m, 2, 3, 5)),
                                      RuntimeError, "running_mean should contain 6 elements not 8"),
    "InstanceNorm 1 spatial element": (lambda m: m.nn.functional.instance_norm(_randn(m, 2, 3, 1)), ValueError,
                                       "Expected more than 1 spatial element when training, got input size "
                                       "minigrad.Size([2, 3, 1])"),
    "F.instance_norm eval without statistics": (
        lambda m: m.nn.functional.instance_norm(_randn(m, 2, 3, 4), use_input_stats=False), RuntimeError,
        "Expected running_mean and running_var to be defined when use_input_stats is false"),
    "F.dropout2d p": (lambda m: m.nn.functional.dropout2d(_randn(m, 2, 3, 4, 4), p=1.5), ValueError,
                      "dropout probability has to be between 0 and 1, but got 1.5"),
    "Dropout2d p": (lambda m: m.nn.Dropout2d(-0.1), ValueError, "dropout probability has to be between 0 and 1"),
}
OWN_MESSAGES = {"F.batch_norm mixed dtype"}  # ours also names the parameter and its dtype


def raised(name, lib) -> str:
    """The message of the error that BAD_INPUTS[name] raises with ``lib`` (which must be of its type)."""
    call, error, _ = BAD_INPUTS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(error) as info:
            call(lib)
    return str(info.value)


@pytest.mark.parametrize("name", BAD_INPUTS)
def test_bad_input_raises_pytorchs_error(name):
    assert raised(name, minigrad).startswith(BAD_INPUTS[name][2])


@pytest.mark.parametrize("name", BAD_INPUTS)
def test_bad_input_errors_match_torch(name):
    torch = pytest.importorskip("torch")
    ours, theirs = raised(name, minigrad), raised(name, torch)
    if name not in OWN_MESSAGES:
        assert ours == theirs.replace("torch", "minigrad")


def test_instance_norm_warns_on_channel_mismatch_without_affine():
    with pytest.warns(UserWarning, match="input's size at dim=1 does not match num_features"):
        out = nn.InstanceNorm2d(4)(minigrad.randn(2, 3, 4, 5))
    assert out.shape == (2, 3, 4, 5)


def test_unbatched_instance_norm_equals_a_batch_of_one():
    x = minigrad.randn(3, 4, 5)
    layer = nn.InstanceNorm2d(3, affine=True)
    randomize_affine(layer, seed=2)
    np.testing.assert_allclose(layer(x).detach().numpy(), layer(x.unsqueeze(0))[0].detach().numpy(), rtol=1e-6)


# ---- Dropout2d ---------------------------------------------------------------------------------
def test_dropout2d_zeroes_whole_channels_and_rescales():
    minigrad.manual_seed(0)
    layer = nn.Dropout2d(p=0.25)
    out = layer(minigrad.ones(64, 8, 3, 3)).numpy()
    per_channel = out.reshape(64, 8, 9)
    assert np.all(per_channel == per_channel[:, :, :1])  # one draw per (n, c) plane
    assert set(np.unique(out)) == {0.0, np.float32(1 / 0.75)}
    assert 0.18 < np.mean(per_channel[:, :, 0] == 0) < 0.32
    layer.eval()
    x = minigrad.ones(2, 3, 4, 4)
    assert layer(x) is x


def test_dropout2d_gradient_is_the_mask():
    x = minigrad.tensor(sample((3, 4, 2, 2), seed=0), requires_grad=True)
    minigrad.manual_seed(1)
    out = F.dropout2d(x, 0.5)
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), (out.detach().numpy() / x.detach().numpy()), rtol=1e-12)
    assert out.grad_fn.name() == "MulBackward0"

    def seeded_dropout2d(x):
        minigrad.manual_seed(3)
        return F.dropout2d(x, 0.4)

    assert gradcheck(seeded_dropout2d, (x,))


def test_dropout2d_edge_probabilities_and_inplace():
    x = minigrad.randn(2, 3, 4, 4)
    assert F.dropout2d(x, 0.0) is x
    assert np.all(F.dropout2d(x, 1.0).numpy() == 0)
    y = x.clone()
    assert F.dropout2d(y, 1.0, inplace=True) is y and np.all(y.numpy() == 0)


@pytest.mark.parametrize("shape, warned", [((4, 6, 5), "3D input"), ((4, 6), "2-D input"),
                                           ((2, 3, 2, 2, 2), "5-D input")])
def test_dropout2d_other_ranks_warn_and_drop_per_first_two_dims(shape, warned):
    minigrad.manual_seed(0)
    with pytest.warns(UserWarning, match=warned):
        out = F.dropout2d(minigrad.ones(*shape), 0.5).numpy()
    flat = out.reshape(shape[0], shape[1], -1)
    assert np.all(flat == flat[:, :, :1])
    assert {0.0, 2.0} == set(np.unique(out))


def test_dropout2d_rejects_1d_input_in_training():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(RuntimeError, match="Feature dropout requires at least 2 dimensions in the input"):
            F.dropout2d(minigrad.ones(4))
        assert F.dropout2d(minigrad.ones(4), training=False).shape == (4,)


@pytest.mark.parametrize("shape", [(2, 3, 4), (3, 4), (2, 3, 2, 2, 2)])
def test_dropout2d_warnings_match_torch(shape):
    torch = pytest.importorskip("torch")
    messages = []
    for lib in (minigrad, torch):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lib.nn.functional.dropout2d(lib.ones(*shape))
        messages.append([str(w.message) for w in caught])
    assert messages[0] == messages[1] and messages[0]


@pytest.mark.parametrize("layer, shape", [(nn.BatchNorm1d(3), (4, 3)), (nn.GroupNorm(1, 3), (2, 3, 2)),
                                          (nn.LayerNorm(3), (2, 3))])
def test_changing_the_weight_between_forward_and_backward_raises(layer, shape):
    out = layer(minigrad.randn(*shape))
    with minigrad.no_grad():
        layer.weight.mul_(2)  # what an optimizer step would do
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        out.sum().backward()
