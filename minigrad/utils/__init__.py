"""``minigrad.utils``: helpers around the core, as ``torch.utils`` (``data`` for datasets and loaders,
``hooks`` for the handles that ``register_*hook`` methods return), and ``plots``: pictures of
training curves, filters, feature maps, receptive fields and autograd graphs."""
from . import data, hooks, plots

__all__ = ["data", "hooks", "plots"]
