"""Run a minigrad script under PyTorch by swapping its imports.

minigrad's examples are PyTorch code whose imports name minigrad (``import minigrad as torch``,
``from minigrad.utils.data import DataLoader``, ``from minigrad.vision import datasets``). Inside
:func:`imports_as` with ``"torch"``, those module names resolve to PyTorch's modules, so the very
same file runs under PyTorch. torchvision is not a dependency: ``minigrad.vision`` becomes
``torchvision_standin`` (MNIST, ToTensor, Normalize), which does per sample what torchvision does,
minus torchvision's PIL conversion.

The benchmark uses this twice: to build the CNN example's model for both frameworks
(:func:`load_example`), and to run the example's training for one epoch in a child process::

    python -m benchmarks.swap --framework torch --threads 2 examples/mnist_cnn.py --epochs 1
"""
from __future__ import annotations

import argparse
import functools
import os
import runpy
import sys
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

from .frameworks import NAMES, load, set_threads

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def torch_modules() -> dict[str, ModuleType]:
    """The module each ``minigrad`` name the examples import stands for under PyTorch."""
    import torch
    import torch.nn.functional
    import torch.optim.lr_scheduler
    import torch.utils.data

    import minigrad.utils.plots  # History: per-epoch numbers, no tensors; the same under either framework

    from . import torchvision_standin

    return {"minigrad": torch, "minigrad.nn": torch.nn, "minigrad.nn.functional": torch.nn.functional,
            "minigrad.optim": torch.optim, "minigrad.optim.lr_scheduler": torch.optim.lr_scheduler,
            "minigrad.utils": torch.utils, "minigrad.utils.data": torch.utils.data,
            "minigrad.utils.plots": minigrad.utils.plots, "minigrad.vision": torchvision_standin}


def _from_folder(module: ModuleType | None, folder: Path) -> bool:
    path = getattr(module, "__file__", None)
    return path is not None and Path(path).resolve().parent == folder.resolve()


@contextmanager
def imports_as(framework: str, folder: Path = EXAMPLES):
    """Inside, ``import minigrad...`` gives ``framework``'s modules and ``folder``'s modules are
    importable; modules from ``folder`` (the examples' shared ``mnist_training``) are imported
    afresh inside and forgotten after, so each binds the framework it was imported under."""
    swapped = torch_modules() if framework == "torch" else {}
    saved = {name: module for name, module in sys.modules.items()
             if name in swapped or _from_folder(module, folder)}
    for name in saved:
        del sys.modules[name]
    sys.modules.update(swapped)
    sys.path.insert(0, str(folder))
    try:
        yield
    finally:
        sys.path.remove(str(folder))
        for name in [name for name, module in sys.modules.items()
                     if name in swapped or _from_folder(module, folder)]:
            del sys.modules[name]
        sys.modules.update(saved)


@functools.lru_cache(maxsize=None)
def load_example(filename: str, framework: str) -> dict:
    """The globals of ``examples/filename`` (not run as ``__main__``) imported under ``framework``."""
    with imports_as(framework):
        return runpy.run_path(str(EXAMPLES / filename))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run a minigrad script under minigrad or PyTorch.")
    parser.add_argument("--framework", choices=NAMES, required=True)
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("script", help="the script, e.g. examples/mnist_cnn.py")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="the script's own arguments")
    args = parser.parse_args(argv)
    frameworks = load([args.framework])
    if not frameworks:
        sys.exit(f"{args.framework} is not installed")
    set_threads(frameworks, args.threads)
    script = Path(args.script).resolve()
    sys.argv = [os.fspath(script), *args.args]
    with imports_as(args.framework, script.parent):
        runpy.run_path(os.fspath(script), run_name="__main__")


if __name__ == "__main__":
    main()
