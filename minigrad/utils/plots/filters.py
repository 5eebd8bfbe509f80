"""``plot_filters``: the weights of a convolution layer as a grid of small images."""
from __future__ import annotations

import math
import os

import numpy as np

from ..._creation import from_numpy
from ..._tensor import Tensor
from .picture import Picture, new_figure


def plot_filters(conv, path: str | os.PathLike | None = None, max_filters: int = 32, max_channels: int = 16,
                 figsize: tuple | None = None, dpi: float = 100) -> Picture:
    """The filters of ``conv`` (a convolution module, or its ``weight`` tensor ``(F, C, kh, kw)``).

    Filters over 3 input channels (a first layer on RGB images) are drawn as colour images, each
    scaled to ``[0, 1]`` on its own. Otherwise each kernel ``weight[f, c]`` is one tile, a row per
    filter and a column per input channel, on a diverging colour map centred on 0 (red positive,
    blue negative), so that tiles compare; filters of one input channel fill a square grid. At most ``max_filters`` filters and ``max_channels``
    channels are shown. ``figsize`` defaults to 6 x 6 inches.
    """
    from ...vision.utils import make_grid

    weight = conv.weight if not isinstance(conv, Tensor) else conv
    if weight.ndim != 4:
        raise ValueError(f"plot_filters expects a 2-d convolution weight (F, C, kh, kw), but got shape "
                         f"{tuple(weight.shape)}")
    kernels = weight.detach().cpu().numpy()[:max_filters]
    figure = new_figure(figsize or (6, 6), dpi)
    axes = figure.add_subplot(1, 1, 1)
    count, channels, height, width = kernels.shape
    if channels == 3:
        grid = make_grid(from_numpy(kernels), nrow=math.ceil(math.sqrt(count)), padding=1, normalize=True,
                         scale_each=True, pad_value=1.0)
        axes.imshow(grid.numpy().transpose(1, 2, 0), interpolation="nearest")
        axes.set_title(f"{count} filters {channels}x{height}x{width} (RGB, each scaled to [0, 1])")
    else:
        channels = min(channels, max_channels)
        tiles = kernels[:, :channels].reshape(count * channels, 1, height, width)
        # One input channel (a first layer on grey images): a square grid of filters rather than a
        # column of one tile per row.
        per_row = channels if channels > 1 else math.ceil(math.sqrt(count))
        # NaN padding: drawn in the colour map's "bad" colour, apart from every weight value.
        grid = make_grid(from_numpy(tiles), nrow=per_row, padding=1, pad_value=float("nan")).numpy()[0]
        limit = float(np.abs(tiles).max()) or 1.0
        image = axes.imshow(grid, cmap="bwr", vmin=-limit, vmax=limit, interpolation="nearest")
        image.cmap.set_bad("0.25")
        figure.colorbar(image, ax=axes, shrink=0.7)
        if channels > 1:
            title = f"{count} filters (rows) x {channels} input channels (columns), {height}x{width}"
        else:
            title = f"{count} filters of one input channel, {height}x{width}"
        axes.set_title(title, fontsize="small")
    axes.set_axis_off()
    return Picture(figure, path)
