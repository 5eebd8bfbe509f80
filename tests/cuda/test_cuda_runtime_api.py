"""torch.cuda's runtime queries on minigrad.cuda: memory statistics, events and streams, device
properties and selection, and the deterministic scatter-add."""
import time

import numpy as np
import pytest

import minigrad as mg
from minigrad import _cuda_backend


def test_memory_allocated_counts_live_tensors_and_the_peak_until_reset():
    mg.ones(1, device="cuda") * 2  # the scalar 2 stays on the device, cached (elementwise.py)
    start = mg.cuda.memory_allocated()
    x = mg.ones(1000, device="cuda")  # 4,000 bytes of float32
    assert mg.cuda.memory_allocated() == start + 4000
    y = x * 2
    assert mg.cuda.memory_allocated() >= start + 8000
    peak = mg.cuda.max_memory_allocated()
    del y
    assert mg.cuda.memory_allocated() < start + 8000 and mg.cuda.max_memory_allocated() == peak
    mg.cuda.reset_peak_memory_stats()
    assert mg.cuda.max_memory_allocated() == mg.cuda.memory_allocated()
    assert mg.cuda.memory_reserved() == mg.cuda.memory_allocated()
    stats = mg.cuda.memory_stats()
    assert stats["allocated_bytes.all.current"] == mg.cuda.memory_allocated()
    assert stats["allocation.all.current"] >= 1
    del x
    assert mg.cuda.memory_allocated() == start
    mg.cuda.empty_cache()


def test_training_steps_hold_no_growing_memory():
    layer = mg.nn.Linear(6, 3).cuda()
    optimizer = mg.optim.Adam(layer.parameters())
    held = []
    for _ in range(4):
        layer(mg.ones(2, 6, device="cuda")).square().sum().backward()
        optimizer.step()
        optimizer.zero_grad()
        held.append(mg.cuda.memory_allocated())
    assert held[1] == held[2] == held[3]  # the first step makes Adam's state


def test_reset_max_memory_allocated_is_pytorchs_deprecated_alias():
    with pytest.warns(FutureWarning, match="now calls torch.cuda.reset_peak_memory_stats"):
        mg.cuda.reset_max_memory_allocated()


def test_device_properties_and_free_memory():
    properties = mg.cuda.get_device_properties(0)
    assert properties.name == mg.cuda.get_device_name() and properties.total_memory > 0
    assert mg.cuda.get_device_capability() == (properties.major, properties.minor)
    assert properties.multi_processor_count >= 1 and properties.warp_size == 32
    assert repr(properties).startswith(f"_CudaDeviceProperties(name='{properties.name}', major=")
    free, total = mg.cuda.mem_get_info()
    assert 0 <= free <= total == properties.total_memory
    assert mg.cuda.is_bf16_supported() is False  # minigrad has no bfloat16


def test_device_selection_accepts_the_one_device():
    mg.cuda.set_device(0)
    mg.cuda.set_device("cuda:0")
    with mg.cuda.device(0):
        assert mg.cuda.current_device() == 0
    with pytest.raises(RuntimeError, match="invalid device ordinal"):
        mg.cuda.set_device(1)
    with pytest.raises(RuntimeError, match="invalid device ordinal"):
        mg.cuda.get_device_properties(1)
    with pytest.raises(ValueError, match="Expected a cuda device, but got: cpu"):
        mg.cuda.memory_allocated("cpu")
    assert mg.cuda.is_initialized()
    mg.cuda.init()


def test_events_time_the_work_between_them():
    start, end = mg.cuda.Event(enable_timing=True), mg.cuda.Event(enable_timing=True)
    assert repr(start) == "<minigrad.cuda.Event uninitialized>" and start.query()
    start.record()
    began = time.perf_counter()
    (mg.ones(8, 8, device="cuda") @ mg.ones(8, 8, device="cuda")).sum()
    ended = time.perf_counter()
    end.record()
    end.synchronize()
    assert end.query()
    elapsed = start.elapsed_time(end)
    assert 0 < elapsed
    if _cuda_backend.is_simulator():  # which runs each kernel before its launch returns: events read the host clock
        assert elapsed >= (ended - began) * 1e3


def test_event_errors_are_pytorchs():
    untimed, timed = mg.cuda.Event(), mg.cuda.Event(enable_timing=True)
    with pytest.raises(RuntimeError, match=r"^Both events must be recorded before calculating elapsed time\.$"):
        timed.elapsed_time(untimed)
    untimed.record()
    timed.record()
    with pytest.raises(RuntimeError, match=r"^Both events must be created with argument 'enable_timing=True'\.$"):
        timed.elapsed_time(untimed)


def test_streams_order_work_as_the_program_wrote_it():
    default = mg.cuda.default_stream()
    assert mg.cuda.current_stream() is default and default.device == mg.device("cuda:0")
    side = mg.cuda.Stream()
    with mg.cuda.stream(side):
        assert mg.cuda.current_stream() is side
        y = mg.ones(4, device="cuda") * 3
        event = side.record_event()
    default.wait_event(event)
    default.wait_stream(side)
    assert mg.cuda.current_stream() is default
    side.synchronize()
    assert side.query() and event.query() and y.sum().item() == 12
    with mg.cuda.stream(None):
        assert mg.cuda.current_stream() is default
    assert repr(side) == "<minigrad.cuda.Stream device=cuda:0 cuda_stream=0x0>"


@pytest.fixture
def deterministic():
    mg.use_deterministic_algorithms(True)
    yield
    mg.use_deterministic_algorithms(False)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
def test_deterministic_scatter_add_is_numpys_sum_bit_for_bit(deterministic, dtype):
    rng = np.random.default_rng(0)
    index = rng.integers(0, 5, 40)
    values = rng.standard_normal(40).astype(dtype)
    expected = np.zeros(5, dtype)
    np.add.at(expected, index, values)
    out = mg.zeros(5, dtype=mg.tensor(values).dtype, device="cuda").index_add(
        0, mg.tensor(index, device="cuda"), mg.tensor(values, device="cuda"))
    np.testing.assert_array_equal(out.cpu().numpy(), expected)


def test_runtime_queries_without_cuda_are_pytorchs(without_numba_cuda):
    assert mg.cuda.memory_allocated() == 0 and mg.cuda.max_memory_allocated() == 0
    assert mg.cuda.memory_stats() == {} and not mg.cuda.is_initialized()
    mg.cuda.empty_cache()
    mg.cuda.reset_peak_memory_stats()
    for ask in (mg.cuda.Event, mg.cuda.Stream, mg.cuda.mem_get_info, mg.cuda.get_device_properties, mg.cuda.init):
        with pytest.raises(AssertionError, match="^Torch not compiled with CUDA enabled"):
            ask()
