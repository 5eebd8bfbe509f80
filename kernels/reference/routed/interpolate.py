"""No reference yet (FAST_ONLY): the fast kernel, also inside the switch."""
from ...interpolate import (  # noqa: F401
    interpolate_bilinear_backward, interpolate_bilinear_forward, interpolate_nearest_backward,
    interpolate_nearest_forward, interpolate_output_size,
)
