"""Direct convolution loops for thin groups: depthwise (one input channel per group) and grouped
convolutions with a few input channels per group.

Weight (C_out, Cg, kH, kW) with ``Cg = C_in / G`` input and ``Cgo = C_out / G`` output channels per
group; output channel ``co`` belongs to group ``g = co // Cgo`` and reads input channels
``g*Cg .. g*Cg + Cg - 1``::

    out[n, co, oh, ow] = bias[co] + sum_{c < Cg, ki, kj} w[co, c, ki, kj] * x[n, g*Cg + c, ih, iw]
    ih = oh * sH - pad_top + ki * dH,   iw = ow * sW - pad_left + kj * dW   (zero outside the input)

Depthwise with a channel multiplier ``m`` is ``Cg = 1, Cgo = m``.

Why not unfold + GEMM here: the GEMMs split into one (Cgo x Cg*kH*kW) @ (Cg*kH*kW x N*OH*OW)
product per group, far too thin for BLAS to pay for the unfold of the input; these loops read each
input row from cache Cg*kH*kW times and allocate nothing but the result
(``conv2d.DIRECT_MAX_GROUP_CHANNELS`` is where the GEMM path takes over, by measurement).

The loops work on whole image rows: ``valid_output_range`` gives, per kernel tap, the output
rows/columns whose input index is inside the image, so inner loops carry no bounds tests, and the
row helpers below have a unit-step branch that LLVM vectorises.

Reference: :mod:`minigrad.kernels.reference.conv2d` (one grouped loop nest; depthwise is ``groups == C_in``).
"""
import numpy as np
from numba import njit, prange

from ._parallel import launch
from .im2col import valid_output_range


@njit(cache=True, fastmath={"contract"})
def _axpy(dst, dst_start, dst_step, a, src, src_start, src_step, count):
    """``dst[dst_start + t*dst_step] += a * src[src_start + t*src_step]`` for ``t < count``, on flat
    planes: one kernel tap applied to one image row. The indices are unsigned so numba emits no
    wrap-around check (a signed index costs one per element and blocks vectorisation), and the
    all-unit-step branch, the common case, is separate so LLVM vectorises it into packed FMAs
    (``contract`` lets it fuse the multiply and the add: each element is still computed by one fixed
    sequence of operations, so the result does not depend on the thread count)."""
    d, s, n = np.uint64(dst_start), np.uint64(src_start), np.uint64(count)
    if dst_step == 1 and src_step == 1:
        for t in range(n):
            dst[d + t] += a * src[s + t]
    else:
        ds, ss = np.uint64(dst_step), np.uint64(src_step)
        for t in range(n):
            dst[d + t * ds] += a * src[s + t * ss]


@njit(cache=True)
def _multiply_accumulate(acc, acc_start, a, a_start, b, b_start, b_step, count):
    """``acc[acc_start + t] += a[a_start + t] * b[b_start + t*b_step]`` for ``t < count`` in ``acc``'s
    float64, on flat arrays with unsigned indices (see ``_axpy``). Elementwise (not a reduction into
    one scalar) so it vectorises without reassociating the sum."""
    p, q, r, n = np.uint64(acc_start), np.uint64(a_start), np.uint64(b_start), np.uint64(count)
    if b_step == 1:
        for t in range(n):
            acc[p + t] += a[q + t] * np.float64(b[r + t])
    else:
        step = np.uint64(b_step)
        for t in range(n):
            acc[p + t] += a[q + t] * np.float64(b[r + t * step])


@njit(cache=True)
def _forward_plane_rows(plane, x_group, w_co, sH, sW, pT, pL, dH, dW, OW):
    """Accumulate into the flat output plane (OH*OW) the taps of ``w_co`` (Cg, kH, kW) over the
    group's input planes ``x_group`` (Cg, H, W): one (channel, tap) at a time, row by row over the
    tap's valid output rectangle (no bounds tests in the inner loop). Any stride."""
    Cg, H, W = x_group.shape
    kH, kW = w_co.shape[1], w_co.shape[2]
    OH = plane.shape[0] // OW
    for c in range(Cg):
        src = x_group[c].reshape(-1)
        for ki in range(kH):
            oh_lo, oh_hi = valid_output_range(ki * dH, pT, sH, H, OH)
            for kj in range(kW):
                ow_lo, ow_hi = valid_output_range(kj * dW, pL, sW, W, OW)
                iw0 = ow_lo * sW - pL + kj * dW
                for oh in range(oh_lo, oh_hi):
                    ih = oh * sH - pT + ki * dH
                    _axpy(plane, oh * OW + ow_lo, 1, w_co[c, ki, kj], src, ih * W + iw0, sW, ow_hi - ow_lo)


@njit(cache=True)
def _pad_plane(padded, plane, pT, pL, Hp, Wp):
    """``padded`` (flat Hp*Wp) = ``plane`` (H, W) placed at row pT, column pL of a zero plane; rows
    and columns that fall outside (Hp, Wp) are dropped."""
    H, W = plane.shape
    padded[:] = 0
    iw_lo, iw_hi = max(0, -pL), min(W, Wp - pL)
    if iw_hi > iw_lo:
        for ih in range(max(0, -pT), min(H, Hp - pT)):
            _axpy(padded, (ih + pT) * Wp + iw_lo + pL, 1, 1, plane[ih], iw_lo, 1, iw_hi - iw_lo)


@njit(cache=True)
def _forward_plane_wide_rows(plane, x_group, w_co, pT, pL, dH, dW, OW):
    """The same sum for stride 1, with one long update per tap instead of one per row: each input
    plane is copied into a zero-padded plane of width ``Wp = OW + dW*(kW-1)``, and the output is
    computed on that width, where tap (ki, kj) of every row is one contiguous run::

        acc[oh*Wp + ow] += w[c, ki, kj] * padded[(oh + ki*dH)*Wp + ow + kj*dW]   for oh*Wp + ow < (OH-1)*Wp + OW

    The columns ow >= OW of ``acc`` are never copied out (they mix two rows). This trades
    (Wp - OW)/OW extra multiply-adds for far fewer, longer vectorised loops."""
    Cg, H, W = x_group.shape
    kH, kW = w_co.shape[1], w_co.shape[2]
    OH = plane.shape[0] // OW
    Wp, Hp = OW + dW * (kW - 1), OH + dH * (kH - 1)
    span = (OH - 1) * Wp + OW
    padded = np.empty(Hp * Wp, plane.dtype)
    acc = np.zeros(span, plane.dtype)
    for c in range(Cg):
        _pad_plane(padded, x_group[c], pT, pL, Hp, Wp)
        for ki in range(kH):
            for kj in range(kW):
                _axpy(acc, 0, 1, w_co[c, ki, kj], padded, ki * dH * Wp + kj * dW, 1, span)
    for oh in range(OH):
        _axpy(plane, oh * OW, 1, 1, acc, oh * Wp, 1, OW)


@njit(parallel=True, cache=True)
def _direct_forward_kernel(x, w, bias, out, sH, sW, pT, pL, dH, dW):
    """``out`` (N, C_out, OH, OW) = grouped convolution of ``x`` (N, C_in, H, W) with ``w``
    (C_out, Cg, kH, kW) plus ``bias`` (C_out,), formula in the module docstring.

    Parallel over the N*C_out output planes; race-free because each iteration writes only its own
    plane ``out[n, co]`` (and its own scratch). The plane starts at the bias and accumulates the
    taps: by long padded rows for stride 1 (``_forward_plane_wide_rows``), row by row otherwise.
    """
    N, C_in, H, W = x.shape
    C_out, Cg, kH, kW = w.shape
    OW = out.shape[3]
    Cgo = C_out * Cg // C_in
    for nco in prange(N * C_out):
        n = nco // C_out
        co = nco % C_out
        c0 = (co // Cgo) * Cg
        plane = out[n, co].reshape(-1)  # flat views: one per plane, not one per row
        plane[:] = bias[co]
        if sH == 1 and sW == 1:
            _forward_plane_wide_rows(plane, x[n, c0:c0 + Cg], w[co], pT, pL, dH, dW, OW)
        else:
            _forward_plane_rows(plane, x[n, c0:c0 + Cg], w[co], sH, sW, pT, pL, dH, dW, OW)


@njit(parallel=True, cache=True)
def _direct_input_grad_kernel(grad_out, w, grad_x, sH, sW, pT, pL, dH, dW):
    """``grad_x`` (N, C_in, H, W) from ``grad_out`` (N, C_out, OH, OW) and ``w`` (C_out, Cg, kH, kW)::

        grad_x[n, ci, ih, iw] = sum over the Cgo output channels co of ci's group and taps (ki, kj)
                                with ih = oh*sH - pT + ki*dH, iw = ow*sW - pL + kj*dW of
                                grad_out[n, co, oh, ow] * w[co, ci % Cg, ki, kj]

    For stride 1 this is the forward's correlation of grad_out (zero-padded by ``d*(k-1) - p``) with
    the flipped taps, computed by ``_forward_plane_wide_rows``. Otherwise it is written as a gather:
    each input row ``ih`` collects, tap row ``ki`` by tap row, the one output row ``oh`` that read it (if ``ih + pT - ki*dH`` is a non-negative multiple of sH below OH*sH),
    and from it every column tap. Parallel over the N*C_in input planes; race-free because plane
    (n, ci) is written only by its own iteration (it only reads the output channels of its group).
    """
    N, C_in, H, W = grad_x.shape
    C_out, Cg, kH, kW = w.shape
    OH, OW = grad_out.shape[2], grad_out.shape[3]
    Cgo = C_out * Cg // C_in
    for nc in prange(N * C_in):
        n = nc // C_in
        ci = nc % C_in
        g, c = ci // Cg, ci % Cg
        plane = grad_x[n, ci].reshape(-1)
        plane[:] = 0
        if sH == 1 and sW == 1:  # a correlation of grad_out with the flipped taps: as the forward
            _forward_plane_wide_rows(plane, grad_out[n, g * Cgo:(g + 1) * Cgo], w[g * Cgo:(g + 1) * Cgo, c, ::-1, ::-1],
                                     (kH - 1) * dH - pT, (kW - 1) * dW - pL, dH, dW, W)
            continue
        for co in range(g * Cgo, (g + 1) * Cgo):
            grad_plane = grad_out[n, co].reshape(-1)
            for ih in range(H):
                for ki in range(kH):
                    shifted = ih + pT - ki * dH
                    if shifted < 0 or shifted % sH != 0 or shifted // sH >= OH:
                        continue
                    oh = shifted // sH
                    for kj in range(kW):
                        ow_lo, ow_hi = valid_output_range(kj * dW, pL, sW, W, OW)
                        iw0 = ow_lo * sW - pL + kj * dW
                        _axpy(plane, ih * W + iw0, sW, w[co, c, ki, kj], grad_plane, oh * OW + ow_lo, 1, ow_hi - ow_lo)


@njit(cache=True)
def _weight_grad_rows(partial, grad_plane, x_group, kH, kW, sH, sW, pT, pL, dH, dW, OW):
    """Add one image's terms to the float64 accumulators ``partial`` (flat Cg*kH*kW rows of OW): for
    each (channel, tap), row by row over the tap's valid output rectangle,
    ``partial[tap, ow] += grad[oh, ow] * x[c, ih, iw]``. Any stride."""
    Cg, H, W = x_group.shape
    OH = grad_plane.shape[0] // OW
    for c in range(Cg):
        src = x_group[c].reshape(-1)
        for ki in range(kH):
            oh_lo, oh_hi = valid_output_range(ki * dH, pT, sH, H, OH)
            for kj in range(kW):
                ow_lo, ow_hi = valid_output_range(kj * dW, pL, sW, W, OW)
                iw0 = ow_lo * sW - pL + kj * dW
                for oh in range(oh_lo, oh_hi):
                    ih = oh * sH - pT + ki * dH
                    _multiply_accumulate(partial, ((c * kH + ki) * kW + kj) * OW + ow_lo, grad_plane,
                                         oh * OW + ow_lo, src, ih * W + iw0, sW, ow_hi - ow_lo)


@njit(cache=True)
def _weight_grad_wide_rows(partial, grad_plane, x_group, kH, kW, pT, pL, dH, dW, OW):
    """The same for stride 1 with one long product per tap (as ``_forward_plane_wide_rows``): the
    gradient plane is laid out at the padded width Wp with zeros in columns >= OW, so that
    ``partial[tap, t] += grad_wide[t] * padded[t + ki*dH*Wp + kj*dW]`` over t < span covers every
    term of the tap; ``partial`` holds Cg*kH*kW rows of ``span`` accumulators."""
    Cg = x_group.shape[0]
    OH = grad_plane.shape[0] // OW
    Wp, Hp = OW + dW * (kW - 1), OH + dH * (kH - 1)
    span = (OH - 1) * Wp + OW
    grad_wide = np.empty(OH * Wp, grad_plane.dtype)
    _pad_plane(grad_wide, grad_plane.reshape(OH, OW), 0, 0, OH, Wp)
    padded = np.empty(Hp * Wp, x_group.dtype)
    for c in range(Cg):
        _pad_plane(padded, x_group[c], pT, pL, Hp, Wp)
        for ki in range(kH):
            for kj in range(kW):
                _multiply_accumulate(partial, ((c * kH + ki) * kW + kj) * span, grad_wide, 0, padded,
                                     ki * dH * Wp + kj * dW, 1, span)


@njit(parallel=True, cache=True)
def _direct_weight_grad_kernel(grad_out, x, grad_w, sH, sW, pT, pL, dH, dW):
    """``grad_w`` (C_out, Cg, kH, kW) from ``grad_out`` (N, C_out, OH, OW) and ``x`` (N, C_in, H, W)::

        grad_w[co, c, ki, kj] = sum_{n, oh, ow} grad_out[n, co, oh, ow] * x[n, g*Cg + c, ih, iw]

    The sum runs over N*OH*OW terms, so it accumulates in float64 (float32 inputs keep
    float64-reference accuracy): elementwise into one row of float64 partial sums per (channel, tap)
    (long padded rows for stride 1, output columns otherwise), each row added up at the end.
    Parallel over the C_out output channels; race-free because each iteration writes only
    ``grad_w[co]`` and its own partial sums.
    """
    N, C_in, H, W = x.shape
    C_out, Cg, kH, kW = grad_w.shape
    OH, OW = grad_out.shape[2], grad_out.shape[3]
    Cgo = C_out * Cg // C_in
    wide = sH == 1 and sW == 1
    length = (OH - 1) * (OW + dW * (kW - 1)) + OW if wide else OW  # accumulators per (channel, tap)
    for co in prange(C_out):
        c0 = (co // Cgo) * Cg
        partial = np.zeros(Cg * kH * kW * length)
        for n in range(N):
            grad_plane = grad_out[n, co].reshape(-1)
            if wide:
                _weight_grad_wide_rows(partial, grad_plane, x[n, c0:c0 + Cg], kH, kW, pT, pL, dH, dW, OW)
            else:
                _weight_grad_rows(partial, grad_plane, x[n, c0:c0 + Cg], kH, kW, sH, sW, pT, pL, dH, dW, OW)
        for c in range(Cg):
            for ki in range(kH):
                for kj in range(kW):
                    tap = (c * kH + ki) * kW + kj
                    grad_w[co, c, ki, kj] = partial[tap * length:(tap + 1) * length].sum()


def direct_conv2d_forward(
    x: np.ndarray,
    weight: np.ndarray,
    bias: np.ndarray | None,
    out_hw: tuple[int, int],
    stride: tuple[int, int],
    pad_top_left: tuple[int, int],
    dilation: tuple[int, int],
) -> np.ndarray:
    """Grouped convolution by direct loops: ``x`` (N, C_in, H, W), ``weight`` (C_out, Cg, kH, kW),
    ``bias`` (C_out,) or None -> (N, C_out, OH, OW) with ``out_hw = (OH, OW)`` given by the caller."""
    C_out = weight.shape[0]
    b = np.zeros(C_out, x.dtype) if bias is None else np.ascontiguousarray(bias)
    out = np.empty((x.shape[0], C_out) + tuple(out_hw), x.dtype)
    launch(_direct_forward_kernel, np.ascontiguousarray(x), np.ascontiguousarray(weight), b, out,
           *stride, *pad_top_left, *dilation)
    return out


def direct_conv2d_input_grad(
    grad_out: np.ndarray,
    weight: np.ndarray,
    input_shape: tuple[int, int, int, int],
    stride: tuple[int, int],
    pad_top_left: tuple[int, int],
    dilation: tuple[int, int],
) -> np.ndarray:
    """Gradient w.r.t. the input, of shape ``input_shape`` (N, C_in, H, W), from ``grad_out``
    (N, C_out, OH, OW); input elements no window reads get zero."""
    grad_x = np.empty(input_shape, grad_out.dtype)
    launch(_direct_input_grad_kernel, np.ascontiguousarray(grad_out), np.ascontiguousarray(weight), grad_x,
           *stride, *pad_top_left, *dilation)
    return grad_x


def direct_conv2d_weight_grad(
    grad_out: np.ndarray,
    x: np.ndarray,
    weight_shape: tuple[int, int, int, int],
    stride: tuple[int, int],
    pad_top_left: tuple[int, int],
    dilation: tuple[int, int],
) -> np.ndarray:
    """Gradient w.r.t. the weight, of shape ``weight_shape`` (C_out, Cg, kH, kW), from ``grad_out``
    (N, C_out, OH, OW) and the forward input ``x`` (N, C_in, H, W)."""
    grad_w = np.empty(weight_shape, x.dtype)
    launch(_direct_weight_grad_kernel, np.ascontiguousarray(grad_out), np.ascontiguousarray(x), grad_w,
           *stride, *pad_top_left, *dilation)
    return grad_w
