"""Copies, dtype casts and moves between devices. The gradient of a cast is cast back by the engine
(it always delivers a gradient in its input's dtype), so backward just passes it through; the
gradient of a move is moved back."""
from __future__ import annotations

from .. import _cuda_backend, _dtype
from .._device import device, to_storage
from .._tensor import Tensor
from ..autograd.function import ArrayFunction, Function
from ._messages import check_tensor


class ToCopy(ArrayFunction):
    backward_name = "ToCopyBackward0"
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x, dtype):
        return x.astype(dtype)

    @staticmethod
    def backward(ctx, grad):
        return grad, None


class ToDevice(Function):
    """``x.to(device)``: a copy on ``target`` (a placement: ``cpu`` or ``cuda:0``), differentiable as
    in PyTorch (``ToCopyBackward0``): the gradient crosses back to ``x``'s device. A Function over
    tensors, since its output lives on another device than its input."""

    @staticmethod
    def forward(ctx, x: Tensor, target: device) -> Tensor:
        ctx.source = x.device
        return Tensor._from_storage(to_storage(x._data, target), target)

    @staticmethod
    def backward(ctx, grad: Tensor):
        return Tensor._from_storage(to_storage(grad._data, ctx.source), ctx.source), None

    def name(self) -> str:
        return "ToCopyBackward0"


class PinMemory(ArrayFunction):
    """``x.pin_memory()``: a copy in page-locked host memory, which the GPU's copy engine reads
    directly (a pageable array is first staged through such a buffer by the driver)."""

    backward_name = "PinMemoryBackward0"

    @staticmethod
    def forward(ctx, x):
        return _cuda_backend.pinned_copy(x)

    @staticmethod
    def backward(ctx, grad):
        return grad


def pin_memory(input: Tensor, device=None) -> Tensor:
    """``input`` copied to page-locked memory (``input`` itself if it is there already), from
    which ``.to('cuda')`` copies faster; only CPU tensors, and only where an accelerator exists,
    as in PyTorch."""
    if input.is_cuda:
        raise RuntimeError(f"cannot pin '{input.type()}' only dense CPU tensors can be pinned")
    if not _cuda_backend.is_available():
        raise RuntimeError("Cannot access accelerator device when none is available.")
    return input if is_pinned(input) else PinMemory.apply(input)


def is_pinned(input: Tensor, device=None) -> bool:
    """Whether a CPU tensor's storage lies in page-locked memory."""
    return not input.is_cuda and _cuda_backend.is_pinned(input._data)


class Clone(ArrayFunction):
    runs_on_cuda = True

    @staticmethod
    def forward(ctx, x):
        return x.copy()  # C order, on either device

    @staticmethod
    def backward(ctx, grad):
        return grad


def to_dtype(input: Tensor, dtype) -> Tensor:
    check_tensor(input, "to_dtype")
    return ToCopy.apply(input, _dtype.to_dtype(dtype).numpy)


def clone(input: Tensor, *, memory_format=None) -> Tensor:
    check_tensor(input, "clone")
    return Clone.apply(input)
