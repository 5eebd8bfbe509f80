"""The layers of ``minigrad.nn``, one module file per family.

To add a family, add one import line below: every Module subclass imported here is exported
(through ``__all__``) to ``minigrad.nn``.
"""
from .module import Module
from .activation import (CELU, ELU, GELU, GLU, LeakyReLU, LogSoftmax, ReLU, SELU, Sigmoid, SiLU, Softmax, Softmin,
                         Softsign, Tanh)
from .attention import MultiheadAttention
from .container import ModuleDict, ModuleList, Sequential
from .conv import Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d
from .batchnorm import BatchNorm1d, BatchNorm2d, BatchNorm3d
from .distance import CosineSimilarity, PairwiseDistance
from .dropout import Dropout, Dropout2d
from .embedding import Embedding
from .flatten import Flatten, Unflatten
from .fold import Fold, Unfold
from .hard_activations import Hardsigmoid, Hardswish, Hardtanh, ReLU6, Threshold
from .instancenorm import InstanceNorm1d, InstanceNorm2d, InstanceNorm3d
from .linear import Identity, Linear
from .likelihood_loss import GaussianNLLLoss, KLDivLoss, PoissonNLLLoss
from .loss import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HuberLoss, L1Loss, MSELoss, NLLLoss, SmoothL1Loss
from .margin_loss import (CosineEmbeddingLoss, HingeEmbeddingLoss, MarginRankingLoss, SoftMarginLoss,
                          TripletMarginLoss)
from .normalization import GroupNorm, LayerNorm, RMSNorm
from .parameter_containers import ParameterDict, ParameterList
from .pixelshuffle import PixelShuffle, PixelUnshuffle
from .padding import (CircularPad1d, CircularPad2d, CircularPad3d, ConstantPad1d, ConstantPad2d, ConstantPad3d,
                      ReflectionPad1d, ReflectionPad2d, ReflectionPad3d, ReplicationPad1d, ReplicationPad2d,
                      ReplicationPad3d, ZeroPad1d, ZeroPad2d, ZeroPad3d)
from .prelu import PReLU
from .rnn import GRU, LSTM, RNN, RNNBase
from .rnn_cell import GRUCell, LSTMCell, RNNCell, RNNCellBase
from .pooling import (AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool1d, AdaptiveMaxPool2d, AvgPool1d,
                      AvgPool2d, MaxPool1d, MaxPool2d, MaxUnpool1d, MaxUnpool2d)
from .shrink import Hardshrink, Softshrink, Tanhshrink
from .softplus import LogSigmoid, Mish, Softplus
from .transformer import (Transformer, TransformerDecoder, TransformerDecoderLayer, TransformerEncoder,
                          TransformerEncoderLayer)
from .upsampling import Upsample, UpsamplingBilinear2d, UpsamplingNearest2d

__all__ = sorted(name for name, value in dict(globals()).items()
                 if isinstance(value, type) and issubclass(value, Module) and not name.startswith("_"))
