"""The reference kernels behind the fast kernels' module names, function names and signatures.

``minigrad.use_reference_kernels()`` points the device table here: ``kernel_module('conv2d', dev)``
then returns ``routed.conv2d``, whose ``conv2d_forward`` has the fast kernel's signature and result
dtypes and computes with the naive loops of :mod:`minigrad.kernels.reference.conv2d`. Each module is
a thin adapter: it drops the fast kernel's performance-only arguments (a fused gradient, a cache
handed from forward to backward), casts the float64 results back to the dtype the fast kernel
returns, and writes in place where the fast kernel does (an optimizer step, ``relu(out=x)``).
Like the references, they import nothing of the fast kernels: inside the switch every kernel that
the framework calls is a reference.
"""
