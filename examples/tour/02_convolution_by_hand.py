"""Tour 2: how a convolution computes its output and its gradients, three ways that agree.

Run: python examples/tour/02_convolution_by_hand.py [--out tour_out]

On a tiny input (one 2-channel 5x5 image, three 3x3 filters, padding 1) it computes the forward
pass and the three gradients (input, weight, bias)

1. by the definition: seven nested loops, one per index of the sum;
2. as the fast path for dense layers does: unfold the windows into a matrix (im2col), one matrix
   product (GEMM), and for the input gradient the product's transpose folded back (col2im);
3. for a depthwise convolution (one filter per channel), by the direct loops of thin groups;

and checks each against ``F.conv2d`` and the gradients autograd gives. Read alongside:

- kernels/reference/conv2d.py: ``conv2d_forward_loops``, ``conv2d_backward_loops`` (the definition;
  importable as ``minigrad.kernels.reference.conv2d``)
- kernels/im2col.py: ``im2col``, ``col2im``; kernels/reference/im2col.py: the same by definition
- kernels/conv2d.py: ``conv2d_forward``, ``conv2d_input_and_weight_grads`` (which path runs, and how
  the batch is split over threads)
- kernels/direct_conv2d.py: ``direct_conv2d_forward``, ``direct_conv2d_input_grad``,
  ``direct_conv2d_weight_grad``
- minigrad/functions/conv.py: the autograd Function that calls them
"""
import numpy as np

import minigrad as torch
import minigrad.nn.functional as F
from minigrad.kernels.direct_conv2d import direct_conv2d_forward, direct_conv2d_input_grad, direct_conv2d_weight_grad
from minigrad.kernels.im2col import col2im, im2col
from minigrad.kernels.reference import conv2d as reference
from minigrad.kernels.reference import im2col as reference_im2col
from minigrad.utils.plots.picture import Picture, new_figure

from _tour import draw, heading, parse_args

STRIDE, DILATION = (1, 1), (1, 1)
PADDING = (1, 1, 1, 1)  # top, bottom, left, right
PAD_TOP_LEFT = (PADDING[0], PADDING[2])


def check(what: str, ours: np.ndarray, expected: np.ndarray) -> None:
    """Print and assert that two arrays agree to float64 rounding."""
    error = float(np.abs(ours - expected).max())
    print(f"  {what:<58} max |difference| = {error:.1e}")
    assert error < 1e-10, f"{what}: {error}"


def autograd_conv(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, grad_out: np.ndarray, groups: int = 1):
    """``F.conv2d``'s output and the gradients autograd computes for ``grad_out``, as arrays."""
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, weight, bias))
    out = F.conv2d(xt, wt, bt, stride=STRIDE, padding=PAD_TOP_LEFT, dilation=DILATION, groups=groups)
    out.backward(torch.tensor(grad_out))
    return out.detach().numpy(), xt.grad.numpy(), wt.grad.numpy(), bt.grad.numpy()


def by_definition(x, weight, bias, grad_out, groups: int = 1):
    """The reference loops: output and ``(grad_x, grad_weight, grad_bias)``."""
    out = reference.conv2d_forward(x, weight, bias, STRIDE, PADDING, DILATION, groups)
    return (out,) + reference.conv2d_backward(grad_out, x, weight, STRIDE, PADDING, DILATION, groups)


def one_output_by_hand(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, co: int, oh: int, ow: int) -> float:
    """``out[0, co, oh, ow]``: the filter laid over the window whose top-left tap is at
    ``(oh - 1, ow - 1)`` in the unpadded input (padding 1), zeros outside."""
    padded = np.pad(x[0], ((0, 0), (1, 1), (1, 1)))
    window = padded[:, oh:oh + 3, ow:ow + 3]
    return float(bias[co] + (weight[co] * window).sum())


def main(argv=None) -> None:
    args = parse_args(__doc__.splitlines()[0], argv)
    rng = np.random.default_rng(0)
    N, C_in, H, W, C_out, k = 1, 2, 5, 5, 3, 3
    x = rng.standard_normal((N, C_in, H, W))
    weight = rng.standard_normal((C_out, C_in, k, k))
    bias = rng.standard_normal(C_out)
    OH, OW = reference.conv2d_output_size((H, W), (k, k), STRIDE, PADDING, DILATION)
    grad_out = rng.standard_normal((N, C_out, OH, OW))  # as if from a loss: d loss / d out
    expected = autograd_conv(x, weight, bias, grad_out)

    heading("1. The definition: one loop per index of the sum",
            "kernels/reference/conv2d.py: conv2d_forward_loops, conv2d_backward_loops")
    print(f"x {x.shape}, weight {weight.shape}, bias {bias.shape}, padding 1 -> out {(N, C_out, OH, OW)}")
    print("  out[n, co, oh, ow] = bias[co] + sum_{ci, ki, kj} weight[co, ci, ki, kj] * x[n, ci, oh-1 + ki, ow-1 + kj]")
    hand = one_output_by_hand(x, weight, bias, 2, 0, 3)
    print(f"  out[0, 2, 0, 3] by hand (filter times zero-padded window, summed) = {hand:+.6f}, "
          f"F.conv2d: {expected[0][0, 2, 0, 3]:+.6f}")
    assert abs(hand - expected[0][0, 2, 0, 3]) < 1e-12
    print("Backward: each term weight * x adds grad_out * weight to x's gradient, grad_out * x to the")
    print("weight's, and grad_out to the bias's; the backward loops run the forward's loop nest:")
    for name, ours, theirs in zip(("output", "grad_x", "grad_weight", "grad_bias"),
                                  by_definition(x, weight, bias, grad_out), expected):
        check(f"reference {name} vs F.conv2d / autograd", ours, theirs)

    heading("2. im2col + GEMM, and col2im for the input gradient",
            "kernels/im2col.py: im2col, col2im; kernels/conv2d.py: conv2d_forward")
    cols = im2col(x, (k, k), (OH, OW), STRIDE, PAD_TOP_LEFT, DILATION)
    print(f"im2col copies every window into a column: cols {cols.shape} = (C_in*k*k, N*OH*OW)")
    print("  cols[(c*k + ki)*k + kj, (n*OH + oh)*OW + ow] = x[n, c, oh - 1 + ki, ow - 1 + kj] (0 in the padding)")
    check("kernels.im2col.im2col vs reference.im2col.im2col", cols,
          reference_im2col.im2col(x, (k, k), (OH, OW), STRIDE, PAD_TOP_LEFT, DILATION))
    w_matrix = weight.reshape(C_out, -1)  # (C_out, C_in*k*k): one filter per row
    out = (w_matrix @ cols + bias[:, None]).reshape(C_out, N, OH, OW).transpose(1, 0, 2, 3)
    print(f"then the convolution is one product: weight {w_matrix.shape} @ cols {cols.shape} -> {(C_out, N * OH * OW)}")
    check("GEMM output vs F.conv2d", out, expected[0])
    grad_matrix = grad_out.transpose(1, 0, 2, 3).reshape(C_out, -1)  # (C_out, N*OH*OW)
    grad_weight = (grad_matrix @ cols.T).reshape(weight.shape)
    print(f"grad_weight = grad_out {grad_matrix.shape} @ cols.T: every window times its output's gradient, summed")
    check("GEMM grad_weight vs autograd", grad_weight, expected[2])
    grad_cols = w_matrix.T @ grad_matrix
    grad_x = np.empty_like(x)
    col2im(grad_cols, grad_x, (k, k), (OH, OW), STRIDE, PAD_TOP_LEFT, DILATION)
    print(f"grad_x: weight.T @ grad_out gives each window's gradient {grad_cols.shape}; col2im adds every")
    print("  entry back onto the input element it was copied from (overlapping windows sum)")
    check("col2im(weight.T @ grad_out) vs autograd", grad_x, expected[1])
    check("grad_bias = grad_out summed over n, oh, ow vs autograd", grad_out.sum(axis=(0, 2, 3)), expected[3])

    heading("3. Depthwise: one filter per channel, by direct loops",
            "kernels/direct_conv2d.py: direct_conv2d_forward, _input_grad, _weight_grad")
    groups = C_in
    depthwise = rng.standard_normal((C_in, 1, k, k))  # (C_out = C_in, C_in / groups = 1, k, k)
    depthwise_bias = rng.standard_normal(C_in)
    depthwise_grad_out = rng.standard_normal((N, C_in, OH, OW))
    print(f"groups = C_in = {groups}: weight {depthwise.shape}; "
          "out[n, c] = bias[c] + (x[n, c] correlated with weight[c, 0])")
    print("  Per-group GEMMs would be too thin for BLAS, so kernels/conv2d.py sends thin groups to direct loops.")
    expected = autograd_conv(x, depthwise, depthwise_bias, depthwise_grad_out, groups)
    direct = (direct_conv2d_forward(x, depthwise, depthwise_bias, (OH, OW), STRIDE, PAD_TOP_LEFT, DILATION),
              direct_conv2d_input_grad(depthwise_grad_out, depthwise, x.shape, STRIDE, PAD_TOP_LEFT, DILATION),
              direct_conv2d_weight_grad(depthwise_grad_out, x, depthwise.shape, STRIDE, PAD_TOP_LEFT, DILATION))
    definition = by_definition(x, depthwise, depthwise_bias, depthwise_grad_out, groups)
    for name, fast, slow, theirs in zip(("output", "grad_x", "grad_weight"), direct, definition, expected):
        check(f"direct loops' {name} vs autograd", fast, theirs)
        check(f"reference loops' {name} (groups={groups}) vs autograd", slow, theirs)

    heading("4. Picture: the unfolded matrix", "kernels/im2col.py")

    def draw_unfold(path: str) -> None:
        figure = new_figure((11, 3.2), 100)
        panels = ((x[0, 0], "input x[0, 0] (5x5)"), (cols, f"cols {cols.shape}: one column per window"),
                  (out[0, 0], "output channel 0 (5x5)"))
        for index, (image, title) in enumerate(panels):
            axes = figure.add_subplot(1, 3, index + 1)
            limit = float(np.abs(image).max())  # white is 0 in every panel
            axes.imshow(image, cmap="bwr", vmin=-limit, vmax=limit, interpolation="nearest")
            axes.set_title(title, fontsize=9)
            axes.set_axis_off()
        figure.tight_layout()
        Picture(figure, path)

    draw(args.out, "02_im2col.png", draw_unfold)


if __name__ == "__main__":
    main()
