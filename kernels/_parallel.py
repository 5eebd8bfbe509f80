"""Launching numba's parallel kernels: ``launch`` (safely, from any thread) and ``run_range`` (only
when the work is worth a thread launch: ``SERIAL_WORK_LIMIT``).

Kernels that training hot paths call on tiny arrays (an MNIST step's (64, 10) logits) come in two
parts: a serial ``@njit(cache=True)`` range function holding the loop body for rows (or elements)
``[start, stop)``, and a ``@njit(parallel=True, cache=True)`` driver that ``prange``s over the rows
and calls the range function for one row at a time. ``run_range`` calls the range function on all
rows directly when the work is below ``SERIAL_WORK_LIMIT``, else the driver. Both paths run the
same per-row code, so their results are bit-identical. (Two differently decorated functions, not one
function compiled twice: numba's disk-cache key ignores ``parallel=``.)

Why: a parallel launch on numba's ``workqueue`` layer (kernels/__init__.py) wakes the sleeping
worker threads and waits for them. Measured on the 2-core target VM (float32, best of 7, µs):

    elements    cross_entropy fwd     softmax fwd        gelu fwd (erf)
                serial  parallel      serial  parallel   serial  parallel
    640 (64x10)    3.6     155           3.9     179
    8192          41       222          45       209        60      222
    32768        160       363         175       419       286      468
    65536        319       416         351       405       585      476
    131072       639       563         701       601      1178      780
    262144      1334       932        1420       999      2394     1431

A launch costs 120-260 µs on an idle machine (the second vCPU must be woken; about 20 µs when the
cores are already busy, but then the second thread has no free core and parallel runs never win),
while a serial call costs 0.5 µs plus about 5 ns per element (9 ns for gelu's erf). On 2 cores the
parallel run pays off once the serial time is well above twice the launch cost: around 2^16
elements for the exp-per-element row kernels (softmax, cross-entropy), a little earlier for gelu
(about 20% slower serially at 2^16). Below the limit the serial path is up to 40x faster: the
cross-entropy forward + backward entry points on (64, 10) went from ~240 µs to ~18 µs.
"""

import threading

import numba

from . import _threads

_LAUNCH_LOCK = threading.Lock()

# Work, in elements of the kernel's main array (rows * columns), below which ``run_range`` runs the
# serial range function instead of the parallel driver (measurements above; tuned for 2 cores).
SERIAL_WORK_LIMIT = 65_536

# The same for the optimizers' fused updates (kernels/sgd.py, kernels/adam.py), which cost about
# half a nanosecond per element and so need far more elements to repay a launch. Measured on the
# 2-core target (float32, µs, serial vs parallel):
#     elements    SGD-momentum        Adam
#     2^16          24 / 180         42 / 177
#     2^18         107 / 370        163 / 382
#     2^20         490 / 550        620 / 590
#     2^22        4600 / 2200
SERIAL_UPDATE_LIMIT = 1 << 20


def launch(parallel_kernel, *args):
    """Call a ``prange`` kernel: one launch at a time in the process, on ``_threads.get_num_threads()``
    threads. Numba's workqueue layer aborts the process when two Python threads launch at once, so
    every launch goes through here (``run_range`` included); the lock only ever waits when several
    Python threads run parallel kernels at the same moment, whose work would compete for the same
    cores anyway. Numba's thread count is per calling thread, so it is set to the process-wide count
    here; what the lock guards is microseconds of bookkeeping next to a launch (~100 µs)."""
    with _LAUNCH_LOCK:
        if numba.get_num_threads() != _threads.get_num_threads():
            numba.set_num_threads(_threads.get_num_threads())
        return parallel_kernel(*args)

# The same for elementwise maps (kernels/relu.py) and the other one-pass, memory-bound kernels over
# contiguous rows (kernels/row_sum.py, the norms, max pooling's gradient scatter), vectorized at about
# 0.1-0.4 ns per element serially. On this VM a second thread rarely repays its launch on them:
# memory bandwidth, not the core, bounds them. Measured on the 2-core target (float32, µs, serial /
# parallel, medians of 25 back-to-back calls):
#     elements    ReLU forward     ReLU backward
#     2^18          61 /  239        79 /  260
#     2^20         188 /  346       202 /  358
#     2^21         469 /  620       468 /  832
#     2^22        1299 / 1606      1505 / 1797
#     2^23        5274 / 6605      8284 / 4450
SERIAL_ELEMENTWISE_LIMIT = 1 << 23

# The same for the pooling window loops (kernels/max_pool2d.py, kernels/avg_pool2d.py), about 0.6 ns
# per input element serially for 2 x 2 max pooling (µs, serial / parallel, 14 x 14 planes):
#     input elements    forward
#     2^18             167 /  531
#     2^19             330 /  833
#     2^20            1256 / 1396
#     2^21            2288 / 1467
SERIAL_POOL_LIMIT = 1 << 21

# Elements per block of the elementwise parallel drivers: each block is one range-function call.
# Every element is computed on its own, so results do not depend on this size (nor on the thread
# count); it only has to be large enough to amortize a call and small enough to balance the threads.
# (Numba compiles the value into the drivers, so a change needs their cache cleared to take effect.)
ELEMENTWISE_BLOCK = 1 << 14


def run_range(range_kernel, parallel_kernel, count: int, work: int, *args, limit: int | None = None) -> None:
    """Run a kernel over ``count`` rows (or elements): ``range_kernel(*args, 0, count)`` serially
    when ``work < limit`` (``SERIAL_WORK_LIMIT`` unless a kernel measured its own), else
    ``parallel_kernel(*args)``, the ``prange`` driver that calls the same range function on
    disjoint rows. The limit is read at call time, so tests can force either path by patching it."""
    if work < (SERIAL_WORK_LIMIT if limit is None else limit):
        range_kernel(*args, 0, count)
    else:
        launch(parallel_kernel, *args)
