"""The receptive field of one output unit: the input pixels its value depends on, found by
back-propagating from that unit and keeping the pixels whose gradient is not zero."""
from __future__ import annotations

import os

import numpy as np

from ..._tensor import Tensor
from ...autograd import grad
from .picture import Picture, new_figure


def _input_gradient(model, image: Tensor, position: tuple, channel: int | None) -> np.ndarray:
    """|d unit / d input| summed over input channels, ``(H, W)``; the unit is ``out[0, channel,
    row, col]`` (all channels summed when ``channel`` is None) of ``model(image)``."""
    batch = image.unsqueeze(0) if image.ndim == 3 else image
    if batch.ndim != 4 or batch.shape[0] != 1:
        raise ValueError(f"expected one image (C, H, W) or (1, C, H, W), but got shape {tuple(image.shape)}")
    x = batch.detach().clone().requires_grad_(True)
    out = model(x)
    if out.ndim != 4:
        raise ValueError(f"the model's output must be a feature map (1, C, H, W) for a position in it to have "
                         f"a receptive field, but got shape {tuple(out.shape)}")
    row, col = position
    if not (0 <= row < out.shape[2] and 0 <= col < out.shape[3]):
        raise IndexError(f"position {tuple(position)} is outside the output's {out.shape[2]} x {out.shape[3]} map")
    unit = out[0, :, row, col].sum() if channel is None else out[0, channel, row, col]
    (gradient,) = grad(unit, x)
    return np.abs(gradient.detach().cpu().numpy()[0]).sum(axis=0)


def receptive_field_box(model, image: Tensor, position: tuple, channel: int | None = None) -> tuple:
    """``(top, left, bottom, right)`` (bottom and right exclusive) of the input pixels on which the
    output unit at ``position = (row, col)`` of ``model(image)`` depends for this input.

    Found from the gradient of that unit with respect to the input: the bounding box of its nonzero
    entries. For a chain of convolutions and pooling this is the receptive field computed from the
    conv arithmetic, clipped to the image where padding reaches outside; a ReLU that is off for
    this input or a zero weight can make it smaller (the *effective* receptive field).
    """
    return _bounding_box(_input_gradient(model, image, position, channel))


def _bounding_box(strength: np.ndarray) -> tuple:
    rows, cols = np.nonzero(strength)
    if rows.size == 0:
        return (0, 0, 0, 0)
    return (int(rows.min()), int(cols.min()), int(rows.max()) + 1, int(cols.max()) + 1)


def plot_receptive_field(model, image: Tensor, position: tuple, path: str | os.PathLike | None = None,
                         channel: int | None = None, figsize: tuple | None = None, dpi: float = 100) -> Picture:
    """The input ``image`` with the receptive field of output unit ``position = (row, col)`` on top:
    the pixels by how strongly they influence the unit (the gradient's magnitude, in red) and their
    bounding box (``receptive_field_box``). ``figsize`` defaults to 5 x 5 inches."""
    from matplotlib.patches import Rectangle

    strength = _input_gradient(model, image, position, channel)
    top, left, bottom, right = _bounding_box(strength)
    pixels = (image[0] if image.ndim == 4 else image).detach().cpu().numpy()
    figure = new_figure(figsize or (5, 5), dpi)
    axes = figure.add_subplot(1, 1, 1)
    if pixels.shape[0] == 3:
        shown = pixels.transpose(1, 2, 0)
        axes.imshow((shown - shown.min()) / max(float(np.ptp(shown)), 1e-12), interpolation="nearest")
    else:
        axes.imshow(pixels[0], cmap="gray", interpolation="nearest")
    overlay = np.zeros(strength.shape + (4,))
    overlay[..., 0] = 1.0
    overlay[..., 3] = 0.6 * strength / max(float(strength.max()), 1e-12)
    axes.imshow(overlay, interpolation="nearest")
    axes.add_patch(Rectangle((left - 0.5, top - 0.5), right - left, bottom - top, fill=False, edgecolor="yellow",
                             linewidth=2))
    axes.set_title(f"output {tuple(position)} sees rows {top}..{bottom - 1}, cols {left}..{right - 1} "
                   f"({bottom - top} x {right - left})", fontsize=9)
    axes.set_axis_off()
    return Picture(figure, path)
