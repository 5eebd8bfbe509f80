"""``minigrad.utils``: helpers around the core, as ``torch.utils`` (``data`` for datasets and loaders,
``hooks`` for the handles that ``register_*hook`` methods return), plus ``summary``, torchinfo's
layer table with receptive fields, and ``plots``: pictures of training curves, filters, feature
maps, receptive fields and autograd graphs."""
from . import data, hooks, plots

__all__ = ["data", "hooks", "plots", "summary", "ModelSummary", "LayerRow"]


def __getattr__(name: str):
    # ``summary`` needs ``minigrad.nn``, which imports this package (for ``hooks``): load it on first use.
    if name in ("summary", "ModelSummary", "LayerRow"):
        from . import _summary
        return getattr(_summary, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
