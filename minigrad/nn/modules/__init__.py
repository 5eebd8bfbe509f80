"""The layers of ``minigrad.nn``, one module file per family.

To add a family, add one import line below: every Module subclass imported here is exported
(through ``__all__``) to ``minigrad.nn``.
"""
from .module import Module
from .activation import ELU, GELU, LeakyReLU, LogSoftmax, ReLU, Sigmoid, SiLU, Softmax, Tanh
from .container import ModuleDict, ModuleList, Sequential
from .dropout import Dropout
from .flatten import Flatten, Unflatten
from .linear import Identity, Linear

__all__ = sorted(name for name, value in dict(globals()).items()
                 if isinstance(value, type) and issubclass(value, Module) and not name.startswith("_"))
