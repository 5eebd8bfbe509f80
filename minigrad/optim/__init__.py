"""Optimizers and learning-rate schedulers, as ``torch.optim``.

Each algorithm lives in its own module and follows PyTorch's documented update rule step for
step (see the class docstrings); ``lr_scheduler`` holds the schedulers.
"""
from . import lr_scheduler
from .adadelta import Adadelta
from .adam import Adam
from .adamw import AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Adadelta", "Adam", "AdamW", "Optimizer", "RMSprop", "SGD", "lr_scheduler"]
