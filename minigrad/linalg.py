"""``minigrad.linalg``, as ``torch.linalg``: for now the vector norm and the cross product."""
from .functions.norms import vector_norm
from .functions.products import linalg_cross as cross

__all__ = ["cross", "vector_norm"]
