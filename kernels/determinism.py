"""Whether kernels must give the same bits run after run: ``minigrad.use_deterministic_algorithms``.

The CPU kernels always do (each output element is computed by one thread, in a fixed order). On
CUDA, ``np.add.at`` (the scatter-add behind index_add, scatter_add, embedding and bincount
backward passes) adds repeated positions with atomics, whose order varies between runs: float sums
then differ in their last bits. With this flag set it sorts the positions and adds each run in
order instead (``kernels/cuda/advanced_indexing.py``): slower, and numpy's result bit for bit.
"""
_deterministic = False


def set_deterministic(flag: bool) -> None:
    global _deterministic
    _deterministic = bool(flag)


def is_deterministic() -> bool:
    return _deterministic
