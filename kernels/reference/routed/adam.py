"""No reference yet (FAST_ONLY): the fast kernel, also inside the switch."""
from ...adam import adam_step  # noqa: F401
