"""No reference yet (FAST_ONLY): the fast kernel, also inside the switch."""
from ...max_unpool2d import max_unpool2d_backward, max_unpool2d_forward  # noqa: F401
