"""``minigrad.linalg``, as ``torch.linalg``: for now the vector norm only."""
from .functions.norms import vector_norm

__all__ = ["vector_norm"]
