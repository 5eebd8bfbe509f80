"""``minigrad.cuda``: GPU queries. minigrad has no CUDA kernels yet, so no GPU is ever available."""
from __future__ import annotations


def is_available() -> bool:
    """True when a CUDA device can run minigrad's kernels (never, until the CUDA backend lands)."""
    return False


def device_count() -> int:
    return 0


def manual_seed(seed: int) -> None:
    """Accepted for scripts that seed the GPU too; there is no GPU generator to seed."""


def manual_seed_all(seed: int) -> None:
    """Accepted for scripts that seed every GPU; there is no GPU generator to seed."""


def synchronize(device=None) -> None:
    """Nothing to wait for without a GPU."""
