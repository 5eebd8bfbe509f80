"""Model architectures, as ``torchvision.models``: ``vgg11`` ... ``vgg19_bn`` (torchvision's exact
VGG, randomly initialised: no pretrained weights offline) and small CNNs for 28x28 / 32x32 images:
``LeNet5``, ``SmallVGG`` and ``SmallMobileNet``."""
from .lenet import LeNet5
from .mobilenet import SmallMobileNet
from .vgg import VGG, SmallVGG, vgg11, vgg11_bn, vgg13, vgg13_bn, vgg16, vgg16_bn, vgg19, vgg19_bn

__all__ = ["LeNet5", "SmallMobileNet", "SmallVGG", "VGG", "vgg11", "vgg11_bn", "vgg13", "vgg13_bn", "vgg16",
           "vgg16_bn", "vgg19", "vgg19_bn"]
