"""In-place operations on views, recorded as PyTorch records them (``CopySlices``).

A view (``b[1:3]``, ``b[:, 0]``, ``b.t()``, ``b.view(-1)``, ``b.diagonal()``, ``b.unsqueeze(0)``,
views of views, ...) shares its base's storage and version counter, and ``view._base`` is the
tensor that owns the memory (never a view itself; ``detach()`` shares the storage but makes no
view, as in PyTorch). Writing into a view changes the base, so the base's history changes too::

    v = b[1:3]
    v.mul_(2)       # b_new = CopySlices(b_old, region of v, mul(v_old, 2))
                    # v     = AsStridedBackward0(b_new): the region of the new b

Backward of ``CopySlices``: the gradient of ``b_new`` outside the region flows to ``b_old``
unchanged; inside the region it goes to the in-place op's result, whose node (``MulBackward0``)
sends it on to ``v_old``'s history (which reads the region of ``b_old``) and to the op's other
arguments. The in-place op itself is recorded by ``Tensor._inplace`` as an ordinary out-of-place
op on a copy of the view's old values; this module only adds the two nodes around it.

The region is found from memory, not from the chain of view ops that made the view: the base's
memory is labelled with each element's flat (C-order) position in the base, and the view's numpy
window over that memory (its offset from the base's first element and its strides) read over
the labels gives, for each element of the view, its position in the base (``Region``). So every
view kind, and every view of a view, needs no code of its own, whatever the base's layout.

Other views of the base learn of the change lazily, as in PyTorch: a view keeps the version of
the shared counter at which its history was made (``_view_version``), and when its ``grad_fn`` is
read after the counter moved, the history is regenerated as ``AsStridedBackward0`` of the base's
current history (``refresh_history``).

PyTorch forbids some in-place changes of views, because the right history would be ambiguous or
would override a custom backward: views of leaves that require grad; outputs of functions that
return several views (``unbind``, ``split``, ``chunk``); views made in no_grad or inference mode
then changed with grad mode on; views returned by a custom ``Function``. ``view._view_creation``
records which (``None`` for an ordinary view), and the errors carry PyTorch's messages.

Both nodes' backward formulas are numpy reads (integer indexing, ``where``, ``concatenate``,
``sum``) that write into no array, so under ``create_graph`` they record their own graph like any
other ``ArrayFunction`` backward (recording_array.py): CopySlices differentiates twice.
"""
from __future__ import annotations

import re
from functools import cached_property

import numpy as np

from .. import _tensor  # the module, not the class: the two modules import each other
from . import hooks
from .function import ArrayFunction
from .grad_mode import enable_grad, is_grad_enabled, is_inference_mode_enabled


# ---- how a view was made ---------------------------------------------------------------------
class ViewCreation:
    """Why in-place changes of a view are restricted (PyTorch's ``CreationMeta``; an ordinary view
    has none). ``function`` and ``output_nr`` name the multi-view function that returned it."""

    __slots__ = ("kind", "function", "output_nr")

    def __init__(self, kind: str, function: str | None = None, output_nr: int = 0):
        self.kind, self.function, self.output_nr = kind, function, output_nr


NO_GRAD = ViewCreation("no_grad")
INFERENCE = ViewCreation("inference")
MULTI_OUTPUT = ViewCreation("multi_output")
CUSTOM_FUNCTION = ViewCreation("custom_function")
_BY_KIND = {c.kind: c for c in (NO_GRAD, INFERENCE, MULTI_OUTPUT, CUSTOM_FUNCTION)}

_ADVICE = {
    "multi_output": (
        " This view is the output of a function that returns multiple views. Such functions do not allow "
        "the output views to be modified inplace. You should replace the inplace operation by an out-of-place one."
    ),
    "no_grad": (
        " Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by "
        "moving both the view and the inplace either both inside the no_grad block (if you don't want the "
        "inplace to be tracked) or both outside (if you want the inplace to be tracked)."
    ),
    "inference": (
        " Given that this use case is ambiguous and error-prone, it is forbidden. You can clarify your code by "
        "moving both the view and the inplace either both inside the inference_mode block (if you don't want "
        "the inplace to be tracked) or both outside (if you want the inplace to be tracked)."
    ),
    "custom_function": (
        " This view was created inside a custom Function (or because an input was returned as-is) and the "
        "autograd logic to handle view+inplace would override the custom backward associated with the custom "
        "Function, leading to incorrect gradients. This behavior is forbidden. You can fix this by cloning the "
        "output of the custom Function."
    ),
}


def creation_of_view_of(inherited: ViewCreation | None) -> ViewCreation | None:
    """The record of a view made now from a tensor whose record is ``inherited`` (None for a base):
    a view made with grad mode off is a no_grad (or inference) view, unless it comes from an
    inference view; otherwise it keeps the kind it inherits (PyTorch's ``propagate_creation_meta``)."""
    if not is_grad_enabled():
        if inherited is INFERENCE or is_inference_mode_enabled():
            return INFERENCE
        return NO_GRAD
    return None if inherited is None else _BY_KIND[inherited.kind]


def mark_multi_output(views: tuple, function: str) -> tuple:
    """Record that ``views`` are the outputs of ``function`` (PyTorch's name in messages: "Unbind",
    "Split", ...), which returns several views, so that changing one in place raises as in PyTorch."""
    for output_nr, view in enumerate(views):
        if view._base is not None and view._view_creation is None:
            view._view_creation = ViewCreation("multi_output", function, output_nr)
    return views


def _short_name(node) -> str:
    """A node's name as PyTorch's view messages show it: ``UnbindBackward0`` -> ``Unbind``."""
    return re.sub(r"Backward\d*$", "", node.name())


def _forbidden(view, creation: ViewCreation, indirect: bool) -> str:
    """PyTorch's message for an in-place change of ``view`` (``indirect``: of its base or of
    another view of it) that ``creation`` forbids (``handle_view_on_rebase``)."""
    node = view._grad_fn
    modified = "its base or another view of its base has been" if indirect else "is being"
    if creation.kind in ("no_grad", "inference") or node is None:
        prefix = ("A view was created in" if node is None else
                  f"Output {view._output_nr} of {_short_name(node)} is a view of a view which was created in")
        if creation.kind == "inference":
            head = f"{prefix} inference mode and {modified} modified inplace in normal mode."
        else:
            head = f"{prefix} no_grad mode and {modified} modified inplace with grad mode enabled."
    elif creation.function is not None:
        head = f"Output {creation.output_nr} of {creation.function} is a view and {modified} modified inplace."
    else:
        head = f"Output {view._output_nr} of {_short_name(node)} is a view and {modified} modified inplace."
    return head + _ADVICE[creation.kind]


def check_inplace_on_view(view) -> None:
    """Raise PyTorch's error when an in-place change of ``view`` that autograd records is forbidden."""
    creation = view._view_creation
    if creation is not None:
        raise RuntimeError(_forbidden(view, creation, indirect=False))
    if view.requires_grad and view._base._grad_fn is None:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an in-place operation.")


# ---- where a view sits in its base -----------------------------------------------------------
def _address(array: np.ndarray) -> int:
    return array.__array_interface__["data"][0]


def _extent(shape: tuple, strides: tuple) -> tuple[int, int]:
    """Byte offsets of the lowest and highest element of a non-empty array from its first one."""
    low = sum((n - 1) * s for n, s in zip(shape, strides) if s < 0)
    high = sum((n - 1) * s for n, s in zip(shape, strides) if s > 0)
    return low, high


class Region:
    """Where the elements of a view sit in its base.

    ``positions`` (the view's shape) holds each view element's flat, C-order position in the
    base: ``base.reshape(-1)[positions]`` equals the view. Built by labelling a buffer laid out
    like the base's memory with ``arange(base.size)`` and reading the view's window over it.
    """

    def __init__(self, base: np.ndarray, view: np.ndarray):
        self.base_shape = base.shape
        self.view_strides = view.strides
        if view.size == 0:
            self.positions = np.zeros(view.shape, np.intp)
            return
        itemsize = base.itemsize
        low, high = _extent(base.shape, base.strides)
        start = _address(view) - _address(base)
        view_low, view_high = _extent(view.shape, view.strides)
        if start + view_low < low or start + view_high > high:
            raise RuntimeError("a view's memory lies outside its base's storage (was the base's .data replaced?)")
        labels = np.empty((high - low) // itemsize + 1, np.intp)

        def window(offset: int, shape: tuple, strides: tuple) -> np.ndarray:
            scaled = tuple(s // itemsize * labels.itemsize for s in strides)
            return np.lib.stride_tricks.as_strided(labels[(offset - low) // itemsize:], shape, scaled)

        window(0, base.shape, base.strides)[...] = np.arange(base.size).reshape(base.shape)
        self.positions = window(start, view.shape, view.strides).copy()

    @cached_property
    def mask(self) -> np.ndarray:
        """Base-shaped: True where the view shows the base element."""
        mask = np.zeros(int(np.prod(self.base_shape)), bool)
        mask[self.positions.reshape(-1)] = True
        return mask.reshape(self.base_shape)

    @cached_property
    def repeated_axes(self) -> tuple:
        """The view's axes along which it shows one base element several times (stride 0: expand)."""
        shape, strides = self.positions.shape, self.view_strides
        return tuple(axis for axis in range(len(shape)) if strides[axis] == 0 and shape[axis] > 1)

    @cached_property
    def gather_from_view(self) -> np.ndarray:
        """Base-shaped: for each base element, its index in the view flattened (one of its copies
        summed over ``repeated_axes``), or the view's size (one past the end) where it is not shown."""
        distinct = self.positions[tuple(slice(0, 1) if axis in self.repeated_axes else slice(None)
                                        for axis in range(self.positions.ndim))]
        inverse = np.full(int(np.prod(self.base_shape)), distinct.size, np.intp)
        inverse[distinct.reshape(-1)] = np.arange(distinct.size)
        return inverse.reshape(self.base_shape)


# ---- the two nodes ---------------------------------------------------------------------------
class CopySlices(ArrayFunction):
    """The base after an in-place change of one of its views: ``base`` with ``values`` in the
    view's ``region`` (PyTorch's ``CopySlices``).

    Made after the values were written, so forward returns the base's storage as it is.
    d/d base: the gradient outside the region; d/d values: the gradient read at the region.
    """

    backward_name = "CopySlices"

    @staticmethod
    def forward(ctx, base, values, *, region):
        ctx.region = region
        return base

    @staticmethod
    def backward(ctx, grad):
        region = ctx.region
        grad_base = np.where(region.mask, 0, grad) if ctx.needs_input_grad[0] else None
        grad_values = grad.reshape(-1)[region.positions] if ctx.needs_input_grad[1] else None
        return grad_base, grad_values


class AsStrided(ArrayFunction):
    """A view read from its base's ``region``: the history a view gets when its base changed in
    place after it was made (PyTorch's ``AsStridedBackward0``).

    Made for a view that already holds its values, so forward returns them as they are. Backward
    sends each element's gradient to its base position (summed where the view repeats one).
    """

    backward_name = "AsStridedBackward0"

    @staticmethod
    def forward(ctx, base, *, region, values):
        ctx.region = region
        return values

    @staticmethod
    def backward(ctx, grad):
        region = ctx.region
        summed = grad.sum(axis=region.repeated_axes, keepdims=True) if region.repeated_axes else grad
        padded = np.concatenate([summed.reshape(-1), np.zeros(1, grad.dtype)])  # base elements not shown read the 0
        return padded[region.gather_from_view]


# ---- recording the change --------------------------------------------------------------------
def record_on_base(view, result) -> None:
    """After ``result`` (with its history) was written into ``view``: give the base the history
    CopySlices(its old history, the view's region, result), and the view AsStridedBackward0 of
    that. Other views of the base follow lazily, since the write moved the shared version counter."""
    base = view._base
    old = _tensor.Tensor._from_storage(base._data, base._device)  # the base's history before the write
    old._grad_fn, old._output_nr, old.requires_grad_flag = base._grad_fn, base._output_nr, base.requires_grad_flag
    base._rebase(CopySlices.apply(old, result, region=Region(base._data, view._data)))
    refresh_history(view)


def refresh_history(view) -> None:
    """Regenerate the history of ``view``, whose base (or another view of it) changed in place
    since it was made, as ``AsStridedBackward0`` of the base's current history, as PyTorch does
    when such a view's ``grad_fn`` is read."""
    base = view._base
    if view._grad_fn is None and not base.requires_grad_flag:
        return  # nothing to track; looked at again once the base requires grad
    creation = view._view_creation
    if creation is not None:
        raise RuntimeError(_forbidden(view, creation, indirect=True))
    old_node, old_output_nr = view._grad_fn, view._output_nr
    node = None
    if base.requires_grad_flag:
        with enable_grad():  # the history is the base's, whatever the mode it is read in
            node = AsStrided.apply(base, region=Region(base._data, view._data), values=view._data)._grad_fn
    view._grad_fn, view._output_nr, view.requires_grad_flag = node, 0, node is not None
    view._view_version = view._version_counter.value
    if view._retains_grad and old_node is not None and node is not None:
        hooks.move_retained(view, old_node, old_output_nr)
