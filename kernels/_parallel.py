"""When a row-parallel kernel is worth a thread launch: ``SERIAL_WORK_LIMIT``.

Kernels that are hit with tiny arrays in training hot paths (the (64, 10) logits of an MNIST step)
come in two parts: a serial ``@njit`` function over a row range ``[start, stop)`` holding the
loop body, and a ``@njit(parallel=True)`` driver that ``prange``s over the rows calling it for one
row at a time. The plain-Python entry point calls the range function on all rows directly when the
work is below the limit, else the driver. Both paths run the same per-row code, so their results
are identical.

Why: a parallel launch on numba's ``workqueue`` layer (kernels/__init__.py) wakes sleeping worker
threads and waits for them, which costs tens to hundreds of microseconds, while a serial call costs
about half a microsecond.
"""

# Work, in elements of the kernel's main array (rows * columns), below which entry points run the
# serial range function instead of the parallel driver.
SERIAL_WORK_LIMIT = 16_384


def run_range(range_kernel, parallel_kernel, count: int, work: int, *args) -> None:
    """Run a kernel over ``count`` rows (or elements): ``range_kernel(*args, 0, count)`` serially
    when ``work < SERIAL_WORK_LIMIT``, else ``parallel_kernel(*args)``, the ``prange`` driver that
    calls the same range function for one row at a time."""
    if work < SERIAL_WORK_LIMIT:
        range_kernel(*args, 0, count)
    else:
        parallel_kernel(*args)
