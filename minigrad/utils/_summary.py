"""``minigrad.utils.summary``: torchinfo's ``summary`` for minigrad models, plus the receptive
field and jump of convolution / pooling chains.

One forward pass runs with a forward pre-hook and a forward hook on every module. The pre-hook
opens a row (path, type, depth) and the hook fills it (output shape, MACs, receptive field); the
layer arithmetic lives in ``_layer_arithmetic``. A layer that raises is reported by path, type
and the shapes it received.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from .. import _creation
from .._tensor import Tensor
from ..autograd.grad_mode import no_grad
from ..nn import Module
from . import _layer_arithmetic as arithmetic


@dataclass
class LayerRow:
    """One call of one module. ``params`` counts the module's parameters with its children's
    (``trainable_params`` those that require grad); ``macs`` sums its leaf layers' MACs;
    ``receptive_field`` and ``jump`` are per spatial dimension (None outside a conv/pool chain)."""
    name: str
    type: str
    depth: int
    input_shape: list[tuple]
    output_shape: tuple | list | None = None
    params: int = 0
    trainable_params: int = 0
    macs: int = 0
    receptive_field: tuple | None = None
    jump: tuple | None = None
    is_leaf: bool = True
    output_bytes: int = 0

    @property
    def non_trainable_params(self) -> int:
        return self.params - self.trainable_params


@dataclass
class ModelSummary:
    """What ``summary`` measured. ``str()`` is the table; ``rows`` holds the rows shown (depth
    <= ``depth``), the totals count every layer."""
    rows: list[LayerRow]
    total_params: int
    trainable_params: int
    total_macs: int
    input_bytes: int
    forward_backward_bytes: int
    param_bytes: int
    model_name: str = ""
    all_rows: list[LayerRow] = field(default_factory=list, repr=False)

    @property
    def non_trainable_params(self) -> int:
        return self.total_params - self.trainable_params

    def __str__(self) -> str:
        return _format(self)

    __repr__ = __str__


def summary(model: Module, input_size: Sequence | None = None, input_data: Any = None,
            dtypes: Sequence | None = None, depth: int = 3, verbose: int = 1, mode: str = "eval",
            shapes_only: bool = False) -> ModelSummary:
    """Run ``model`` once and tabulate every layer, as torchinfo's ``summary``.

    Args:
        input_size: the input's shape with the batch dimension, e.g. ``(1, 3, 224, 224)``, or a
            list of shapes for a model with several inputs (zero-filled inputs are made).
        input_data: the input tensor, or a tuple / list of them (instead of ``input_size``).
        dtypes: the dtype of each input made from ``input_size`` (default float32).
        depth: rows deeper than this (the model is depth 0, its children 1, ...) are not shown.
        verbose: 1 prints the table (torchinfo's default), 0 only returns it.
        mode: "eval" (torchinfo's default: BatchNorm's running statistics are left alone) or
            "train": the mode the model runs in; every module's own mode is restored afterwards.
        shapes_only: (ours) compute the shapes of convolutions, pooling, Linear and element-wise
            layers by formula instead of running their kernels, for big models on a laptop;
            other layers (and the model's own code between them) still run, on zero tensors.

    Returns a ``ModelSummary``. Raises RuntimeError naming the layer, its type and the shapes it
    received when a layer cannot take its input.
    """
    if mode not in ("eval", "train"):
        raise ValueError(f"summary: mode must be 'eval' or 'train', got {mode!r}")
    inputs = _make_inputs(input_size, input_data, dtypes)
    modes = {module: module.training for module in model.modules()}
    model.train(mode == "train")
    recorder = _Recorder(model, shapes_only)
    try:
        with no_grad():
            model(*inputs)
    except Exception as error:
        if not recorder.stack:
            raise
        raise recorder.layer_error(error) from error
    finally:
        recorder.remove()
        for module, training in modes.items():
            module.training = training
    params = {id(p): p for p in model.parameters()}.values()
    result = ModelSummary(
        rows=[row for row in recorder.rows if row.depth <= depth],
        total_params=sum(p.numel() for p in params),
        trainable_params=sum(p.numel() for p in params if p.requires_grad),
        total_macs=sum(row.macs for row in recorder.rows if row.is_leaf),
        input_bytes=sum(x.numel() * x.element_size() for x in inputs),
        forward_backward_bytes=2 * sum(row.output_bytes for row in recorder.rows if row.is_leaf),
        param_bytes=sum(p.numel() * p.element_size() for p in params),
        model_name=type(model).__name__, all_rows=recorder.rows)
    if verbose:
        print(result)
    return result


def _make_inputs(input_size, input_data, dtypes) -> tuple:
    if (input_size is None) == (input_data is None):
        raise ValueError("summary: pass exactly one of input_size and input_data")
    if input_data is not None:
        return tuple(input_data) if isinstance(input_data, (tuple, list)) else (input_data,)
    sizes = list(input_size) if isinstance(input_size[0], (tuple, list)) else [input_size]
    dtypes = list(dtypes) if dtypes is not None else [None] * len(sizes)
    if len(dtypes) != len(sizes):
        raise ValueError(f"summary: {len(sizes)} input sizes but {len(dtypes)} dtypes")
    return tuple(_creation.zeros(tuple(size), dtype=dtype) for size, dtype in zip(sizes, dtypes))


def _shapes(value) -> tuple | list | None:
    if isinstance(value, Tensor):
        return tuple(value.shape)
    if isinstance(value, (tuple, list)):
        return [_shapes(v) for v in value]
    return None


def _tensors(value) -> list[Tensor]:
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, (tuple, list)):
        return [t for v in value for t in _tensors(v)]
    return []


class _Recorder:
    """The hooks of one ``summary`` call: a stack of the rows of the modules now running."""

    def __init__(self, model: Module, shapes_only: bool) -> None:
        self.rows: list[LayerRow] = []
        self.stack: list[LayerRow] = []
        # (receptive field, jump) of each tensor a layer produced, by id: a layer continues the
        # chain of the tensor it reads, so parallel branches each keep their own.
        self.fields: dict[int, tuple] = {}
        self.produced: list[Tensor] = []  # those tensors, kept alive so that their ids stay theirs
        self.handles = []
        self.patched: list[Module] = []
        for name, module in model.named_modules():
            self.handles.append(module.register_forward_pre_hook(self._pre_hook(name, module)))
            self.handles.append(module.register_forward_hook(self._hook))
            is_leaf = not any(True for _ in module.children())
            if shapes_only and is_leaf:
                self._patch_forward(name, module)

    def _pre_hook(self, name: str, module: Module):
        def hook(module: Module, args: tuple) -> None:
            params = {id(p): p for p in module.parameters()}.values()
            row = LayerRow(name=name or type(module).__name__, type=type(module).__name__,
                           depth=name.count(".") + 1 if name else 0, input_shape=_shapes(list(args)),
                           params=sum(p.numel() for p in params),
                           trainable_params=sum(p.numel() for p in params if p.requires_grad),
                           is_leaf=not any(True for _ in module.children()))
            self.rows.append(row)
            self.stack.append(row)
        return hook

    def _hook(self, module: Module, args: tuple, output) -> None:
        row = self.stack.pop()
        row.output_shape = _shapes(output)
        if not row.is_leaf:
            row.receptive_field, row.jump = self.fields.get(id(output), (None, None))
            return
        in_shape = tuple(args[0].shape) if args and isinstance(args[0], Tensor) else ()
        out_shape = row.output_shape if isinstance(row.output_shape, tuple) else ()
        row.macs = arithmetic.macs(module, in_shape, out_shape)
        row.output_bytes = sum(t.numel() * t.element_size() for t in _tensors(output))
        source = self.fields.get(id(args[0]), (None, None)) if in_shape else (None, None)
        row.receptive_field, row.jump = arithmetic.receptive_field_step(module, *source, in_shape, out_shape)
        if isinstance(output, Tensor):
            self.fields[id(output)] = (row.receptive_field, row.jump)
            self.produced.append(output)
        for parent in self.stack:
            parent.macs += row.macs

    def _patch_forward(self, name: str, module: Module) -> None:
        """Replace ``module.forward`` (as an instance attribute) by its shape formula, when it has one."""
        def forward(input: Tensor, *args, **kwargs) -> Tensor:
            shape = arithmetic.output_shape(module, tuple(input.shape))
            return _creation.zeros(shape, dtype=input.dtype) if shape is not None else type(module).forward(
                module, input, *args, **kwargs)
        object.__setattr__(module, "forward", forward)
        self.patched.append(module)

    def remove(self) -> None:
        for handle in self.handles:
            handle.remove()
        for module in self.patched:
            object.__delattr__(module, "forward")

    def layer_error(self, error: Exception) -> RuntimeError:
        """The error naming the innermost layer that was running when ``error`` was raised."""
        row = self.stack[-1]
        received = ", ".join(_shape_text(shape) for shape in row.input_shape)
        path = " -> ".join(r.name for r in self.stack)
        return RuntimeError(f"summary: layer {row.name!r} ({row.type}) failed on input of shape {received} "
                            f"(calls: {path}): {type(error).__name__}: {error}")


# ---- the table ---------------------------------------------------------------------------------
def _field_text(values: tuple | None) -> str:
    if values is None:
        return "--"
    return str(values[0]) if len(set(values)) == 1 else "x".join(map(str, values))


def _shape_text(shape) -> str:
    if shape is None:
        return "--"
    return str(list(shape)) if isinstance(shape, tuple) else ", ".join(_shape_text(s) for s in shape)


def _format(s: ModelSummary) -> str:
    header = ("Layer (type:depth-idx)", "Output Shape", "Param #", "Mult-Adds", "RF", "Jump")
    lines = []
    counters: dict[int, int] = {}
    for row in s.rows:
        counters[row.depth] = counters.get(row.depth, 0) + 1
        indent = "" if row.depth == 0 else "│    " * (row.depth - 1) + "├─"
        label = f"{indent}{row.type if row.depth == 0 else row.name.rsplit('.', 1)[-1] + ': ' + row.type}"
        label += f": {row.depth}" if row.depth == 0 else f": {row.depth}-{counters[row.depth]}"
        lines.append((label, _shape_text(row.output_shape), f"{row.params:,}" if row.params else "--",
                      f"{row.macs:,}" if row.macs else "--", _field_text(row.receptive_field),
                      _field_text(row.jump)))
    widths = [max(len(r[i]) for r in [header, *lines]) for i in range(len(header))]
    rule = "=" * (sum(widths) + 2 * (len(widths) - 1))

    def fmt(cells):
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    megabytes = [s.input_bytes / 1e6, s.forward_backward_bytes / 1e6, s.param_bytes / 1e6]
    footer = [f"Total params: {s.total_params:,}", f"Trainable params: {s.trainable_params:,}",
              f"Non-trainable params: {s.non_trainable_params:,}",
              f"Total mult-adds ({_unit(s.total_macs)[1]}): {_unit(s.total_macs)[0]}",
              f"Input size (MB): {megabytes[0]:.2f}", f"Forward/backward pass size (MB): {megabytes[1]:.2f}",
              f"Params size (MB): {megabytes[2]:.2f}", f"Estimated Total Size (MB): {sum(megabytes):.2f}"]
    return "\n".join([rule, fmt(header), rule, *map(fmt, lines), rule, *footer[:4], rule, *footer[4:], rule])


def _unit(macs: int) -> tuple[str, str]:
    """torchinfo's mult-adds line: the count in G, M or units with two decimals."""
    for scale, unit in ((1e9, "G"), (1e6, "M")):
        if macs >= scale:
            return f"{macs / scale:.2f}", unit
    return f"{macs:,}", "Units"
