"""Pooling output length: the reference's formula (an integer, no dtype to adapt)."""
from ..pool_output_size import pool_output_size  # noqa: F401
