"""make_dot: DOT text of a small graph, its nodes and edges, and its PNG."""
import minigrad
from minigrad.utils.plots import make_dot


def small_graph():
    w = minigrad.randn(3, 2, requires_grad=True)
    b = minigrad.randn(2, requires_grad=True)
    y = (minigrad.randn(4, 3) @ w + b).relu().sum()
    return y, {"weight": w, "bias": b}


def test_dot_text_names_the_ops_the_leaves_with_shapes_and_the_edges():
    y, params = small_graph()
    graph = make_dot(y, params=params)
    labels = {node.label: node.id for node in graph.nodes}
    assert set(labels) == {"()", "SumBackward0", "ReluBackward0", "AddBackward0", "MmBackward0",
                           "weight\n(3, 2)", "bias\n(2)"}
    edge = lambda tail, head: (labels[tail], labels[head])
    assert sorted(graph.edges) == sorted([edge("weight\n(3, 2)", "MmBackward0"), edge("MmBackward0", "AddBackward0"),
                                          edge("bias\n(2)", "AddBackward0"), edge("AddBackward0", "ReluBackward0"),
                                          edge("ReluBackward0", "SumBackward0"), edge("SumBackward0", "()")])
    source = graph.source
    assert source.startswith("digraph {") and source == str(graph)
    weight = labels["weight\n(3, 2)"]
    assert weight + ' [label="weight\\n(3, 2)" fillcolor=lightblue]' in source  # DOT escapes the newline
    assert f'{labels["AddBackward0"]} -> {labels["ReluBackward0"]}' in source


def test_a_tensor_used_twice_is_one_node_and_unnamed_leaves_show_their_shape():
    x = minigrad.randn(2, requires_grad=True)
    graph = make_dot(x * x)
    assert [node.label for node in graph.nodes] == ["(2)", "MulBackward0", "(2)"]
    assert len(graph.edges) == 3  # x -> Mul twice, Mul -> output


def test_graph_png_and_matplotlib_drawing(tmp_path, png_size):
    y, params = small_graph()
    graph = make_dot(y, params=params)
    graph.draw(tmp_path / "drawn.png", figsize=(4, 5), dpi=40)
    assert png_size(tmp_path / "drawn.png") == (200, 160)
    graph.save(tmp_path / "graph.png")  # Graphviz when installed, else the same matplotlib drawing
    assert png_size(tmp_path / "graph.png")[0] > 0
    assert graph._repr_png_().startswith(b"\x89PNG")
