"""Fixtures for the nn tests: ``torch_parity`` runs one call through minigrad and through PyTorch
from the same arrays and compares outputs and gradients; ``same_error_as_torch`` checks that a
bad call raises PyTorch's exception type and message."""
import numpy as np
import pytest

import minigrad


def _run(library, call, arrays, differentiable, upstream):
    tensors = [library.tensor(a, requires_grad=i in differentiable) for i, a in enumerate(arrays)]
    out = call(library, *tensors)
    if differentiable:
        out.backward(library.tensor(upstream(out.shape)))
    return out, [tensors[i].grad for i in differentiable]


@pytest.fixture
def torch_parity():
    """``torch_parity(call, arrays, differentiable=(0,), rtol=1e-6, atol=1e-7)``: ``call(library,
    *tensors)`` with ``library`` minigrad and then torch (use ``library.nn.functional``), tensors
    made from ``arrays``, those at the indices ``differentiable`` requiring grad. Asserts equal
    dtypes, shapes, outputs and gradients (after a backward of one seeded random upstream gradient),
    and returns minigrad's output."""
    torch = pytest.importorskip("torch")

    def check(call, arrays, differentiable=(0,), rtol=1e-6, atol=1e-7):
        def upstream(shape):
            return np.random.default_rng(1).standard_normal(tuple(shape)).astype(arrays[differentiable[0]].dtype)

        ours, our_grads = _run(minigrad, call, arrays, differentiable, upstream)
        theirs, their_grads = _run(torch, call, arrays, differentiable, upstream)
        assert ours.dtype.name == str(theirs.dtype).removeprefix("torch.") and ours.shape == tuple(theirs.shape)
        np.testing.assert_allclose(ours.detach().numpy(), theirs.detach().numpy(), rtol=rtol, atol=atol)
        for our_grad, their_grad in zip(our_grads, their_grads):
            np.testing.assert_allclose(our_grad.numpy(), their_grad.numpy(), rtol=rtol, atol=atol)
        return ours

    return check


@pytest.fixture
def same_error_as_torch():
    """``same_error_as_torch(call, error, message)``: ``call(functional, library)`` raises ``error``
    with ``message`` both for (torch.nn.functional, torch) and for (minigrad's F, minigrad);
    ``{lib}`` in the message stands for the library's name (``torch.Size`` / ``minigrad.Size``)."""
    torch = pytest.importorskip("torch")
    import minigrad.nn.functional as F

    def check(call, error, message):
        for functional, library in ((torch.nn.functional, torch), (F, minigrad)):
            with pytest.raises(error) as raised:
                call(functional, library)
            assert str(raised.value) == message.format(lib=library.__name__)

    return check
