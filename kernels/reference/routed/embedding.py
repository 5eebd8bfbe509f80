"""No reference yet (FAST_ONLY): the fast kernel, also inside the switch."""
from ...embedding import embedding_backward  # noqa: F401
