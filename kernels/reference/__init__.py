"""Naive-loop reference kernels: the definitions that the fast kernels in ``minigrad.kernels`` equal.

Read a file here for the math and the fast kernel of the same name for how the speed is made. The
tests use these functions as their oracle, and each fast kernel's docstring names its reference.

One file per concept: ``conv2d`` (dense, grouped and depthwise convolution are one formula),
``conv_transpose2d``, ``im2col``, ``pool_output_size``, ``max_pool2d``, ``avg_pool2d``,
``adaptive_pool2d``, ``batch_norm``, ``layer_norm``, ``group_norm`` (sharing ``normalize``),
``softmax``, ``cross_entropy`` and ``nll_loss``; ``relu``, ``gelu``, ``erf``, ``row_sum``, ``gemm``,
``padding``, ``interpolate``, ``max_unpool2d``, ``embedding``, ``dropout`` (its mask); the optimizer
steps ``sgd`` and ``adam``.

``routed`` holds the same references behind the fast kernels' exact signatures and result dtypes,
for ``minigrad.use_reference_kernels()``, which runs the layers on them.

Conventions:

* Same arguments as the fast entry point of the same name (``conv2d_forward(x, weight, bias, stride,
  padding, dilation, groups)``...), so a test calls both alike. The exceptions: the reference
  never takes an intermediate that a fast forward saved for its backward (cross-entropy's
  log-sum-exp); it recomputes what the definition needs. And it never writes into its arguments:
  the optimizer steps return the updated arrays, and ``relu_forward`` has no ``out``.
* Everything is computed in float64 and returned in float64, whatever the input dtype: the oracle is
  more accurate than the float32 or float64 kernel it checks, and tests compare within a tolerance
  chosen for the kernel's dtype.
* The loops are the literal formula: one loop per index of the sum, the test "is this tap inside the
  input?" written out where it applies, no precomputed ranges, no reordering, no fused passes.
  A backward pass is the derivative of the forward's definition term by term: for convolution and
  pooling the same loop nest as the forward, accumulating each term's derivative; for the norms and
  softmax the explicit Jacobian ``sum_i grad_out_i * d out_i / d x_j``, never the simplified closed
  form that the fast kernels use. So the reference also checks each fast kernel's derivation.
* Nothing is imported from the fast kernels (an oracle that shares code with what it checks
  cannot catch that code's bugs), nor anything of the framework.

Speed: the convolution loops (seven nested loops, run by the parity tests over hundreds of
configurations) are ``@njit(cache=True)`` functions, serial, so they compile once to the disk cache
and have no races to reason about; like every kernel they compile on first call, never at import.
Everything else is plain Python over the small arrays that tests use: slower, but it reads as the
formula and costs no compilation.
"""
