"""embedding: a lookup table. ``out[..., :] = weight[input[...], :]``: input (*) of integer
indices, weight (num_embeddings, embedding_dim), output (*, embedding_dim).

Backward sums the gradients of every lookup of a row into that row, times s(row)
(kernels/embedding.py): 0 for the ``padding_idx`` row, else 1, or with ``scale_grad_by_freq`` 1 /
how often the row was looked up in this batch. With ``max_norm``, the looked-up rows whose
``norm_type``-norm exceeds it are first rescaled in place (outside autograd, as PyTorch) to norm
``max_norm``.
"""
from __future__ import annotations

import numpy as np

from .._device import kernel_module
from .._tensor import Tensor
from ..autograd.function import ArrayFunction
from ..autograd.grad_mode import no_grad
from .norms import vector_norm
from ._messages import check_tensor

_RENORM_EPSILON = 1e-7  # PyTorch's: a renormed row ends a hair below max_norm


class Embedding(ArrayFunction):
    backward_name = "EmbeddingBackward0"
    runs_on_cuda = True
    computes_half_in_float32 = True

    @staticmethod
    def forward(ctx, weight, indices, padding_idx, scale_grad_by_freq):
        ctx.save_for_backward(indices)
        ctx.num_embeddings, ctx.padding_idx, ctx.scale_grad_by_freq = weight.shape[0], padding_idx, scale_grad_by_freq
        return np.take(weight, indices, axis=0)

    @staticmethod
    def backward(ctx, grad):
        (indices,) = ctx.saved_tensors
        return EmbeddingBackward.compute(grad, indices, ctx.num_embeddings, ctx.padding_idx,
                                         ctx.scale_grad_by_freq), None, None, None


class EmbeddingBackward(ArrayFunction):
    """The gradient of the lookup, grad (*, D) -> grad_weight (num_embeddings, D): each lookup's
    gradient summed into its row, times s(row) (module docstring), by the kernel. Linear in
    ``grad``: its own gradient looks the rows up again, zero for the padding row.

    As in PyTorch, that lookup leaves out the 1 / count of ``scale_grad_by_freq``: the first
    derivative is then itself scaled rather than a true gradient, and this keeps the second
    derivative with respect to the weight the one PyTorch computes."""

    backward_name = "EmbeddingDenseBackwardBackward0"
    runs_on_cuda = True
    computes_half_in_float32 = True

    @staticmethod
    def forward(ctx, grad, indices, num_embeddings, padding_idx, scale_grad_by_freq):
        ctx.save_for_backward(indices)
        ctx.padding_idx = padding_idx
        rows = grad.reshape(-1, grad.shape[-1])
        return kernel_module("embedding", ctx.device).embedding_backward(
            rows, indices.reshape(-1), num_embeddings, padding_idx, scale_grad_by_freq)

    @staticmethod
    def backward(ctx, grad_grad_weight):
        (indices,) = ctx.saved_tensors
        looked_up = grad_grad_weight[indices]  # (*, D)
        return np.where((indices == ctx.padding_idx)[..., None], 0, looked_up), None, None, None, None


def _renormalize_rows(weight: Tensor, indices: np.ndarray, max_norm: float, norm_type: float) -> None:
    """Scale each looked-up row of ``weight`` whose norm exceeds ``max_norm`` to that norm, in place."""
    with no_grad():
        rows = Tensor._from_storage(np.unique(indices))
        norms = vector_norm(weight[rows], norm_type, dim=1)._data
        too_long = norms > max_norm
        if too_long.any():
            scale = max_norm / (norms[too_long] + _RENORM_EPSILON)
            long_rows = Tensor._from_storage(rows._data[too_long])
            weight[long_rows] = weight[long_rows] * Tensor._from_storage(scale[:, None].astype(weight._data.dtype))


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None, max_norm: float | None = None,
              norm_type: float = 2.0, scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """Rows of ``weight`` (num_embeddings, embedding_dim) picked by the indices ``input`` (*):
    output (*, embedding_dim), as ``torch.nn.functional.embedding``."""
    check_tensor(weight, "embedding", "weight", 1)  # PyTorch's names: its kernel takes (weight, indices)
    check_tensor(input, "embedding", "indices", 2)
    num_embeddings = weight.shape[0] if weight.dim() > 0 else 0
    if padding_idx is None:
        padding_idx = -1
    elif not -num_embeddings <= padding_idx < num_embeddings:
        raise AssertionError("Padding_idx must be within num_embeddings")
    elif padding_idx < 0:
        padding_idx += num_embeddings
    if sparse:
        raise NotImplementedError("embedding: sparse=True needs sparse gradients, which minigrad does not have; "
                                  "use sparse=False")
    if weight.dim() != 2:
        raise RuntimeError("'weight' must be 2-D")
    if input.dtype.name not in ("int64", "int32"):
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the following scalar types: "
                           f"Long, Int; but got {input.type()} instead (while checking arguments for embedding)")
    indices = input._data
    if indices.size and (indices.min() < 0 or indices.max() >= num_embeddings):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        _renormalize_rows(weight, indices, max_norm, norm_type)
    return Embedding.apply(weight, input, padding_idx, scale_grad_by_freq)
