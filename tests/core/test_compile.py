"""minigrad.compile: PyTorch 2's compiler call returns the model itself (minigrad's kernels are compiled by Numba)."""
import pytest

import minigrad as mg


def test_compile_returns_the_model_and_decorates_functions():
    model = mg.nn.Linear(3, 2)
    assert mg.compile(model) is model and mg.compile(model, mode="max-autotune", fullgraph=True) is model
    assert list(mg.compile(model).state_dict()) == ["weight", "bias"]

    @mg.compile
    def double(x):
        return 2 * x

    @mg.compile(mode="reduce-overhead")
    def triple(x):
        return 3 * x

    assert double(mg.ones(2)).tolist() == [2.0, 2.0] and triple(mg.ones(1)).tolist() == [3.0]
    assert not mg.compiler.is_compiling()
    assert mg.compiler.disable(double) is double and mg.compiler.disable()(triple) is triple
    mg.compiler.reset()


@pytest.mark.parametrize("call, error, message", [
    (lambda L: L.compile(L.nn.Linear(2, 2), mode="fast"), RuntimeError,
     "Unrecognized mode=fast, should be one of: default, lite, reduce-overhead, max-autotune-no-cudagraphs, "
     "max-autotune"),
    (lambda L: L.compile(L.nn.Linear(2, 2), mode="default", options={}), RuntimeError,
     "Either mode or options can be specified, but both can't be specified at the same time."),
    (lambda L: L.compile(3), AssertionError, "A callable function is expected, but <class 'int'> is provided."),
])
def test_bad_arguments_are_pytorchs_errors(call, error, message):
    with pytest.raises(error) as ours:
        call(mg)
    assert str(ours.value) == message
    torch = pytest.importorskip("torch")
    with pytest.raises(error) as theirs:
        call(torch)
    assert str(theirs.value) == message
