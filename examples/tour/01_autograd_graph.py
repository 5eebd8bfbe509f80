"""Tour 1: how autograd records a graph as the forward runs, and walks it backward.

Run: python examples/tour/01_autograd_graph.py [--out tour_out]

A tiny expression ``loss = tanh(x * w + b) ** 2`` (written ``y * y``) on scalars: its ``grad_fn``
chain and ``next_functions``, the order in which ``backward`` reaches the nodes, the saved values
each node keeps and frees, the graph drawn with ``make_dot``, and ``create_graph=True`` for a
second derivative. Read alongside:

- minigrad/autograd/function.py: ``Function.apply`` (one node per op, its edges: ``next_functions``),
  ``AccumulateGrad`` (a leaf's sink), ``ArrayFunction`` (built-in ops' forward/backward on arrays)
- minigrad/functions/arithmetic.py: ``Mul``, ``Add``; minigrad/functions/unary.py: ``Tanh``
  (each op's backward formula)
- minigrad/autograd/engine.py: ``run_backward`` (dependency counts, Kahn's order), ``_run_node``
  (runs a node's backward, then frees its saved values)
- minigrad/autograd/recording_array.py: how ``create_graph=True`` records the backward pass
- minigrad/utils/plots/graph.py: ``make_dot``
"""
import math

import minigrad as torch
from minigrad.utils.plots import make_dot

from _tour import draw, heading, parse_args


def print_graph(node, leaf_names: dict, depth: int = 0, seen=None) -> None:
    """The graph below ``node``, one line per edge, by following ``next_functions`` (what
    ``make_dot`` and the engine's ``_dependencies`` walk too). A node reached twice is printed once;
    ``leaf_names`` maps ``id(leaf)`` to its name."""
    seen = set() if seen is None else seen
    leaf = getattr(node, "variable", None)  # AccumulateGrad: the leaf whose .grad it adds to
    label = f"{node.name()} -> {leaf_names[id(leaf)]}.grad" if leaf is not None else node.name()
    print("    " * depth + label + ("  (seen above)" if id(node) in seen else ""))
    if id(node) in seen:
        return
    seen.add(id(node))
    for parent, _ in getattr(node, "next_functions", ()):  # a leaf's sink has none
        if parent is not None:  # None: an argument that needs no gradient (a constant, a dtype)
            print_graph(parent, leaf_names, depth + 1, seen)


def main(argv=None) -> None:
    args = parse_args(__doc__.splitlines()[0], argv)

    heading("1. The forward pass records a graph", "minigrad/autograd/function.py: Function.apply")
    x = torch.tensor(0.5, requires_grad=True)
    w = torch.tensor(-1.5, requires_grad=True)
    b = torch.tensor(0.25, requires_grad=True)
    u = x * w
    v = u + b
    y = v.tanh()
    loss = y * y
    print("loss = tanh(x * w + b) ** 2 with x = 0.5, w = -1.5, b = 0.25")
    for name, tensor in (("x", x), ("u = x * w", u), ("v = u + b", v), ("y = tanh(v)", y), ("loss = y * y", loss)):
        print(f"  {name:<13} = {tensor.item():+.6f}   grad_fn = {tensor.grad_fn}   is_leaf = {tensor.is_leaf}")
    print("Leaves (made by you) have no grad_fn; every op on a tensor that requires grad makes a node.")
    print("Each node points at the nodes that made its inputs (next_functions: (node, output_nr) pairs):")
    print(f"  loss.grad_fn.next_functions = {loss.grad_fn.next_functions}")
    print("  (both arguments of y * y are y: two edges to TanhBackward0; the last (None, 0) is Mul's dtype argument)")
    print("The whole graph, from the loss down to the leaves' AccumulateGrad sinks:")
    print_graph(loss.grad_fn, {id(x): "x", id(w): "w", id(b): "b"}, depth=1)

    heading("2. What each node saved for its backward",
            "minigrad/functions/arithmetic.py: Mul; minigrad/functions/unary.py: Tanh")
    print("Built-in ops save numpy arrays (ArrayFunction), only what their backward formula reads:")
    print(f"  TanhBackward0 saved tanh's output, {float(y.grad_fn.saved_tensors[0]):+.6f}: "
          "d tanh(v)/dv = 1 - tanh(v)^2")
    print(f"  the loss's MulBackward0 saved both factors, {[round(float(a), 6) for a in loss.grad_fn.saved_tensors]}: "
          "d(a*b)/da = b")
    print("  AddBackward0 saved nothing: the gradient of a sum passes through unchanged")

    heading("3. backward() walks the graph in dependency order",
            "minigrad/autograd/engine.py: run_backward, _deliver, _run_node")
    visited = []
    for name, tensor in (("loss", loss), ("y", y), ("v", v), ("u", u), ("x", x), ("w", w), ("b", b)):
        # A tensor hook runs when the engine reaches the node that owns that tensor's gradient.
        tensor.register_hook(lambda grad, name=name: visited.append(f"{name} (grad {grad.item():+.6f})"))
    loss.backward()
    print("The engine counts each node's consumers, then runs a node only when all of them have")
    print("delivered (Kahn's algorithm), so TanhBackward0 runs once, with the sum of y's two gradients")
    print("(y * y sends y one gradient per factor, y + y = 2y; a tensor hook sees that sum):")
    for step, entry in enumerate(visited, 1):
        print(f"  {step}. {entry}")
    y_value, v_value = y.item(), v.item()
    by_hand = 2 * y_value * (1 - y_value ** 2)
    print(f"By hand: d loss/dv = 2y(1 - y^2) = {by_hand:+.6f}; d loss/dx = that * w = {by_hand * w.item():+.6f}, "
          f"autograd: {x.grad.item():+.6f}")
    assert math.isclose(x.grad.item(), by_hand * w.item(), rel_tol=1e-5)
    assert math.isclose(b.grad.item(), by_hand, rel_tol=1e-5)
    assert math.isclose(math.tanh(v_value), y_value, rel_tol=1e-6)

    heading("4. Saved values are freed after use", "minigrad/autograd/engine.py: _run_node (retain_graph)")
    try:
        y.grad_fn.saved_tensors
    except RuntimeError as error:
        print(f"  y.grad_fn.saved_tensors now raises RuntimeError: {str(error)[:90]}...")
    try:
        loss.backward()
    except RuntimeError:
        print("  so a second loss.backward() raises too; backward(retain_graph=True) keeps them for another pass")

    heading("5. The graph as a picture", "minigrad/utils/plots/graph.py: make_dot")
    graph = make_dot(loss, params={"x": x, "w": w, "b": b})
    print("make_dot follows the same next_functions (saved values are not needed, so a used graph draws too).")
    print("make_dot's Graphviz DOT text (paste it into any Graphviz viewer):")
    print(graph.source)
    draw(args.out, "01_autograd_graph.png", graph.save)

    heading("6. create_graph=True: differentiate the derivative",
            "minigrad/autograd/recording_array.py; minigrad/autograd/__init__.py: grad")
    t = torch.tensor(1.5, requires_grad=True)
    (first,) = torch.autograd.grad(t ** 3, t, create_graph=True)
    print(f"  d/dt t^3 = 3t^2 = {first.item():g}, and it has a graph of its own: grad_fn = {first.grad_fn}")
    (second,) = torch.autograd.grad(first, t)
    print(f"  d/dt 3t^2 = 6t = {second.item():g}")
    assert math.isclose(second.item(), 6 * 1.5, rel_tol=1e-6)
    print("  The backward formula of Pow (grad * 3 * t^2) ran on RecordingArrays, numpy-like wrappers")
    print("  of tensors, so the same numpy expression recorded nodes instead of computing plain arrays.")
    draw(args.out, "01_derivative_graph.png", make_dot(first, params={"t": t}).save)


if __name__ == "__main__":
    main()
