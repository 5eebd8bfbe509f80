"""Every public op of minigrad that works on the CPU works on CUDA: a sweep over the public names.

The names are everything public in ``minigrad``, ``minigrad.nn.functional``, ``minigrad.special``
and ``minigrad.linalg`` and every public Tensor method and property. Each must have a case in
``CASES`` (its arguments, written over the inputs of ``_inputs``; the same inputs are made on both
devices, the results must agree in values, dtypes and shapes, and the CUDA result's tensors live on
CUDA) or an entry in ``EXCLUDED`` with the reason, so a new public function without either fails
``test_every_public_name_has_a_case_or_a_reason``. Names of one object (aliases, ``Tensor.exp`` and
``minigrad.exp``) need one entry; an in-place method (``x.exp_()``) runs its function's case.

Random ops draw on the host from the CPU generator and copy (``minigrad.cuda.manual_seed``'s
convention for tensors made by the random functions), so after the same seed both devices give the
same values; only kernels draw from the GPU's generator (dropout: ``DRAWN_ON_THE_GPU``).
"""
import inspect
import types

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F

NAMESPACES = {"": mg, "F.": F, "special.": mg.special, "linalg.": mg.linalg}


def _inputs(device: str) -> dict:
    """The names the cases' arguments are written with, as tensors on ``device``; tiny (the simulator
    runs a CUDA thread per element as a Python thread)."""
    rng = np.random.default_rng(0)

    def floats(*shape):
        return mg.tensor(rng.standard_normal(shape).astype(np.float32), device=device)

    def on(values, **kwargs):
        return mg.tensor(values, device=device, **kwargs)

    return {
        "mg": mg, "F": F, "dev": device,
        "x": floats(2, 3), "y": floats(2, 3), "v": floats(3), "w": floats(3), "sq": floats(3, 3),
        "b3": floats(2, 3, 3), "img": floats(1, 2, 4, 4), "seq": floats(1, 2, 5),
        "p": on(rng.uniform(0.1, 0.9, (2, 3)).astype(np.float32)),  # probabilities, positives
        "s": on([-1.0, 0.0, 0.5, 2.0]),  # sorted
        "i": on(rng.integers(0, 3, (2, 3))), "j": on(rng.integers(1, 9, (2, 3))), "iv": on([2, 0, 1]),
        "m": on(np.array([[True, False, True], [False, True, True]])),
        "tgt": on([2, 0]),  # class targets of x's rows
        "one_hot_rows": on([[0.0, 1.0, 0.0], [0.0, 0.0, 2.0]]),
        "special_values": on([-np.inf, -1.0, 0.0, 2.5, np.inf, np.nan]),
    }


def _same(names: str, arguments) -> dict:
    return dict.fromkeys(names.split(), arguments)


CASES = {
    # elementwise on floats (domains need not fit: nan must agree too)
    **_same("abs absolute acos acosh angle arccos arccosh arcsin arcsinh arctan arctanh asin asinh atan atanh "
            "ceil cos cosh deg2rad erf erfc exp exp2 expm1 fix floor frac isfinite isinf isnan isreal log log10 "
            "log1p log2 logical_not logit nan_to_num neg negative positive rad2deg reciprocal relu round rsqrt "
            "sgn sigmoid sign signbit sin sinc sinh sqrt square tan tanh trunc "
            "special.entr special.ndtr clone", "x"),
    **_same("isneginf isposinf", "special_values"),
    **_same("add sub subtract mul multiply div divide true_divide pow float_power atan2 arctan2 hypot copysign "
            "fmax fmin maximum minimum eq ne lt le gt ge greater greater_equal less less_equal not_equal "
            "logical_and logical_or logical_xor remainder floor_divide xlogy logaddexp logaddexp2 "
            "special.xlog1py", "x, y"),
    "nextafter": ("x, y", "special_values, x[0, 0]"),
    "allclose": ("x, x + 1e-9", "x, y", "x.log(), x.log()", "x.log(), x.log(), equal_nan=True"),
    "equal": ("x, x", "x, y", "x, v", "x.log(), x.log()"), "ldexp": "x, i",
    "isclose": ("x, y", "x, x + 1e-6", "special_values, special_values, equal_nan=True", "i, j"),
    "frexp": ("x", "special_values", "x.half()", "i"), "fmod": ("x, y", "j, 3", "-j, 2.5"),
    "heaviside": ("x, y", "x.sign(), y"), "nanmean": ("x", "x.log(), 1"),
    **_same("addcmul addcdiv lerp", "x, y, p"),
    **_same("bitwise_and bitwise_or bitwise_xor bitwise_left_shift bitwise_right_shift gcd lcm", "i, j"),
    "bitwise_not": "i",
    "clamp": "x, -0.5, 0.5", "clip": "x, min=y", "clamp_min": "x, y", "clamp_max": "x, 0.2",
    "isin": ("i, iv[:2]", "x, x[0]", "i, 1, invert=True", "2, i", "x, x[:0]"),
    # reductions
    **_same("all any amax amin aminmax argmax argmin count_nonzero max min mean nansum prod std var "
            "std_mean var_mean median nanmedian mode msort norm linalg.vector_norm", "x"),
    "sum": "x, 1", "logsumexp": "x, 1", "kthvalue": "x, 2", "quantile": "x, 0.25", "nanquantile": "x, p[0, :2]",
    "dist": "x, y", "cdist": "x, y",
    # scans, sorting, searching, counting
    **_same("cumsum cumprod logcumsumexp cummax cummin softmax log_softmax", "x, 1"),
    "diff": "x", "trapezoid": "x", "trapz": "x", "cumulative_trapezoid": "x",
    "sort": "x, 1", "argsort": "x", "topk": "x, 2",
    "nonzero": ("m", "m, as_tuple=True", "x[0, 0]", "x[0, 0], as_tuple=True", "x[:0]", "b3 > 0"),
    "searchsorted": ("s, x", "s, x, right=True", "s, s, side='right'", "s.flip(0), x, sorter=s.flip(0).argsort()",
                     "s, 0.25", "mg.sort(sq, 1).values, sq", "mg.sort(sq, 1).values, sq[:, :2], out_int32=True",
                     "s, i"), "bincount": "iv", "histc": "x, 4", "unique": "i",
    "unique_consecutive": "i", "where": ("m, x, y", "m", "x"),
    # products
    "matmul": "x, v", "mm": "x, sq", "bmm": "b3, b3", "dot": "v, w", "vdot": "v, w", "mv": "x, v", "inner": "x, y",
    "outer": "v, w", "ger": "v, w", "kron": "x, y", "cross": "x, y, 1", "linalg.cross": "x, y",
    "tensordot": "x, y", "einsum": ("'ij,kj->ik', x, y", "x, [0, 1], y, [2, 1], [0, 2]"),
    "addmm": "sq, x.T, x", "addmv": "w, x.T, v[:2]", "addr": "x, v[:2], w", "addbmm": "sq, b3, b3",
    "baddbmm": "b3, b3, b3",
    # shapes, views, stacking and splitting
    "reshape": "x, (3, 2)", "flatten": "x", "ravel": "x", "unflatten": "x, 1, (3, 1)", "squeeze": "x[:1]",
    "unsqueeze": "x, 1", "t": "x", "transpose": "x, 0, 1", "swapaxes": "x, 0, 1", "swapdims": "x, 0, 1",
    "permute": "b3, (2, 0, 1)", "movedim": "b3, 0, 2", "moveaxis": "b3, 0, 2", "expand": "v, (2, 3)",
    "broadcast_to": "v, (2, 3)", "broadcast_tensors": "x, v", "flip": "x, 1", "fliplr": "x", "flipud": "x",
    "rot90": "x", "roll": "x, 1", "narrow": "x, 1, 1, 2", "narrow_copy": "x, 1, 1, 2", "select": "x, 1, 2",
    "split": "x, 1", "chunk": "x, 2, 1", "tensor_split": "x, 2", "hsplit": "x, 3", "vsplit": "x, 2",
    "dsplit": "b3, 3", "unbind": "x", "cat": "[x, y]", "concat": "[x, y]", "concatenate": "[x, y]",
    "stack": "[x, y]", "hstack": "[x, y]", "vstack": "[x, y]", "dstack": "[x, y]", "row_stack": "[x, y]",
    "column_stack": "[x, y]", "atleast_1d": "x[0, 0]", "atleast_2d": "v", "atleast_3d": "x",
    "block_diag": "x, v", "cartesian_prod": "v, w", "combinations": "v", "meshgrid": "v, w, indexing='ij'",
    "tile": "x, (2, 1)", "repeat": "x, 2, 1", "repeat_interleave": "x, 2", "diag": "v", "diagonal": "sq",
    "diag_embed": "x",
    "diagflat": "v", "trace": "sq", "tril": "sq", "triu": "sq, 1",
    # indexing and scattering
    "gather": "x, 1, i", "index_select": "x, 1, iv", "take": "x, i", "take_along_dim": "x, i, 1",
    "masked_select": "x, m", "masked_fill": "x, m, 2.0", "index_put": "x, (iv[1:],), v",
    "scatter": "x, 1, i, y", "scatter_add": "x, 1, i, y", "scatter_reduce": "x, 1, i, y, 'amax'",
    "index_add": "x, 1, iv, y", "index_copy": "x, 1, iv, y", "index_fill": "x, 1, iv, -1.0",
    "masked_scatter": "x, m, y", "put": "x, iv, v", "select_scatter": "x, v, 0, 1",
    "slice_scatter": "x, y[:, :2], 1, 0, 2", "diagonal_scatter": "sq, v",
    # random: host draws from the CPU generator, copied (equal on both devices after one seed)
    "bernoulli": ("p", "x, 0.3"),
    "multinomial": ("one_hot_rows, 3, True", "p, 2", "p[0], 3", "p, 4, replacement=True", "p.double(), 1"),
    "rand_like": "x", "randn_like": "x",
    "randint_like": "x, 5",
    # creation (no tensor input: device=)
    "arange": "5, device=dev", "linspace": "0, 1, 5, device=dev", "zeros": "2, 3, device=dev",
    "ones": "2, 3, device=dev", "full": "(2, 3), 1.5, device=dev", "eye": "3, device=dev", "empty": "2, device=dev",
    "tensor": "[[1, 2]], device=dev", "as_tensor": "x", "rand": "2, 3, device=dev", "randn": "2, 3, device=dev",
    "randint": "0, 5, (2, 3), device=dev", "randperm": "5, device=dev", "normal": "0.0, 1.0, (2, 3), device=dev",
    "tril_indices": "3, 3, device=dev", "triu_indices": "3, 3, 1, device=dev",
    "zeros_like": "x", "ones_like": "x", "full_like": "x, 2.0", "empty_like": "x",
    "is_tensor": "x", "is_floating_point": "x", "numel": "x",
    # nn.functional
    **_same("F.relu F.relu6 F.elu F.selu F.celu F.gelu F.silu F.mish F.softplus F.softsign F.tanhshrink "
            "F.logsigmoid F.hardsigmoid F.hardswish F.hardtanh F.hardshrink F.softshrink F.leaky_relu F.normalize "
            "F.relu_ F.elu_ F.selu_ F.celu_ F.hardtanh_ F.leaky_relu_", "x"),
    "F.threshold": "x, 0.1, 20.0", "F.threshold_": "x, 0.1, 20.0",
    "F.softmax": "x, 1", "F.log_softmax": "x, 1", "F.softmin": "x, 1", "F.glu": "x[:, :2], 1",
    "F.prelu": "img, v[:2]", "F.linear": "x, sq, v", "F.one_hot": "i", "F.embedding": "i, sq",
    **_same("F.mse_loss F.l1_loss F.smooth_l1_loss F.huber_loss F.soft_margin_loss F.kl_div "
            "F.binary_cross_entropy_with_logits F.poisson_nll_loss F.cosine_similarity F.pairwise_distance "
            "F.hinge_embedding_loss", "x, y"),
    "F.binary_cross_entropy": "p, p.flip(1)", "F.cross_entropy": "x, tgt", "F.nll_loss": "x, tgt",
    "F.gaussian_nll_loss": "x, y, p", "F.margin_ranking_loss": "v, w, v.sign()",
    "F.cosine_embedding_loss": "x, y, tgt.sign() * 2 - 1", "F.triplet_margin_loss": "x, y, p",
    "F.conv1d": "seq, b3[:, :2, :2]", "F.conv2d": "img, img[:, :, :3, :3].expand(3, 2, 3, 3)",
    "F.conv_transpose1d": "seq, b3[:, :2, :2]", "F.conv_transpose2d": "img, img[0, :, :2, :2].unsqueeze(1)",
    "F.avg_pool1d": "seq, 2", "F.avg_pool2d": "img, 2", "F.max_pool1d": "seq, 2", "F.max_pool2d": "img, 2",
    "F.max_pool2d_with_indices": "img, 2", "F.adaptive_avg_pool1d": "seq, 3", "F.adaptive_avg_pool2d": "img, 3",
    "F.adaptive_max_pool1d": "seq, 3", "F.adaptive_max_pool2d": "img, 3",
    "F.adaptive_max_pool2d_with_indices": "img, 3",
    "F.max_unpool1d": "*F.max_pool1d(seq, 2, return_indices=True), 2",
    "F.max_unpool2d": "*F.max_pool2d(img, 2, return_indices=True), 2",
    "F.interpolate": "img, scale_factor=2, mode='bilinear'", "F.pad": "x, (1, 2)",
    "F.pixel_shuffle": "img[:, :1].expand(1, 4, 4, 4), 2",
    "F.pixel_unshuffle": "img, 2", "F.batch_norm": "x, v, p[0], training=True", "F.instance_norm": "img",
    "F.layer_norm": "x, (3,), w, v", "F.rms_norm": ("x, (3,), w", "x, (3,)"), "F.group_norm": "img, 2",
    "F.dropout": "x", "F.dropout2d": "img",
    "F.unfold": "img, 2", "F.fold": "F.unfold(img, 2), (4, 4), 2",
    "F.scaled_dot_product_attention": ("b3, b3, b3", "b3, b3, b3, is_causal=True"),
    "F.multi_head_attention_forward": "b3, b3, b3, 3, 1, sq.repeat(3, 1), None, None, None, False, 0.0, sq, v",
    # Tensor's own methods and properties
    **_same("Tensor.T Tensor.mT Tensor.data Tensor.dtype Tensor.shape Tensor.ndim Tensor.is_leaf "
            "Tensor.device Tensor.requires_grad Tensor.grad Tensor.grad_fn Tensor.retains_grad Tensor.bool "
            "Tensor.detach Tensor.dim Tensor.double Tensor.element_size Tensor.float Tensor.half "
            "Tensor.int Tensor.is_floating_point Tensor.long Tensor.nelement Tensor.numel "
            "Tensor.size Tensor.tolist Tensor.requires_grad_ Tensor.normal_ "
            "Tensor.random_ Tensor.exponential_ Tensor.is_pinned", "x"),
    "Tensor.bernoulli_": ("x", "x, 0.2", "x, p"),
    **_same("Tensor.contiguous Tensor.is_contiguous Tensor.stride", ("x", "x.T", "b3[:, 1:]", "b3[:, :, ::2]")),
    "Tensor.item": "x[1, 2]", "Tensor.type": "x, mg.float64", "Tensor.type_as": "x, i", "Tensor.to": "x, mg.int64",
    "Tensor.uniform_": ("x", "x.requires_grad_() * 2", "x[:, :2].T, -1, 1"),  # recorded, a view
    "Tensor.copy_": "x, y", "Tensor.expand_as": "v, x", "Tensor.view_as": "x, y.T",
    "Tensor.view": ("x, 3, 2", "x.T, 1, 3, 2", "b3[:, 1:], 2, 6", "b3.transpose(0, 1), 3, 2, 3"),
    "Tensor.reshape_as": "x, y.T", "Tensor.where": "x, m, y", "Tensor.new_tensor": "x, [1, 2]",
    "Tensor.new_full": "x, (2,), 3.0", "Tensor.new_zeros": "x, 2", "Tensor.new_ones": "x, 2",
    "Tensor.new_empty": "x, 2", "detach_": "x", "fill_": "x, 2.5", "zero_": "x", "relu_": "x",
}

#: Values not compared: each device's own stream (dropout draws from the GPU's generator) or memory.
DRAWN_ON_THE_GPU = {"F.dropout", "F.dropout2d"}
UNINITIALISED = {"empty", "empty_like", "Tensor.new_empty"}

_NO_TENSOR = "no tensor input and no device: global state, tested in tests/core"
EXCLUDED = {
    **dict.fromkeys("get_default_device set_default_device get_default_dtype set_default_dtype get_num_threads "
                    "set_num_threads get_rng_state set_rng_state initial_seed manual_seed seed is_grad_enabled "
                    "is_inference_mode_enabled is_anomaly_enabled is_anomaly_check_nan_enabled "
                    "set_anomaly_enabled use_reference_kernels promote_types use_deterministic_algorithms "
                    "are_deterministic_algorithms_enabled is_deterministic_algorithms_warn_only_enabled "
                    "get_deterministic_debug_mode set_deterministic_debug_mode get_float32_matmul_precision "
                    "set_float32_matmul_precision is_autocast_enabled get_autocast_dtype".split(), _NO_TENSOR),
    "compile": "returns the model it is given: no tensor, no device",
    "Tensor.pin_memory": "host-only by PyTorch's definition: page-locks CPU memory (tests/cuda/test_devices.py)",
    "check_tensor": "an argument check (functions/_messages.py) imported into the namespace, no op",
    "from_numpy": "host-only by PyTorch's definition: shares a numpy array's memory",
    "Tensor.numpy": "host-only by PyTorch's definition: CUDA raises its TypeError (test_devices.py)",
    "Tensor.is_cuda": "the device query: tests/cuda/test_devices.py",
    "Tensor.cpu": "device transfer: tests/cuda/test_devices.py", "Tensor.cuda": "device transfer: test_devices.py",
    "Tensor.backward": "autograd on CUDA: every Function's gradients in test_cuda_ops.py",
    "Tensor.retain_grad": "autograd bookkeeping, no device use: tests/core",
    "Tensor.register_hook": "autograd bookkeeping, no device use: tests/core",
    "Tensor.register_post_accumulate_grad_hook": "autograd bookkeeping, no device use: tests/core",
    "Tensor.requires_grad_flag": "the slot behind requires_grad (its case)",
}


def _public_objects() -> dict:
    """Every public callable or Tensor property, by identity, with its names (first the key the tables
    use: the first namespace's name, or a ``Tensor.`` name for Tensor's own)."""
    found: dict[int, tuple] = {}
    for prefix, module in NAMESPACES.items():
        for name in dir(module):
            obj = getattr(module, name)
            if name.startswith("_") or isinstance(obj, types.ModuleType) or inspect.isclass(obj) or not callable(obj):
                continue
            found.setdefault(id(obj), (obj, []))[1].append(prefix + name)
    for name in dir(mg.Tensor):
        if not name.startswith("_"):
            static = inspect.getattr_static(mg.Tensor, name)
            obj = static.fget if isinstance(static, property) else getattr(mg.Tensor, name)
            found.setdefault(id(obj), (obj, []))[1].append("Tensor." + name)
    return {names[0]: (obj, names) for obj, names in found.values()}


def _variants(arguments) -> tuple:
    """A case's argument lists: one string, or a tuple of them."""
    return arguments if isinstance(arguments, tuple) else (arguments,)


def _innermost(obj):
    """The function under every decorator (autocast's) and in-place wrapper."""
    while hasattr(obj, "__wrapped__"):
        obj = obj.__wrapped__
    return obj


def _entries(objects: dict) -> dict:
    """key -> (object, the CASES or EXCLUDED name that covers it or None, in place: whether it is a
    wrapper without an entry of its own, an in-place method, covered by the case of the function it
    wraps: ``x.exp_()`` by ``exp``)."""
    def entry(names: list[str]) -> str | None:
        return next((n for n in names if n in CASES or n in EXCLUDED), None)

    covered = {id(_innermost(obj)): entry(names) for obj, names in objects.values() if entry(names)}
    entries = {}
    for key, (obj, names) in objects.items():
        own = entry(names)
        if own is None and hasattr(obj, "__wrapped__"):
            entries[key] = (obj, covered.get(id(_innermost(obj))), True)
        else:
            entries[key] = (obj, own, False)
    return entries


def _case_table() -> dict:
    """name -> (callable, arguments, entry) for every public object with a case; an in-place method
    runs its function's first argument list (others may not keep the input's dtype)."""
    table = {}
    for key, (obj, entry, in_place) in _entries(_public_objects()).items():
        if entry in CASES:
            table[key] = (obj, _variants(CASES[entry])[0] if in_place else CASES[entry], entry)
    return table


def test_every_public_name_has_a_case_or_a_reason():
    objects = _public_objects()
    missing = [key for key, (_, entry, _) in _entries(objects).items() if entry is None]
    assert not missing, f"public names without a CUDA case or an exclusion: {missing}"
    known = {name for _, names in objects.values() for name in names}
    stale = sorted(set(CASES) - known) + sorted(set(EXCLUDED) - known)
    assert not stale, f"table entries that name nothing public: {stale}"
    assert not set(CASES) & set(EXCLUDED)
    assert {name for name, _ in ERRORS} <= set(CASE_TABLE)


def _run(fn, arguments: str, device: str):
    mg.manual_seed(0)
    return eval(f"fn({arguments})", {**_inputs(device), "fn": fn})  # noqa: S307 (the table's own text)


def _assert_same(cpu, cuda, compare_values: bool = True) -> None:
    """``cuda`` is ``cpu``'s result computed on CUDA: tensors on CUDA with the same dtype, shape and
    (``compare_values``) values; other results equal (a device maps to CUDA)."""
    if isinstance(cpu, mg.Tensor):
        assert isinstance(cuda, mg.Tensor) and cuda.device == mg.device("cuda:0"), cuda
        assert (cuda.dtype, cuda.shape, cuda.requires_grad) == (cpu.dtype, cpu.shape, cpu.requires_grad)
        if compare_values:
            np.testing.assert_allclose(cuda.detach().cpu().numpy(), cpu.detach().numpy(), rtol=1e-5, atol=1e-6,
                                       equal_nan=True)
    elif isinstance(cpu, (tuple, list)):
        assert type(cuda) is type(cpu) and len(cuda) == len(cpu)
        for a, b in zip(cpu, cuda):
            _assert_same(a, b, compare_values)
    elif isinstance(cpu, mg.device):
        assert cpu == mg.device("cpu") and cuda == mg.device("cuda:0")
    elif isinstance(cpu, float):
        assert type(cuda) is float and (cuda == pytest.approx(cpu, rel=1e-5) or cpu != cpu and cuda != cuda)
    else:
        assert type(cuda) is type(cpu) and cuda == cpu


CASE_TABLE = _case_table()
RUNS = [(name, arguments) for name in sorted(CASE_TABLE) for arguments in _variants(CASE_TABLE[name][1])]


@pytest.mark.parametrize("name, arguments", RUNS, ids=[f"{n}({a})" for n, a in RUNS])
def test_cuda_result_equals_the_cpu_result(name, arguments):
    fn, _, entry = CASE_TABLE[name]
    cpu = _run(fn, arguments, "cpu")
    cuda = _run(fn, arguments, "cuda")
    _assert_same(cpu, cuda, compare_values=entry not in DRAWN_ON_THE_GPU | UNINITIALISED)


# Bad input: CUDA raises what the CPU raises, PyTorch's exception with PyTorch's message.
ERRORS = [
    ("Tensor.view", "x.T, 6"), ("Tensor.view", "b3.transpose(1, 2), 2, 9"), ("Tensor.view", "b3[:, 1:], -1"),
    ("searchsorted", "sq, v"), ("searchsorted", "s, v, side='middle'"),
    ("searchsorted", "s[0], v"), ("multinomial", "x, 2"), ("multinomial", "p, 4"), ("multinomial", "b3.abs(), 1"),
    ("multinomial", "p, 0"), ("multinomial", "i, 1"), ("bernoulli", "[0.5]"), ("nonzero", "[1, 0]"),
    ("fmod", "j, 0"), ("gcd", "x, y"), ("bitwise_left_shift", "x, i"), ("heaviside", "x, i"),
    ("isin", "1, 2"), ("allclose", "x, v[:2]"), ("allclose", "x, i"), ("isclose", "i, x"), ("equal", "x, 1"),
    ("frexp", "1.0"),
]


_ARGUMENT_PARSER_LISTING = {"isin"}  # PyTorch's TypeError lists every overload; minigrad's names the argument


@pytest.mark.parametrize("name, arguments", ERRORS, ids=[f"{n}({a})" for n, a in ERRORS])
def test_bad_input_raises_on_cuda_as_on_the_cpu_and_in_pytorch(name, arguments):
    torch = pytest.importorskip("torch")
    fn = CASE_TABLE[name][0]
    with pytest.raises(Exception) as on_cpu:
        _run(fn, arguments, "cpu")
    with pytest.raises(type(on_cpu.value)) as on_cuda:
        _run(fn, arguments, "cuda")
    assert str(on_cuda.value) == str(on_cpu.value)
    inputs = {key: torch.from_numpy(value.numpy().copy()) if isinstance(value, mg.Tensor) else value
              for key, value in _inputs("cpu").items()}
    torch_fn = getattr(torch.Tensor, name[len("Tensor."):]) if name.startswith("Tensor.") else getattr(torch, name)
    with pytest.raises(type(on_cpu.value)) as in_pytorch:
        eval(f"fn({arguments})", {**inputs, "mg": torch, "fn": torch_fn})  # noqa: S307
    assert name in _ARGUMENT_PARSER_LISTING or str(in_pytorch.value) == str(on_cpu.value)


def test_type_names_the_cuda_tensor_type():
    """``x.type()`` is PyTorch's legacy name, with ``cuda.`` on CUDA."""
    assert mg.zeros(2, device="cuda").type() == "minigrad.cuda.FloatTensor"
    assert mg.zeros(2, dtype=mg.int64, device="cuda").type() == "minigrad.cuda.LongTensor"


def test_dropout_draws_from_the_gpu_generator():
    """The kernels' stream repeats after ``minigrad.cuda.manual_seed`` and keeps p's share of zeros."""
    x = mg.ones(64, device="cuda")
    mg.cuda.manual_seed(3)
    first = F.dropout(x, 0.5)
    mg.cuda.manual_seed(3)
    assert first.tolist() == F.dropout(x, 0.5).tolist()
    assert set(first.tolist()) <= {0.0, 2.0} and 10 < first.tolist().count(0.0) < 54
