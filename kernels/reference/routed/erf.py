"""erf and erfc by :mod:`minigrad.kernels.reference.erf`, in the fast kernel's dtypes."""
from .. import erf as reference
from ._cast import like


def erf(x):
    return like(reference.erf(x), x)


def erfc(x):
    return like(reference.erfc(x), x)
