"""Memory: a long training loop keeps no graph alive and does not grow."""
import gc
import tracemalloc

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.autograd.function import Function


def _training_steps(model, optimizer, x, y, steps: int) -> None:
    for _ in range(steps):
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()


def test_long_training_loop_does_not_grow():
    mg.manual_seed(0)
    model = mg.nn.Sequential(mg.nn.Linear(20, 64), mg.nn.ReLU(), mg.nn.Dropout(0.1), mg.nn.Linear(64, 5))
    optimizer = mg.optim.Adam(model.parameters(), lr=1e-3)
    x, y = mg.randn(32, 20), mg.randint(0, 5, (32,))
    _training_steps(model, optimizer, x, y, 20)  # warm up: optimizer state, kernel compilation
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    _training_steps(model, optimizer, x, y, 500)
    gc.collect()
    growth = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert growth < 64 * 1024, f"memory grew by {growth} bytes over 500 steps"
    # type(), not isinstance: isinstance on a dead weakref.proxy (numba keeps some) raises ReferenceError.
    assert sum(issubclass(type(o), Function) for o in gc.get_objects()) < 20  # only the last step's graph
