"""``minigrad.backends.cudnn``: PyTorch's cuDNN flags. minigrad does not use cuDNN.

Its convolutions, pooling and norms run minigrad's own kernels, which are deterministic and need
no algorithm search, so ``benchmark`` and ``deterministic`` change nothing; ``is_available()`` is
False and ``version()`` None, as in a PyTorch built without cuDNN. The flags keep what is set.
"""
enabled = True
benchmark = False
deterministic = False
allow_tf32 = True


def is_available() -> bool:
    """False: minigrad has no cuDNN."""
    return False


def version() -> None:
    """None: no cuDNN."""
    return None
