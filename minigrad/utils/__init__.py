"""``minigrad.utils``: helpers around the core, as ``torch.utils`` (``data`` for datasets and loaders,
``hooks`` for the handles that ``register_*hook`` methods return)."""
from . import data, hooks

__all__ = ["data", "hooks"]
