"""``minigrad.utils.plots``: pictures of training and of networks, drawn with matplotlib (Agg, headless).

- ``History`` and ``plot_history``: training curves; ``History(path)`` rewrites the PNG after
  every epoch, a live view of training.
- ``plot_filters``: a convolution layer's filters as a grid.
- ``plot_feature_maps``: what one input looks like after each layer of a network.
- ``receptive_field_box`` and ``plot_receptive_field``: the input region one output unit sees.
- ``make_dot``: the autograd graph of a tensor as Graphviz DOT text, drawn as an image (through
  the ``graphviz`` package when installed, else with matplotlib), as torchviz's ``make_dot``.

Each drawing function returns a ``Picture`` (shown inline in a notebook) and writes a PNG when
given a path. matplotlib is needed to draw (``pip install matplotlib``); ``History`` records
without it, and ``make_dot(...).source`` needs nothing.
"""
from .feature_maps import plot_feature_maps
from .filters import plot_filters
from .graph import DotGraph, make_dot
from .history import History, plot_history
from .picture import Picture
from .receptive_field import plot_receptive_field, receptive_field_box

__all__ = ["DotGraph", "History", "Picture", "make_dot", "plot_feature_maps", "plot_filters", "plot_history",
           "plot_receptive_field", "receptive_field_box"]
