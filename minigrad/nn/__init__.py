"""Neural networks, as ``torch.nn``: ``Module`` and the layers, ``Parameter`` and ``Buffer``, and the
``functional`` / ``init`` / ``utils`` submodules."""
from . import functional, init, utils
from .modules import *  # noqa: F403  (every layer, as torch.nn re-exports torch.nn.modules)
from .parameter import Buffer, Parameter
