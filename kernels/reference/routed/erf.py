"""No reference yet (FAST_ONLY): the fast kernel, also inside the switch."""
from ...erf import erf, erfc  # noqa: F401
