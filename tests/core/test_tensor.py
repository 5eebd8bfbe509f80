"""Tensor attributes, creation, dtypes, conversions, repr and PyTorch's errors."""
import numpy as np
import pytest

import minigrad as mg


def test_attributes():
    t = mg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    assert t.shape == (2, 3) and t.size() == (2, 3) and t.size(-1) == 3
    assert t.ndim == 2 and t.dim() == 2 and t.numel() == 6
    assert t.dtype == mg.float32 and t.device == mg.device("cpu")
    assert t.is_leaf and t.requires_grad and t.grad is None and t.grad_fn is None
    assert repr(t.shape) == "minigrad.Size([2, 3])"
    assert t.T.shape == (3, 2)
    assert t.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert t[1, 2].item() == 6.0


def test_data_is_settable_and_untracked():
    t = mg.ones(2, requires_grad=True)
    assert not t.data.requires_grad
    t.data = mg.zeros(3)
    assert t.shape == (3,) and t.requires_grad


def test_numpy_shares_memory_and_refuses_tensors_requiring_grad():
    t = mg.zeros(3)
    t.numpy()[0] = 5
    assert t[0].item() == 5
    with pytest.raises(RuntimeError, match="Can't call numpy\\(\\) on Tensor that requires grad"):
        mg.zeros(2, requires_grad=True).numpy()


def test_item_needs_one_element():
    with pytest.raises(RuntimeError, match="a Tensor with 2 elements cannot be converted to Scalar"):
        mg.zeros(2).item()


@pytest.mark.parametrize("data, dtype", [
    ([1.0, 2.0], mg.float32), ([1, 2], mg.int64), ([True, False], mg.bool), (3.5, mg.float32),
    ([[1, 2.5]], mg.float32), (np.array([1.0]), mg.float64), (np.array([1], np.int32), mg.int32), ([], mg.float32),
])
def test_tensor_infers_dtype_like_pytorch(data, dtype):
    assert mg.tensor(data).dtype == dtype


def test_legacy_tensor_constructor_is_float32():
    assert mg.Tensor([1, 2]).dtype == mg.float32
    assert mg.Tensor(2, 3).shape == (2, 3)


def test_creation_functions():
    assert mg.zeros(2, 3).shape == (2, 3) and mg.zeros((2, 3)).shape == (2, 3)
    assert mg.ones(2, dtype=mg.float64).dtype == mg.float64
    assert mg.full((2,), 7).dtype == mg.int64 and mg.full((2,), 7.0).dtype == mg.float32
    assert mg.arange(5).tolist() == [0, 1, 2, 3, 4] and mg.arange(5).dtype == mg.int64
    np.testing.assert_allclose(mg.arange(0, 1, 0.25).numpy(), [0, 0.25, 0.5, 0.75])
    assert mg.arange(1, 2.5, 0.5).dtype == mg.float32
    np.testing.assert_allclose(mg.linspace(0, 1, 5).numpy(), [0, 0.25, 0.5, 0.75, 1])
    assert mg.eye(3).numpy().trace() == 3
    assert mg.empty(4).shape == (4,)
    x = mg.ones(2, 3, dtype=mg.float64)
    for like in (mg.zeros_like, mg.ones_like, mg.rand_like, mg.randn_like, mg.empty_like):
        assert like(x).shape == (2, 3) and like(x).dtype == mg.float64
    assert mg.full_like(x, 4.0).sum().item() == 24
    r = mg.randint(0, 10, (100,))
    assert r.dtype == mg.int64 and 0 <= r.min().item() and r.max().item() < 10
    assert mg.randint(5, (3,)).shape == (3,)
    assert mg.randint_like(x, 3).dtype == mg.float64
    assert sorted(mg.randperm(5).tolist()) == [0, 1, 2, 3, 4]
    with pytest.raises(RuntimeError, match="negative dimension"):
        mg.zeros(-1)


def test_from_numpy_shares_memory():
    a = np.zeros(3)
    t = mg.from_numpy(a)
    a[1] = 2
    assert t[1].item() == 2 and t.dtype == mg.float64
    with pytest.raises(TypeError, match="can't convert np.ndarray of type"):
        mg.from_numpy(np.array(["a"]))


def test_manual_seed_repeats_random_draws():
    mg.manual_seed(0)
    a = mg.randn(5)
    mg.manual_seed(0)
    b = mg.randn(5)
    assert mg.equal(a, b)
    g = mg.Generator().manual_seed(3)
    c = mg.rand(4, generator=g)
    g.manual_seed(3)
    assert mg.equal(c, mg.rand(4, generator=g))


def test_conversions():
    t = mg.tensor([1.7, -2.2])
    assert t.long().tolist() == [1, -2] and t.long().dtype == mg.int64
    assert t.double().dtype == mg.float64 and t.float() is t
    assert t.to(mg.float64).dtype == mg.float64 and t.to("cpu") is t
    assert t.to(mg.device("cpu"), mg.int32).dtype == mg.int32
    assert t.int().dtype == mg.int32 and t.bool().tolist() == [True, True]
    assert t.type() == "minigrad.FloatTensor"
    c = t.clone()
    c[0] = 0
    assert t[0].item() == pytest.approx(1.7)
    assert t.contiguous() is t
    assert t.T.T.is_contiguous()


def test_view_of_non_contiguous_raises_like_pytorch():
    t = mg.arange(6).reshape(2, 3).T
    with pytest.raises(RuntimeError, match="view size is not compatible"):
        t.view(6)
    assert t.reshape(6).tolist() == [0, 3, 1, 4, 2, 5]


def test_type_promotion_follows_pytorch():
    i = mg.tensor([1, 2])
    f = mg.tensor([1.0, 2.0])
    d0 = mg.tensor(1.0, dtype=mg.float64)
    assert (i * 2.5).dtype == mg.float32
    assert (i / 2).dtype == mg.float32
    assert (f + d0).dtype == mg.float32  # a 0-d tensor does not promote a dimensioned one
    assert (i + True).dtype == mg.int64
    assert (mg.tensor([1], dtype=mg.int32) + 1).dtype == mg.int32
    assert (f + mg.tensor([1.0], dtype=mg.float64)).dtype == mg.float64
    assert (i > 1).dtype == mg.bool


def test_binary_promotion_fast_path_agrees_with_the_general_rule():
    """``result_dtype`` answers the commonest pairs (one dtype; a float tensor and a Python number)
    without the general promotion: every pair must give what the general rule gives."""
    from minigrad import _dtype
    from minigrad.functions._operands import result_dtype

    names = ["float64", "float32", "float16", "int64", "int32", "uint8", "bool"]
    tensors = [mg.zeros(2, dtype=getattr(mg, n)) for n in names] + [mg.tensor(1.0, dtype=mg.float64)]
    operands = tensors + [2, 2.5, True]
    for a in operands:
        for b in operands:
            if isinstance(a, mg.Tensor) or isinstance(b, mg.Tensor):
                assert result_dtype(a, b) == _dtype.result_type(a, b).numpy, (a, b)


@pytest.mark.parametrize("make, text", [
    (lambda: mg.tensor([[1.0, 2.0]], requires_grad=True), "tensor([[1., 2.]], requires_grad=True)"),
    (lambda: mg.tensor([1.5, 2.25]), "tensor([1.5000, 2.2500])"),
    (lambda: mg.tensor(3.0), "tensor(3.)"),
    (lambda: mg.tensor([1, 2, 300]), "tensor([  1,   2, 300])"),
    (lambda: mg.tensor([True, False]), "tensor([ True, False])"),
    (lambda: mg.tensor([1e-5, 1.0, 1000.0]), "tensor([1.0000e-05, 1.0000e+00, 1.0000e+03])"),
    (lambda: mg.tensor([1.0, 2.0], dtype=mg.float64), "tensor([1., 2.], dtype=minigrad.float64)"),
    (lambda: mg.tensor([1, 2], dtype=mg.int32), "tensor([1, 2], dtype=minigrad.int32)"),
    (lambda: mg.zeros(0, 3), "tensor([], size=(0, 3))"),
    (lambda: mg.tensor([]), "tensor([])"),
    (lambda: mg.ones(2, requires_grad=True) + 1, "tensor([2., 2.], grad_fn=<AddBackward0>)"),
    (lambda: mg.tensor([float("nan"), float("inf"), 1.0]), "tensor([nan, inf, 1.])"),
])
def test_repr_matches_pytorch(make, text):
    assert repr(make()) == text


def test_repr_parity_with_torch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    for array in (rng.standard_normal((3, 4)).astype(np.float32), rng.standard_normal((2, 3, 4)).astype(np.float32),
                  rng.standard_normal((40,)).astype(np.float32), rng.standard_normal((50, 50)).astype(np.float32),
                  np.arange(12).reshape(3, 4), (rng.standard_normal((4, 4)) * 1e5).astype(np.float32)):
        assert repr(mg.tensor(array)) == repr(torch.tensor(array))


def test_python_protocols():
    t = mg.tensor([1.0, 2.0, 3.0])
    assert len(t) == 3 and [x.item() for x in t] == [1.0, 2.0, 3.0]
    assert float(mg.tensor(2.5)) == 2.5 and int(mg.tensor(3)) == 3
    assert f"{mg.tensor(2.0):.3f}" == "2.000"
    with pytest.raises(RuntimeError, match="Boolean value of Tensor with more than one value is ambiguous"):
        bool(t)
    with pytest.raises(TypeError, match="len\\(\\) of a 0-d tensor"):
        len(mg.tensor(1.0))
    assert [1, 2, 3][mg.tensor(1)] == 2
    arr = np.ones(3) * t  # numpy defers to Tensor's reflected operator
    assert isinstance(arr, mg.Tensor)


def test_indexing_errors_name_the_dimension():
    with pytest.raises(IndexError, match="index 5 is out of bounds for dimension 0 with size 3"):
        mg.zeros(3)[5]
    with pytest.raises(IndexError, match="tensors used as indices must be long, int, byte or bool tensors"):
        mg.zeros(3)[mg.tensor([0.5])]


def test_shape_errors():
    with pytest.raises(RuntimeError, match=r"mat1 and mat2 shapes cannot be multiplied \(2x3 and 4x5\)"):
        mg.zeros(2, 3) @ mg.zeros(4, 5)
    with pytest.raises(RuntimeError, match="shape '\\[4, 4\\]' is invalid for input of size 6"):
        mg.zeros(2, 3).reshape(4, 4)
    with pytest.raises(IndexError, match="Dimension out of range \\(expected to be in range of \\[-2, 1\\], but got 2\\)"):
        mg.zeros(2, 3).sum(2)
    with pytest.raises(RuntimeError, match="The size of tensor a|broadcast"):
        mg.zeros(2, 3) + mg.zeros(4)
    with pytest.raises(RuntimeError, match="Sizes of tensors must match except in dimension 0"):
        mg.cat([mg.zeros(2, 3), mg.zeros(2, 4)])
    with pytest.raises(RuntimeError, match="stack expects each tensor to be equal size"):
        mg.stack([mg.zeros(2), mg.zeros(3)])
    with pytest.raises(RuntimeError, match="The expanded size of the tensor \\(4\\) must match the existing size \\(3\\)"):
        mg.zeros(3).expand(2, 4)
    with pytest.raises(RuntimeError, match="mean\\(\\): could not infer output dtype"):
        mg.tensor([1, 2]).mean()


def test_function_forms_exist_beside_methods():
    t = mg.arange(6.0).reshape(2, 3)
    assert mg.unsqueeze(t, 0).shape == (1, 2, 3)
    assert mg.flatten(t, 1).shape == (2, 3) and mg.flatten(t).shape == (6,)
    assert mg.exp(t).shape == (2, 3) and mg.transpose(t, 0, 1).shape == (3, 2)
    assert mg.matmul(t, t.T).shape == (2, 2)
    assert [c.shape for c in mg.chunk(t, 2, 1)] == [(2, 2), (2, 1)]
    assert [s.shape for s in t.split([1, 2], dim=1)] == [(2, 1), (2, 2)]
    values, indices = mg.max(t, dim=1)
    assert values.tolist() == [2.0, 5.0] and indices.tolist() == [2, 2]
    assert t.argmax().item() == 5 and t.argmin(1).tolist() == [0, 0]
