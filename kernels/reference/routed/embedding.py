"""Embedding backward by :mod:`minigrad.kernels.reference.embedding`, in the fast kernel's dtype."""
from .. import embedding as reference
from ._cast import like


def embedding_backward(grad_out, indices, num_embeddings, padding_idx, scale_grad_by_freq):
    return like(reference.embedding_backward(grad_out, indices, num_embeddings, padding_idx, scale_grad_by_freq),
                grad_out)
