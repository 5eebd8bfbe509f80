"""Autograd Functions: each op's forward and backward math, over storage arrays.

One module per family of ops. Each Function's ``forward`` computes the result from arrays and
``backward`` the gradient of each input from the output's gradient; the public wrapper beside it
(``add``, ``exp``, ``sum``, ...) checks arguments the way PyTorch does and calls ``Function.apply``.
Layers with loops of their own call kernels from ``minigrad.kernels`` through the device table.
"""
