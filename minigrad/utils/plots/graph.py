"""``make_dot``: the autograd graph behind a tensor, as torchviz's ``make_dot`` and micrograd's
``draw_dot``: Graphviz DOT text always, an image through the ``graphviz`` package when it (and
Graphviz's ``dot`` program) is installed, else a matplotlib drawing of the same graph."""
from __future__ import annotations

import os
from typing import Mapping, NamedTuple, Sequence

from ..._tensor import Tensor
from .picture import Picture, new_figure

# torchviz's colours: leaves (parameters, inputs) light blue, outputs light green, ops grey.
LEAF_COLOR, OUTPUT_COLOR, OP_COLOR = "lightblue", "darkolivegreen1", "lightgrey"


class Node(NamedTuple):
    id: str
    label: str
    color: str


class DotGraph:
    """The graph made by ``make_dot``: ``nodes`` and ``edges`` (``(from_id, to_id)``, from an input
    towards the output), ``source`` its DOT text (also ``str(graph)``). ``save(path)`` writes a
    PNG, ``draw()`` draws it with matplotlib, and notebooks show it inline."""

    def __init__(self, nodes: list[Node], edges: list[tuple[str, str]]) -> None:
        self.nodes, self.edges = nodes, edges

    @property
    def source(self) -> str:
        lines = ["digraph {",
                 '\tnode [align=left fontname=monospace fontsize=10 height=0.2 ranksep=0.1 shape=box style=filled]']
        lines += [f'\t{node.id} [label="{_escaped(node.label)}" fillcolor={node.color}]' for node in self.nodes]
        lines += [f"\t{tail} -> {head}" for tail, head in self.edges]
        return "\n".join(lines + ["}"]) + "\n"

    def __str__(self) -> str:
        return self.source

    def png(self) -> bytes:
        """The PNG image: rendered by Graphviz when the ``graphviz`` package and ``dot`` are
        installed, else drawn with matplotlib."""
        try:
            import graphviz
            return graphviz.Source(self.source).pipe(format="png")
        except (ImportError, OSError, RuntimeError):  # no package, or no dot executable (ExecutableNotFound)
            return self.draw()._repr_png_()

    def save(self, path: str | os.PathLike) -> str:
        with open(path, "wb") as file:
            file.write(self.png())
        return os.fspath(path)

    def _repr_png_(self) -> bytes:
        return self.png()

    def draw(self, path: str | os.PathLike | None = None, figsize: tuple | None = None, dpi: float = 100) -> Picture:
        """The graph drawn with matplotlib in layers: a node's layer is its longest distance from an
        output, outputs at the bottom and leaves above, as Graphviz draws it. ``figsize`` defaults
        to 1.8 inches per node of the widest layer by 0.9 inches per layer."""
        layers = _layers(self.nodes, self.edges)
        width = max(len(layer) for layer in layers)
        figure = new_figure(figsize or (max(3.0, 1.8 * width), max(2.0, 0.9 * len(layers))), dpi)
        axes = figure.add_axes((0, 0, 1, 1))
        axes.set_xlim(-0.5, width - 0.5)
        axes.set_ylim(-0.5, len(layers) - 0.5)
        axes.set_axis_off()
        place = {node_id: ((width - len(layer)) / 2 + i, depth)
                 for depth, layer in enumerate(layers) for i, node_id in enumerate(layer)}
        for tail, head in self.edges:
            axes.annotate("", xy=place[head], xytext=place[tail],
                          arrowprops=dict(arrowstyle="->", shrinkA=12, shrinkB=12, color="0.3"))
        for node in self.nodes:
            axes.text(*place[node.id], node.label, ha="center", va="center", fontsize=8, family="monospace",
                      bbox=dict(boxstyle="round", facecolor=_matplotlib_color(node.color), edgecolor="0.3"))
        return Picture(figure, path)


def make_dot(var: Tensor | Sequence[Tensor], params: Mapping[str, Tensor] | None = None) -> DotGraph:
    """The backward graph of ``var`` (a tensor or several), as ``torchviz.make_dot``.

    Nodes: each ``grad_fn`` by its name (``MulBackward0``); each leaf that requires grad (its
    ``AccumulateGrad``) by its name in ``params`` (e.g. ``dict(model.named_parameters())``) and its
    shape; each output by its shape. Edges go from inputs towards outputs, as the forward ran.
    """
    outputs = [var] if isinstance(var, Tensor) else list(var)
    names = {id(tensor): name for name, tensor in (params or {}).items()}
    ids: dict[int, str] = {}
    nodes: list[Node] = []
    edges: list[tuple[str, str]] = []

    def add(key: int, label: str, color: str) -> str:
        ids[key] = f"n{len(ids)}"
        nodes.append(Node(ids[key], label, color))
        return ids[key]

    def leaf_label(tensor: Tensor) -> str:
        shape = "(" + ", ".join(map(str, tensor.shape)) + ")"
        return f"{names[id(tensor)]}\n{shape}" if id(tensor) in names else shape

    def visit(function) -> str:
        if id(function) in ids:
            return ids[id(function)]
        variable = getattr(function, "variable", None)  # AccumulateGrad: the leaf it feeds
        node_id = (add(id(function), leaf_label(variable), LEAF_COLOR) if variable is not None
                   else add(id(function), function.name(), OP_COLOR))
        for next_function, _ in getattr(function, "next_functions", ()):
            if next_function is not None:
                edges.append((visit(next_function), node_id))
        return node_id

    for output in outputs:
        output_id = add(id(output), leaf_label(output), OUTPUT_COLOR)
        if output.grad_fn is not None:
            edges.append((visit(output.grad_fn), output_id))
    return DotGraph(nodes, edges)


def _escaped(label: str) -> str:
    return label.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _matplotlib_color(color: str) -> str:
    return "#caff70" if color == OUTPUT_COLOR else color  # darkolivegreen1 is an X11 name only


def _layers(nodes: list[Node], edges: list[tuple[str, str]]) -> list[list[str]]:
    """Node ids grouped by their longest distance to a node without consumers (an output)."""
    consumers: dict[str, list[str]] = {node.id: [] for node in nodes}
    for tail, head in edges:
        consumers[tail].append(head)
    depth: dict[str, int] = {}

    def depth_of(node_id: str) -> int:
        if node_id not in depth:
            depth[node_id] = 1 + max((depth_of(c) for c in consumers[node_id]), default=-1)
        return depth[node_id]

    layers: list[list[str]] = [[] for _ in range(1 + max(depth_of(node.id) for node in nodes))]
    for node in nodes:
        layers[depth[node.id]].append(node.id)
    return layers
