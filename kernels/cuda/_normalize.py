"""Normalisation of groups of elements, the passes that batch, layer and group norm share on the GPU.

CPU siblings: minigrad.kernels.moments (the statistics), minigrad.kernels.plane_affine (the
normalising map) and the backward passes of minigrad.kernels.batch_norm / layer_norm / group_norm.

A norm of a contiguous x of ``size`` elements has two *groupings* of its flat indices i. A
grouping ``(count, inner)`` views x as (outer, count, inner) and puts element i in group
``(i // inner) % count``; group j holds the ``size // count`` elements

    member(j, t) = ((t // inner) * count + j) * inner + t % inner,     0 <= t < size // count

(the CPU's ``moments`` view x (A, B, K) is the grouping (B, K)). The *statistics* grouping says
which elements share a mean and a variance, the *parameter* grouping which share an element of the
weight and bias:

    batch norm  x (N, C, S):  statistics (C, S),            parameters (C, S)
    group norm  x (N, C, S):  statistics (N * G, C/G * S),  parameters (C, S)
    layer norm  x (M, D):     statistics (M, D),            parameters (D, 1)

With s(i), p(i) the groups of element i, r = invstd = 1 / sqrt(var + eps), xhat = (x - mean) r:

    forward:   out[i]    = (x[i] - mean[s]) * r[s] * weight[p] + bias[p]
    backward:  h         = g * weight[p]                         (g = grad_out; the gradient wrt xhat)
               grad_x[i] = r[s] * (h - <h>_s - xhat * <h xhat>_s)     (<.>_s: mean over group s; 0 in eval)
               grad_weight[p] = sum_{i in p} g * xhat,   grad_bias[p] = sum_{i in p} g

The statistics are float64 and formed as the CPU's ``moments``: one pass of shifted sums, shift
K0 = the group's first element, ``mean = K0 + sum(x - K0) / n``, ``var = sum((x - K0)^2) / n -
(sum(x - K0) / n)^2``; the backward runs in float64 and rounds once.

Thread mapping: the per-group sums (moments, <h>_s and <h xhat>_s, the parameter gradients) run one
thread per GROUP, which folds its members in order in float64 (a grid-stride loop over the groups);
the forward map and grad_x run one thread per ELEMENT (a grid-stride loop over i), reading the
per-group values of s(i) and p(i). Race-free: every thread writes only its own group's (or
element's) outputs; reads are gathers; no atomics.
"""
from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ._backend import blocks_for, cuda, THREADS
from ._kernel_args import flat, float64_vector
from .array import CudaArray


class Grouping(NamedTuple):
    """x seen as (outer, count, inner): element i is in group ``(i // inner) % count``."""

    count: int
    inner: int


@cuda.jit(device=True)
def group_of(i, count, inner):
    """Group of flat index ``i`` under the grouping (count, inner)."""
    return (i // inner) % count


@cuda.jit(device=True)
def member(j, t, count, inner):
    """Flat index of the ``t``-th element of group ``j`` under the grouping (count, inner)."""
    return ((t // inner) * count + j) * inner + t % inner


@cuda.jit
def _moments_kernel(x, count, inner, members, mean, var):
    """One thread per group j: ``mean[j]``, ``var[j]`` (biased) of its ``members`` elements, shifted
    one-pass float64 sums (module docstring); NaN for an empty group."""
    for j in range(cuda.grid(1), count, cuda.gridsize(1)):
        if members == 0:
            mean[j] = math.nan
            var[j] = math.nan
            continue
        shift = float(x[member(j, 0, count, inner)])
        total = 0.0
        total_sq = 0.0
        for t in range(members):
            d = float(x[member(j, t, count, inner)]) - shift
            total += d
            total_sq += d * d
        offset = total / members
        mean[j] = shift + offset
        var[j] = total_sq / members - offset * offset


@cuda.jit
def _normalize_kernel(x, mean, invstd, weight, bias, stat_count, stat_inner, param_count, param_inner, out):
    """One thread per element i: ``out[i] = (x[i] - mean[s]) * invstd[s] * weight[p] + bias[p]``."""
    for i in range(cuda.grid(1), x.size, cuda.gridsize(1)):
        s = group_of(i, stat_count, stat_inner)
        p = group_of(i, param_count, param_inner)
        out[i] = (float(x[i]) - mean[s]) * invstd[s] * weight[p] + bias[p]


@cuda.jit
def _statistic_gradient_kernel(grad_out, x, mean, invstd, weight, stat_count, stat_inner, members,
                               param_count, param_inner, mean_h, mean_h_xhat):
    """One thread per statistics group s: ``mean_h[s] = <g * weight[p]>_s`` and
    ``mean_h_xhat[s] = <g * weight[p] * xhat>_s`` over its ``members`` elements, in float64."""
    for s in range(cuda.grid(1), stat_count, cuda.gridsize(1)):
        m = mean[s]
        sum_h = 0.0
        sum_h_centered = 0.0
        for t in range(members):
            i = member(s, t, stat_count, stat_inner)
            h = float(grad_out[i]) * weight[group_of(i, param_count, param_inner)]
            sum_h += h
            sum_h_centered += h * (float(x[i]) - m)
        mean_h[s] = sum_h / members
        mean_h_xhat[s] = sum_h_centered * invstd[s] / members


@cuda.jit
def _parameter_gradient_kernel(grad_out, x, mean, invstd, stat_count, stat_inner, param_count, param_inner,
                               members, grad_weight, grad_bias):
    """One thread per parameter group p: ``grad_weight[p] = sum g * xhat`` and ``grad_bias[p] = sum g``
    over its ``members`` elements (each with the statistics of its own group), in float64."""
    for p in range(cuda.grid(1), param_count, cuda.gridsize(1)):
        sum_g = 0.0
        sum_g_xhat = 0.0
        for t in range(members):
            i = member(p, t, param_count, param_inner)
            s = group_of(i, stat_count, stat_inner)
            g = float(grad_out[i])
            sum_g += g
            sum_g_xhat += g * (float(x[i]) - mean[s]) * invstd[s]
        grad_weight[p] = sum_g_xhat
        grad_bias[p] = sum_g


@cuda.jit
def _input_gradient_kernel(grad_out, x, mean, invstd, weight, mean_h, mean_h_xhat, stat_count, stat_inner,
                           param_count, param_inner, grad_x):
    """One thread per element i: ``grad_x[i] = r * (g * weight[p] - mean_h[s] - xhat * mean_h_xhat[s])``
    in float64, rounded once."""
    for i in range(cuda.grid(1), x.size, cuda.gridsize(1)):
        s = group_of(i, stat_count, stat_inner)
        r = invstd[s]
        xhat = (float(x[i]) - mean[s]) * r
        h = float(grad_out[i]) * weight[group_of(i, param_count, param_inner)]
        grad_x[i] = r * (h - mean_h[s] - xhat * mean_h_xhat[s])


def mean_and_variance(x: CudaArray, stats: Grouping) -> tuple[CudaArray, CudaArray]:
    """Mean and biased variance, float64 (stats.count,), of each statistics group of x."""
    mean = CudaArray.empty((stats.count,), np.float64)
    var = CudaArray.empty((stats.count,), np.float64)
    if stats.count:
        members = x.size // stats.count
        _moments_kernel[blocks_for(stats.count), THREADS](flat(x), stats.count, stats.inner, members,
                                                          mean.device_array(), var.device_array())
    return mean, var


def normalize(x: CudaArray, stats: Grouping, params: Grouping, mean: CudaArray, invstd: CudaArray,
              weight: CudaArray | None, bias: CudaArray | None) -> CudaArray:
    """``(x - mean[s]) * invstd[s] * weight[p] + bias[p]``, x's shape and dtype; mean, invstd: one
    value per statistics group; weight, bias: one per parameter group, or None (ones, zeros)."""
    out = CudaArray.empty(x.shape, x.dtype)
    if x.size:
        _normalize_kernel[blocks_for(x.size), THREADS](
            flat(x), flat(mean, np.float64), flat(invstd, np.float64), float64_vector(weight, params.count, 1.0),
            float64_vector(bias, params.count, 0.0), stats.count, stats.inner, params.count, params.inner, flat(out))
    return out


def normalize_backward(grad_out: CudaArray, x: CudaArray, stats: Grouping, params: Grouping, mean: CudaArray,
                       invstd: CudaArray, weight: CudaArray | None, training: bool = True,
                       ) -> tuple[CudaArray, CudaArray, CudaArray]:
    """``(grad_x, grad_weight, grad_bias)`` of :func:`normalize` (module docstring): grad_x like x;
    grad_weight, grad_bias (params.count,) in x's dtype. ``training``: mean and invstd are x's own
    statistics (their dependence on x adds the two group-mean terms), else constants."""
    grad_x = CudaArray.empty(x.shape, x.dtype)
    grad_weight = CudaArray.empty((params.count,), x.dtype)
    grad_bias = CudaArray.empty((params.count,), x.dtype)
    if x.size == 0:
        grad_weight.fill(0)
        grad_bias.fill(0)
        return grad_x, grad_weight, grad_bias
    grad, values = flat(grad_out, x.dtype), flat(x)
    mean64, invstd64 = flat(mean, np.float64), flat(invstd, np.float64)
    weight64 = float64_vector(weight, params.count, 1.0)
    _parameter_gradient_kernel[blocks_for(params.count), THREADS](
        grad, values, mean64, invstd64, stats.count, stats.inner, params.count, params.inner,
        x.size // params.count, grad_weight.device_array(), grad_bias.device_array())
    mean_h = CudaArray.zeros((stats.count,), np.float64)
    mean_h_xhat = CudaArray.zeros((stats.count,), np.float64)
    if training:
        _statistic_gradient_kernel[blocks_for(stats.count), THREADS](
            grad, values, mean64, invstd64, weight64, stats.count, stats.inner, x.size // stats.count,
            params.count, params.inner, mean_h.device_array(), mean_h_xhat.device_array())
    _input_gradient_kernel[blocks_for(x.size), THREADS](
        grad, values, mean64, invstd64, weight64, mean_h.device_array(), mean_h_xhat.device_array(),
        stats.count, stats.inner, params.count, params.inner, flat(grad_x))
    return grad_x, grad_weight, grad_bias
