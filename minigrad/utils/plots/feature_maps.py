"""``plot_feature_maps``: the activations of one input after each layer of a network."""
from __future__ import annotations

import os
from typing import Sequence

from ..._creation import from_numpy
from ..._tensor import Tensor
from ...autograd.grad_mode import no_grad
from .picture import Picture, new_figure


def plot_feature_maps(model, x: Tensor, path: str | os.PathLike | None = None, layers: Sequence[str] | None = None,
                      max_channels: int = 8, figsize: tuple | None = None, dpi: float = 100) -> Picture:
    """The feature maps of one input ``x`` (``(C, H, W)`` or ``(1, C, H, W)``) through ``model``.

    Forward hooks catch the outputs of the modules named in ``layers`` (names of
    ``model.named_modules()``; default: every module without children whose output is an image
    batch ``(1, C, H, W)``). One row per layer, after the input: its first ``max_channels``
    channels side by side, each scaled to ``[0, 1]`` on its own (bright = large). The model runs
    as it is, under ``no_grad``: call ``model.eval()`` first for dropout and batch norm.
    ``figsize`` defaults to 8 inches wide and 1.2 per row.
    """
    from ...vision.utils import make_grid

    batch = x.unsqueeze(0) if x.ndim == 3 else x
    if batch.ndim != 4 or batch.shape[0] != 1:
        raise ValueError(f"plot_feature_maps expects one image (C, H, W) or (1, C, H, W), but got shape "
                         f"{tuple(x.shape)}")
    modules = dict(model.named_modules())
    chosen = list(layers) if layers is not None else [name for name, module in modules.items()
                                                      if name and not any(True for _ in module.children())]
    unknown = [name for name in chosen if name not in modules]
    if unknown:
        raise ValueError(f"plot_feature_maps: no module named {unknown[0]!r} in the model; its modules are "
                         f"{[name for name in modules if name]}")
    outputs: dict[str, Tensor] = {}
    handles = [modules[name].register_forward_hook(_keeper(outputs, name)) for name in chosen]
    try:
        with no_grad():
            model(batch)
    finally:
        for handle in handles:
            handle.remove()
    rows = [("input", batch)] + [(name, outputs[name]) for name in chosen
                                 if name in outputs and outputs[name].ndim == 4]
    figure = new_figure(figsize or (8, 1.2 * len(rows)), dpi)
    for index, (name, maps) in enumerate(rows):
        planes = maps[0, :max_channels].detach().cpu().numpy()[:, None]  # channels as 1-channel images
        grid = make_grid(from_numpy(planes), nrow=max_channels, padding=1, normalize=True, scale_each=True,
                         pad_value=1.0)
        axes = figure.add_subplot(len(rows), 1, index + 1)
        axes.imshow(grid.numpy()[0], cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        kind = "" if name == "input" else f" ({type(modules[name]).__name__})"
        axes.set_title(f"{name}{kind}: {' x '.join(map(str, maps.shape[1:]))}", fontsize=8, loc="left")
        axes.set_axis_off()
    figure.tight_layout()
    return Picture(figure, path)


def _keeper(outputs: dict, name: str):
    def keep(module, args, output) -> None:
        if isinstance(output, Tensor):
            outputs[name] = output
    return keep
