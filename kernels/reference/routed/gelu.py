"""No reference yet (FAST_ONLY): the fast kernel, also inside the switch."""
from ...gelu import gelu_forward, gelu_backward  # noqa: F401
