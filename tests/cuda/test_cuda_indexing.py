"""Gather, scatter and advanced-indexing ops on CUDA tensors against the same ops on the CPU: values
and the gradients of the input and of the written values (tiny shapes: the simulator runs one Python
thread per CUDA thread). The accumulating ops get repeated indices, which the atomics must add up."""
import numpy as np
import pytest

import minigrad as mg


def _long(device, values):
    return mg.tensor(values, dtype=mg.int64, device=device)


def _mask(device, values):
    return mg.tensor(values, dtype=mg.bool, device=device)


# (name, fn(device, *inputs), input shapes); indices live on the inputs' device.
CASES = [
    ("gather", lambda d, a: mg.gather(a, 1, _long(d, [[2, 0, 2], [1, 1, 0]])), [(2, 3)]),
    ("gather_part", lambda d, a: mg.gather(a, 0, _long(d, [[2, 0]])), [(3, 4)]),
    ("take", lambda d, a: mg.take(a, _long(d, [[0, -1], [5, 5]])), [(2, 3)]),
    ("take_along_dim_broadcast", lambda d, a: a.take_along_dim(_long(d, [[2], [0]]), 1), [(2, 3)]),
    ("index_select", lambda d, a: mg.index_select(a, 1, _long(d, [2, 0, 2])), [(2, 3)]),
    ("masked_select", lambda d, a: mg.masked_select(a, _mask(d, [True, False, True])), [(2, 3)]),
    ("getitem_two_arrays", lambda d, a: a[_long(d, [1, 0, 1]), :, _long(d, [0, 2, 0])], [(2, 2, 3)]),
    ("getitem_split_arrays", lambda d, a: a[:, _long(d, [1, 1])][..., _long(d, [[2], [0]])], [(2, 2, 3)]),
    ("getitem_mask_2d", lambda d, a: a[_mask(d, [[True, False, True], [False, True, True]])], [(2, 3)]),
    ("scatter", lambda d, a, b: mg.scatter(a, 1, _long(d, [[2, 0], [1, 2]]), b), [(2, 3), (2, 2)]),
    ("scatter_part", lambda d, a, b: mg.scatter(a, 0, _long(d, [[2, 0]]), b), [(3, 4), (2, 3)]),
    ("scatter_value", lambda d, a: a.scatter(0, _long(d, [[1, 0, 1]]), 2.5), [(2, 3)]),
    ("scatter_add", lambda d, a, b: mg.scatter_add(a, 0, _long(d, [[1, 0, 1], [1, 1, 0]]), b), [(2, 3), (2, 3)]),
    ("scatter_reduce_sum", lambda d, a, b: mg.scatter_reduce(a, 0, _long(d, [0, 1, 0, 1, 3]), b, "sum"),
     [(4,), (5,)]),
    ("scatter_reduce_mean", lambda d, a, b: mg.scatter_reduce(a, 0, _long(d, [0, 1, 0, 1, 3]), b, "mean",
                                                              include_self=False), [(4,), (5,)]),
    ("scatter_reduce_prod", lambda d, a, b: mg.scatter_reduce(a, 0, _long(d, [0, 1, 0, 1, 3, 0]), b, "prod"),
     [(4,), (6,)]),
    ("scatter_reduce_prod_no_self", lambda d, a, b: mg.scatter_reduce(a, 1, _long(d, [[0, 0], [2, 2]]), b, "prod",
                                                                      include_self=False), [(2, 3), (2, 2)]),
    ("scatter_reduce_amax", lambda d, a, b: mg.scatter_reduce(a, 0, _long(d, [0, 1, 0, 1, 3]), b, "amax"),
     [(4,), (5,)]),
    ("scatter_reduce_amin", lambda d, a, b: mg.scatter_reduce(a, 1, _long(d, [[0, 0], [2, 2]]), b, "amin",
                                                              include_self=False), [(2, 3), (2, 2)]),
    ("index_add", lambda d, a, b: mg.index_add(a, 1, _long(d, [2, 0, 2]), b, alpha=-1.5), [(2, 3), (2, 3)]),
    ("index_copy", lambda d, a, b: mg.index_copy(a, 0, _long(d, [2, 0]), b), [(3, 2), (2, 2)]),
    ("index_fill", lambda d, a: mg.index_fill(a, 1, _long(d, [0, 2]), -1.0), [(2, 3)]),
    ("index_fill_tensor", lambda d, a, v: a.index_fill(1, _long(d, [0, 2]), v), [(2, 3), ()]),
    ("masked_scatter", lambda d, a, b: mg.masked_scatter(a, _mask(d, [[True, False, True], [False, False, True]]),
                                                         b), [(2, 3), (5,)]),
    ("put", lambda d, a, b: a.put(_long(d, [0, -1, 3]), b), [(2, 3), (3,)]),
    ("put_accumulate", lambda d, a, b: a.put(_long(d, [0, 0, 3]), b, accumulate=True), [(2, 3), (3,)]),
    ("index_put", lambda d, a, b: mg.index_put(a, (_long(d, [1, 0]), _long(d, [2, 2])), b), [(2, 3), (2,)]),
    ("index_put_accumulate", lambda d, a, b: a.index_put((_long(d, [1, 1]),), b, accumulate=True),
     [(2, 3), (3,)]),
    ("index_put_accumulate_2d", lambda d, a, b: a.index_put((_long(d, [1, 1, 0]), _long(d, [2, 2, 2])), b,
                                                            accumulate=True), [(2, 3), (3,)]),
    ("select_scatter", lambda d, a, b: mg.select_scatter(a, b, 1, -1), [(2, 3), (2,)]),
    ("slice_scatter", lambda d, a, b: mg.slice_scatter(a, b, 1, 0, None, 2), [(2, 5), (2, 3)]),
    ("diagonal_scatter", lambda d, a, b: a.diagonal_scatter(b, -1), [(3, 2), (2,)]),
    ("diagonal_scatter_dims", lambda d, a, b: mg.diagonal_scatter(a, b, 0, 2, 0), [(2, 3, 3), (3, 2)]),
]


def _run(fn, inputs, device, upstream_seed=1):
    tensors = [mg.tensor(x, device=device, requires_grad=True) for x in inputs]
    out = fn(device, *tensors)
    upstream = np.random.default_rng(upstream_seed).standard_normal(out.shape)
    (out * mg.tensor(upstream, device=device)).sum().backward()
    return out, [None if t.grad is None else t.grad.cpu().numpy() for t in tensors]


@pytest.mark.parametrize("name, fn, shapes", CASES, ids=[c[0] for c in CASES])
def test_op_on_cuda_matches_cpu(name, fn, shapes):
    rng = np.random.default_rng(0)
    # Distinct values (amax / amin ties would be a separate question), in float64 on both devices.
    inputs = [rng.permutation(int(np.prod(s))).reshape(s) + rng.uniform(0, 0.5, s) for s in shapes]
    cpu_out, cpu_grads = _run(fn, inputs, "cpu")
    cuda_out, cuda_grads = _run(fn, inputs, "cuda")
    assert cuda_out.device == mg.device("cuda:0") and cuda_out.dtype == cpu_out.dtype
    np.testing.assert_allclose(cuda_out.cpu().detach().numpy(), cpu_out.detach().numpy(), rtol=1e-12)
    for cpu_grad, cuda_grad in zip(cpu_grads, cuda_grads):
        np.testing.assert_allclose(cuda_grad, cpu_grad, rtol=1e-12)


def test_index_out_of_range_raises_on_cuda():
    with pytest.raises(IndexError, match="out of bounds"):
        mg.zeros(2, 3, device="cuda")[_long("cuda", [0, 2])]
