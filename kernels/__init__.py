"""Numba kernels: pure functions over numpy arrays, installed as ``minigrad.kernels``.

Parallel loops run on numba's built-in ``workqueue`` threading layer unless the user chose
another with ``NUMBA_THREADING_LAYER``. Its idle workers sleep instead of spinning: the OpenMP
layer's spinning workers fought numpy's BLAS threads for the cores after every kernel (measured on
2 cores: an MNIST MLP step took 10 ms with OpenMP, 1.7 ms with workqueue). It is not re-entrant: two
Python threads launching at once abort the process, so every launch goes through
``_parallel.launch``, which lets one in at a time. A launch costs 100-250 µs, so kernels called on
tiny arrays run serially below a work limit (``_parallel.py``). The convolutions do not use it: they
run on minigrad's own pool (``_threads.py``).
"""
import os
import sys

if "NUMBA_THREADING_LAYER" not in os.environ:
    os.environ["NUMBA_THREADING_LAYER"] = "workqueue"
    if "numba" in sys.modules:  # numba read its settings already: change the live one too
        sys.modules["numba"].config.THREADING_LAYER = "workqueue"
