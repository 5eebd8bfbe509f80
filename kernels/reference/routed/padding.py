"""No reference yet (FAST_ONLY): the fast kernel, also inside the switch."""
from ...padding import pad2d, pad2d_backward  # noqa: F401
