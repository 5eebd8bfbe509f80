"""minigrad.finfo / minigrad.iinfo: numeric limits of dtypes, against numpy's and PyTorch's."""
import numpy as np
import pytest

import minigrad as mg

FLOATS = ["float16", "float32", "float64"]
INTS = ["uint8", "int8", "int16", "int32", "int64"]


@pytest.mark.parametrize("name", FLOATS)
def test_finfo_is_numpys_limits(name):
    info, limits = mg.finfo(getattr(mg, name)), np.finfo(name)
    assert (info.bits, info.eps, info.max, info.min) == (limits.bits, limits.eps, limits.max, limits.min)
    assert info.tiny == info.smallest_normal == limits.smallest_normal and info.dtype == name
    assert info.resolution == 10.0 ** -limits.precision
    assert info == mg.finfo(getattr(mg, name)) and hash(info) == hash(mg.finfo(getattr(mg, name)))


def test_finfo_defaults_to_the_default_dtype():
    assert mg.finfo() == mg.finfo(mg.float32)
    assert repr(mg.finfo()) == ("finfo(resolution=1e-06, min=-3.40282e+38, max=3.40282e+38, eps=1.19209e-07, "
                                "smallest_normal=1.17549e-38, tiny=1.17549e-38, dtype=float32)")


@pytest.mark.parametrize("name", INTS)
def test_iinfo_is_numpys_limits(name):
    info, limits = mg.iinfo(getattr(mg, name)), np.iinfo(name)
    assert (info.bits, info.max, info.min, info.dtype) == (limits.bits, limits.max, limits.min, name)


@pytest.mark.parametrize("name", FLOATS + INTS)
def test_reprs_and_values_match_torch(name):
    torch = pytest.importorskip("torch")
    kind = "finfo" if name in FLOATS else "iinfo"
    ours, theirs = getattr(mg, kind)(getattr(mg, name)), getattr(torch, kind)(getattr(torch, name))
    assert repr(ours) == repr(theirs)
    for field in ("bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"):
        assert getattr(ours, field, None) == getattr(theirs, field, None)


@pytest.mark.parametrize("call, message", [
    (lambda L: L.finfo(L.int32), r"^torch\.finfo\(\) requires a floating point input type\. Use torch\.iinfo"),
    (lambda L: L.iinfo(L.float32), r"^torch\.iinfo\(\) requires an integer input type\. Use torch\.finfo"),
    (lambda L: L.iinfo(L.bool), r"^torch\.bool is not supported by torch\.iinfo$"),
    (lambda L: L.finfo("float32"), r"^finfo\(\): argument 'type' \(position 1\) must be torch\.dtype, not str$"),
])
def test_bad_types_are_pytorchs_type_errors(call, message):
    with pytest.raises(TypeError, match=message):
        call(mg)
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError, match=message):
        call(torch)
