"""``minigrad.backends.mps``: Apple's Metal GPUs, which minigrad does not support (scripts ask before using one)."""


def is_available() -> bool:
    return False


def is_built() -> bool:
    return False
