"""minigrad beside PyTorch: a benchmark suite that times both in one process and reports ratios.

Run from the repository root::

    python benchmarks/run.py [--quick] [--only PATTERN] [--repeats N] [--threads N] [--markdown FILE] [--e2e]

Files, one concept each:

- ``run.py``           the command line: which rows, how many repeats, the report;
- ``machine.py``       the report's header: CPU model and SIMD flags, threads, versions, BLAS, load;
- ``frameworks.py``    minigrad and PyTorch behind one small interface, same weights, same threads;
- ``cases.py``         what a row is; ``Benchmark``, the in-process kind;
- ``timing.py``        warm-up, inner-loop calibration, paired (interleaved) repeats, child processes;
- ``results.py``       a row's samples -> medians, spreads and the minigrad / PyTorch ratio;
- ``table.py``         the markdown table;
- ``train_step.py``    training-step rows: the MLP, a 3x3 CNN and the CNN example's own model;
- ``layers.py``        layer rows: the Conv2d variants and the small ops;
- ``startup.py``       import + first training step in a fresh process, warm and cold numba cache
                       (``first_step.py`` is the child process it times);
- ``end_to_end.py``    one epoch of ``examples/mnist_cnn.py`` under each framework (``--e2e``);
- ``swap.py``          runs a minigrad script under PyTorch by swapping its imports;
- ``torchvision_standin.py``  the part of torchvision the examples use (MNIST, ToTensor, Normalize),
                       for PyTorch runs where torchvision is not installed.
"""
