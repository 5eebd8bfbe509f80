"""Compile every CUDA kernel the tests launch with the real CUDA compiler, no GPU needed.

numba-cuda's simulator runs a kernel's Python source as Python: it never type-checks it, so code the
CUDA compiler rejects (a tuple indexed by a run-time value, an untyped empty list, a numpy call with
no device implementation) passes the simulator tests and fails on the first real GPU. NVIDIA's NVVM
compiler, which numba-cuda drives, runs without a GPU. So the check has two halves:

1. :class:`LaunchRecorder`, in the simulator test session, notes each kernel launch: which kernel
   (a module-level kernel by name; one built by a cached factory such as ``elementwise._kernel(name)``
   by the factory and its arguments) and the numba types of the arguments.
2. :func:`main`, in a process with the simulator off, rebuilds each kernel with the real numba-cuda
   and compiles it for those argument types to PTX for a real architecture (``cuda.compile_ptx``).

Run as a script: ``python tests/cuda/launch_record.py LAUNCHES.pkl``; it prints each kernel that does
not compile, with the compiler's message, and exits 1 if any did not (3 where NVVM is not installed).
"""
from __future__ import annotations

import functools
import importlib
import os
import pickle
import sys
import types

#: The compute capability the PTX is made for (9.0: H100). The kernels use nothing newer than 6.0
#: (double-precision atomics), so one architecture checks the language for all of them.
ARCHITECTURE = (9, 0)
#: Exit status of :func:`main` when the CUDA compiler (NVVM) is not installed.
NO_COMPILER = 3
_KERNEL_PACKAGE = "minigrad.kernels.cuda"


# ---- 1. recording, under the simulator ----------------------------------------------------------
class LaunchRecorder:
    """Notes ``(origin, argument types)`` of every kernel launch while installed.

    ``origin`` is ``(module, name, args, item)``: ``getattr(module, name)`` for a module-level kernel
    (``args`` None), or ``getattr(module, name)(*args)`` for a kernel a cached factory built; then
    ``[item]`` when that is a table (a dict, or a factory's tuple) of kernels.
    """

    def __init__(self) -> None:
        self.launches: set = set()
        self.unknown: set = set()  # launched kernels of no known origin: they would go unchecked
        self._origins: dict[int, tuple] = {}  # id(kernel) -> origin, for factory-built kernels
        self._undo: list = []

    def install(self) -> None:
        from numba.cuda.simulator.kernel import FakeCUDAKernel

        for module in _kernel_modules():
            for name, value in vars(module).items():
                if isinstance(value, FakeCUDAKernel) and not value._device:
                    self._origins[id(value)] = (module.__name__, name, None, None)
                elif isinstance(value, dict):  # a table of kernels
                    for key, kernel in value.items():
                        if isinstance(kernel, FakeCUDAKernel) and not kernel._device:
                            self._origins[id(kernel)] = (module.__name__, name, None, key)
                elif hasattr(value, "cache_info"):  # a cached factory: tag the kernels it returns
                    self._patch(module, name, self._tagging(module.__name__, name, value))
        self._patch(FakeCUDAKernel, "__call__", self._recording(FakeCUDAKernel.__call__))

    def uninstall(self) -> None:
        for owner, name, original in reversed(self._undo):
            setattr(owner, name, original)
        self._undo.clear()

    def _patch(self, owner, name: str, replacement) -> None:
        self._undo.append((owner, name, getattr(owner, name)))
        setattr(owner, name, replacement)

    def _tagging(self, module_name: str, name: str, factory):
        from numba.cuda.simulator.kernel import FakeCUDAKernel

        @functools.wraps(factory)
        def tagged(*args):
            result = factory(*args)
            if isinstance(result, FakeCUDAKernel):
                self._origins[id(result)] = (module_name, name, args, None)
            elif isinstance(result, tuple):
                for item, kernel in enumerate(result):
                    if isinstance(kernel, FakeCUDAKernel):
                        self._origins[id(kernel)] = (module_name, name, args, item)
            return result
        return tagged

    def _recording(self, call):
        recorder = self

        def record_then_call(kernel, *args):
            origin = recorder._origins.get(id(kernel))
            if origin is not None and not kernel._device:
                recorder.launches.add((origin, tuple(_numba_type(arg) for arg in args)))
            elif origin is None and not kernel._device:
                recorder.unknown.add(f"{kernel.fn.__module__}.{kernel.fn.__qualname__}")
            return call(kernel, *args)
        return record_then_call

    def save(self, path: str) -> None:
        with open(path, "wb") as file:
            pickle.dump(sorted(self.launches, key=repr), file)


def _kernel_modules():
    package = importlib.import_module(_KERNEL_PACKAGE)
    folder = os.path.dirname(package.__file__)
    names = sorted(f[:-3] for f in os.listdir(folder) if f.endswith(".py") and f != "__init__.py")
    return [importlib.import_module(f"{_KERNEL_PACKAGE}.{name}") for name in names]


def _numba_type(value):
    """The numba type a GPU launch gives ``value``: a device array's type is its dtype, ndim and
    layout (the simulator's arrays wrap a numpy array, ``_ary``)."""
    import numba
    from numba.core import types

    value = getattr(value, "_ary", value)
    inferred = numba.typeof(value)
    if isinstance(inferred, types.Array):  # device arrays are writable and aligned
        return types.Array(inferred.dtype, inferred.ndim, inferred.layout)
    return inferred


# ---- 2. compiling, with the real numba-cuda -----------------------------------------------------
def compile_all(launches) -> list[str]:
    """Compile each recorded launch to PTX; the failures, one message each."""
    from numba import cuda
    from numba.cuda import dispatcher

    # A kernel's device functions are compiled for the current device's architecture; without a GPU
    # (no driver) stand in a device of ARCHITECTURE.
    dispatcher.get_current_device = lambda: types.SimpleNamespace(compute_capability=ARCHITECTURE)
    failures = []
    for (module_name, name, args, item), argtypes in launches:
        kernel = getattr(importlib.import_module(module_name), name)
        if args is not None:
            kernel = kernel(*args)
        if item is not None:
            kernel = kernel[item]
        try:
            cuda.compile_ptx(kernel.py_func, argtypes, cc=ARCHITECTURE)
        except Exception as error:  # noqa: BLE001  (every compiler error is a finding to report)
            where = f"{module_name}.{name}{'' if args is None else args}{'' if item is None else [item]}"
            failures.append(f"{where}{argtypes}:\n    {type(error).__name__}: {error}")
    return failures


def nvvm_installed() -> bool:
    from numba.cuda.cudadrv import nvvm

    try:
        nvvm.NVVM()
    except Exception:  # noqa: BLE001  (numba-cuda raises several kinds when NVVM is missing)
        return False
    return True


def main(path: str) -> int:
    if os.environ.get("NUMBA_ENABLE_CUDASIM") == "1":
        raise SystemExit("run with NUMBA_ENABLE_CUDASIM=0: the simulator has no compiler")
    if not nvvm_installed():
        print("NVVM (the CUDA compiler) is not installed: pip install 'numba-cuda[cu13]'")
        return NO_COMPILER
    with open(path, "rb") as file:
        launches = pickle.load(file)
    failures = compile_all(launches)
    print(f"{len(launches) - len(failures)} of {len(launches)} kernel launches compile for "
          f"sm_{ARCHITECTURE[0]}{ARCHITECTURE[1]}")
    print("\n".join(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
