"""minigrad.save / minigrad.load: round trips, atomic writes, and clear errors for bad files."""
import io
import math
import os
import pickle
from collections import Counter, OrderedDict

import numpy as np
import pytest

import minigrad
from minigrad import optim

ALL_DTYPES = [minigrad.float16, minigrad.float32, minigrad.float64, minigrad.uint8, minigrad.int8,
              minigrad.int16, minigrad.int32, minigrad.int64, minigrad.bool]


def tensor_of(dtype, shape=(2, 3), seed=0):
    values = np.random.default_rng(seed).standard_normal(shape) * 50
    return minigrad.from_numpy(values.astype(dtype.numpy))


def nested_state():
    return {
        "model": OrderedDict((f"layer{i}.{dtype.name}", tensor_of(dtype, seed=i)) for i, dtype in enumerate(ALL_DTYPES)),
        "scalars": [0, -7, 2**70, 1.5, math.inf, "text ü", True, False, None],
        "tuple": (1, (2.0, "three"), []),
        3: {"int key": 1, (1, "a"): 2, 2.5: 3, None: 4, False: 5},
        "edge tensors": [minigrad.tensor(7.0), minigrad.zeros(0, 4), minigrad.ones(4, 3).t(),
                         minigrad.tensor([1.0, 2.0], requires_grad=True)],
        "counter": Counter([1, 1, 5]),
        "size": minigrad.Size([2, 3]),
        "empty": {},
    }


def assert_same(loaded, original):
    assert type(loaded) is type(original)
    if isinstance(original, minigrad.Tensor):
        assert loaded.dtype == original.dtype and loaded.shape == original.shape
        assert loaded.requires_grad == original.requires_grad
        np.testing.assert_array_equal(loaded.detach().numpy(), original.detach().numpy())
    elif isinstance(original, dict):
        assert list(loaded) == list(original)
        for key in original:
            assert_same(loaded[key], original[key])
    elif isinstance(original, (list, tuple)):
        assert len(loaded) == len(original)
        for a, b in zip(loaded, original):
            assert_same(a, b)
    else:
        assert loaded == original


def test_round_trip_of_a_nested_state_dict_with_every_dtype(tmp_path):
    original = nested_state()
    minigrad.save(original, tmp_path / "state.pt")
    assert_same(minigrad.load(tmp_path / "state.pt"), original)


def test_round_trip_through_a_binary_file_object():
    original = nested_state()
    buffer = io.BytesIO()
    minigrad.save(original, buffer)
    buffer.seek(0)
    assert_same(minigrad.load(buffer), original)


def test_path_may_be_a_string(tmp_path):
    path = str(tmp_path / "state.pt")
    minigrad.save({"w": minigrad.ones(2)}, path)
    assert_same(minigrad.load(path), {"w": minigrad.ones(2)})


def test_nan_survives():
    buffer = io.BytesIO()
    minigrad.save([math.nan, minigrad.tensor([math.nan, 1.0])], buffer)
    buffer.seek(0)
    scalar, tensor = minigrad.load(buffer)
    assert math.isnan(scalar) and np.isnan(tensor.numpy()[0])


def test_numpy_scalars_are_saved_as_python_numbers():
    buffer = io.BytesIO()
    minigrad.save([np.float32(0.5), np.int64(3), np.bool_(True)], buffer)
    buffer.seek(0)
    assert minigrad.load(buffer) == [0.5, 3, True]


def test_loaded_tensors_are_writable_and_independent(tmp_path):
    original = minigrad.arange(6.0)
    minigrad.save({"a": original}, tmp_path / "a.pt")
    loaded = minigrad.load(tmp_path / "a.pt")["a"]
    loaded.add_(1)
    assert loaded.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert original.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert loaded.is_contiguous()


def test_a_tensor_saved_twice_loads_as_one_tensor():
    shared = minigrad.ones(3)
    buffer = io.BytesIO()
    minigrad.save({"a": shared, "b": [shared]}, buffer)
    buffer.seek(0)
    loaded = minigrad.load(buffer)
    assert loaded["a"] is loaded["b"][0]


def test_optimizer_state_dict_round_trips(tmp_path):
    w = minigrad.tensor([1.0, 2.0], requires_grad=True)
    opt = optim.Adam([{"params": [w], "lr": 0.1}], amsgrad=True)
    w.grad = minigrad.tensor([0.5, -0.5])
    opt.step()
    minigrad.save(opt.state_dict(), tmp_path / "opt.pt")
    loaded = minigrad.load(tmp_path / "opt.pt")
    assert_same(loaded, opt.state_dict())
    assert set(loaded["state"]) == {0}


@pytest.mark.parametrize("location", ["cpu", minigrad.device("cpu"), {"cpu": "cpu"}, None])
def test_map_location_to_cpu(location, tmp_path):
    minigrad.save({"w": minigrad.ones(2)}, tmp_path / "w.pt")
    loaded = minigrad.load(tmp_path / "w.pt", map_location=location, weights_only=True)
    assert loaded["w"].device == minigrad.device("cpu") and loaded["w"].tolist() == [1.0, 1.0]


def test_map_location_function_sees_each_tensor_and_its_saved_location(tmp_path):
    minigrad.save([minigrad.ones(2), minigrad.zeros(1)], tmp_path / "w.pt")
    seen = []
    loaded = minigrad.load(tmp_path / "w.pt", map_location=lambda t, where: seen.append(where) or t * 2)
    assert seen == ["cpu", "cpu"] and loaded[0].tolist() == [2.0, 2.0]


def test_map_location_to_a_missing_cuda_is_a_runtime_error(tmp_path):
    minigrad.save([minigrad.ones(2)], tmp_path / "w.pt")
    with pytest.raises(RuntimeError, match=r"^Attempting to deserialize object on a CUDA device but "
                                           r"torch\.cuda\.is_available\(\) is False\. .*pip install"):
        minigrad.load(tmp_path / "w.pt", map_location="cuda")


def test_save_replaces_an_existing_file_and_leaves_no_temporary_files(tmp_path):
    path = tmp_path / "state.pt"
    path.write_bytes(b"old contents")
    minigrad.save({"v": 1}, path)
    assert minigrad.load(path) == {"v": 1}
    assert os.listdir(tmp_path) == ["state.pt"]


def test_a_failed_save_keeps_the_old_file(tmp_path):
    path = tmp_path / "state.pt"
    minigrad.save({"v": 1}, path)
    with pytest.raises(TypeError):
        minigrad.save({"v": object()}, path)
    assert minigrad.load(path) == {"v": 1}
    assert os.listdir(tmp_path) == ["state.pt"]


def test_saved_file_gets_ordinary_permissions(tmp_path):
    path = tmp_path / "state.pt"
    minigrad.save({"v": 1}, path)
    umask = os.umask(0)
    os.umask(umask)
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~umask


def test_save_into_a_missing_folder_is_a_runtime_error(tmp_path):
    with pytest.raises(RuntimeError, match="Parent directory .*missing does not exist"):
        minigrad.save({"v": 1}, tmp_path / "missing" / "state.pt")


@pytest.mark.parametrize("value, type_name", [
    (lambda: 1, "builtins.function"),
    ({1, 2}, "builtins.set"),
    (np.zeros(2), "numpy.ndarray"),
    (b"bytes", "builtins.bytes"),
])
def test_unsupported_types_are_a_type_error_naming_the_type_and_place(value, type_name):
    with pytest.raises(TypeError, match=f"type {type_name} \\(at obj\\['outer'\\]\\[1\\]\\)"):
        minigrad.save({"outer": [0, value]}, io.BytesIO())


def test_a_truncated_file_is_a_runtime_error_naming_it(tmp_path):
    path = tmp_path / "state.pt"
    minigrad.save(nested_state(), path)
    data = path.read_bytes()
    cut = tmp_path / "cut.pt"
    for length in [0, 5, 12, 30, len(data) // 2, len(data) - 1]:
        cut.write_bytes(data[:length])
        with pytest.raises(RuntimeError, match=f"{cut}.*(truncated|empty)"):
            minigrad.load(cut)


def test_a_text_file_is_a_runtime_error_naming_it(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("just some text\n")
    with pytest.raises(RuntimeError, match=f"{path}.* is not a file written by minigrad.save: it starts with"):
        minigrad.load(path)


def test_a_pickle_is_refused_without_being_run(tmp_path):
    path = tmp_path / "evil.pt"
    path.write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(RuntimeError, match="pickle"):
        minigrad.load(path)


def test_a_pytorch_checkpoint_is_a_runtime_error_naming_it(tmp_path):
    torch = pytest.importorskip("torch")
    path = tmp_path / "model.pt"
    torch.save({"w": torch.ones(2)}, path)
    with pytest.raises(RuntimeError, match=f"{path}.*PyTorch"):
        minigrad.load(path)


def test_a_corrupt_header_is_a_runtime_error():
    from minigrad.serialization import MAGIC

    for header in [b"{not json", b'{"root": {"tensor": 0}, "tensors": []}',
                   b'{"root": {"tensor": 0}, "tensors": [{"dtype": "<c16", "shape": [1], "offset": 0, '
                   b'"requires_grad": false, "device": "cpu"}]}']:
        data = MAGIC + len(header).to_bytes(8, "little") + header + bytes(64)
        with pytest.raises(RuntimeError, match="is corrupt"):
            minigrad.load(io.BytesIO(data))


def test_a_newer_format_version_is_reported():
    from minigrad.serialization import MAGIC

    with pytest.raises(RuntimeError, match="format version 2"):
        minigrad.load(io.BytesIO(MAGIC[:-1] + b"\x02" + bytes(20)))


def test_a_text_mode_file_object_is_a_type_error(tmp_path):
    path = tmp_path / "state.pt"
    minigrad.save({"v": 1}, path)
    with open(path, encoding="latin-1") as text_file, pytest.raises(TypeError, match="binary mode"):
        minigrad.load(text_file)


def test_a_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        minigrad.load(tmp_path / "nope.pt")
