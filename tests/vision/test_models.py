"""minigrad.vision.models: the small CNNs run and have the promised layout; VGG is torchvision's
(structure, repr, state_dict keys, parameter count, initialisation), checked against the same
network built from torch.nn with torchvision's own code."""
import math

import pytest

import minigrad
from minigrad import nn
from minigrad.vision import models
from minigrad.vision.models.vgg import cfgs, make_layers

VGG16_PARAMETERS = 138_357_544  # torchvision's documented count for vgg16


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


@pytest.fixture(scope="module")
def vgg16():
    minigrad.manual_seed(0)
    return models.vgg16()


def torch_vgg(torch, cfg: str, batch_norm: bool, num_classes: int = 1000):
    """torchvision's VGG (torchvision/models/vgg.py) written with torch.nn, on the meta device:
    structure and shapes only, no memory or initialisation."""
    tnn = torch.nn

    class VGG(tnn.Module):
        def __init__(self, features):
            super().__init__()
            self.features = features
            self.avgpool = tnn.AdaptiveAvgPool2d((7, 7))
            self.classifier = tnn.Sequential(
                tnn.Linear(512 * 7 * 7, 4096), tnn.ReLU(True), tnn.Dropout(p=0.5),
                tnn.Linear(4096, 4096), tnn.ReLU(True), tnn.Dropout(p=0.5),
                tnn.Linear(4096, num_classes))

    layers, in_channels = [], 3
    for v in cfgs[cfg]:
        if v == "M":
            layers += [tnn.MaxPool2d(kernel_size=2, stride=2)]
        else:
            conv2d = tnn.Conv2d(in_channels, v, kernel_size=3, padding=1)
            layers += [conv2d, tnn.BatchNorm2d(v), tnn.ReLU(inplace=True)] if batch_norm else \
                [conv2d, tnn.ReLU(inplace=True)]
            in_channels = v
    with torch.device("meta"):
        return VGG(tnn.Sequential(*layers))


def shapes(state_dict) -> dict:
    return {key: tuple(value.shape) for key, value in state_dict.items()}


# ---------------------------------------------------------------------------------------------
# The small networks


@pytest.mark.parametrize("build, in_channels, size", [
    (lambda: models.LeNet5(), 1, 28),
    (lambda: models.LeNet5(input_size=32, activation_layer=nn.ReLU), 1, 32),
    (lambda: models.LeNet5(num_classes=7, in_channels=3), 3, 28),
    (lambda: models.SmallVGG(), 1, 28),
    (lambda: models.SmallVGG(in_channels=3, num_classes=7), 3, 32),
    (lambda: models.SmallMobileNet(), 1, 28),
    (lambda: models.SmallMobileNet(in_channels=3, num_classes=7, width_mult=0.5), 3, 32),
])
def test_small_models_map_a_batch_to_logits_and_train(build, in_channels, size):
    minigrad.manual_seed(0)
    model = build()
    num_classes = model.classifier[-1].out_features
    x = minigrad.randn(2, in_channels, size, size)
    logits = model(x)
    assert logits.shape == (2, num_classes)
    assert logits.dtype == minigrad.float32
    logits.sum().backward()
    assert all(p.grad is not None and p.grad.abs().sum().item() > 0 for p in model.parameters())


@pytest.mark.parametrize("input_size", [28, 32])
def test_lenet5_has_the_classic_layout(input_size):
    model = models.LeNet5(input_size=input_size)
    convs = (6 * 1 * 25 + 6) + (16 * 6 * 25 + 16)
    assert parameter_count(model) == convs + (400 * 120 + 120) + (120 * 84 + 84) + (84 * 10 + 10) == 61_706
    assert [type(m).__name__ for m in model.features] == ["Conv2d", "Tanh", "AvgPool2d"] * 2
    assert model.features[0].padding == ((2, 2) if input_size == 28 else (0, 0))
    x = minigrad.randn(1, 1, input_size, input_size)
    assert model.features[:3](x).shape == (1, 6, 14, 14)  # C1 -> 28x28, S2 -> 14x14
    assert model.features(x).shape == (1, 16, 5, 5)


def test_lenet5_rejects_other_input_sizes():
    with pytest.raises(ValueError, match="input_size=30"):
        models.LeNet5(input_size=30)


def test_small_vgg_stacks_conv_bn_relu_and_halves_with_max_pool():
    model = models.SmallVGG()
    kinds = [type(m).__name__ for m in model.features]
    assert kinds == (["Conv2d", "BatchNorm2d", "ReLU"] * 2 + ["MaxPool2d"]) * 3
    convs = [m for m in model.features if isinstance(m, nn.Conv2d)]
    assert all(c.kernel_size == (3, 3) and c.padding == (1, 1) for c in convs)
    assert [c.out_channels for c in convs] == [32, 32, 64, 64, 128, 128]
    assert model.features(minigrad.randn(1, 1, 28, 28)).shape == (1, 128, 3, 3)
    assert model.features(minigrad.randn(1, 1, 32, 32)).shape == (1, 128, 4, 4)


def test_small_mobilenet_is_depthwise_separable():
    model = models.SmallMobileNet()
    blocks = list(model.features)[1:]
    assert len(blocks) == 5 and all(isinstance(b, models.mobilenet.DepthwiseSeparableConv) for b in blocks)
    for block in blocks:
        (depthwise, bn1, relu1), (pointwise, bn2, relu2) = block
        assert depthwise.groups == depthwise.in_channels == depthwise.out_channels
        assert depthwise.kernel_size == (3, 3) and pointwise.kernel_size == (1, 1)
        assert depthwise.bias is None and pointwise.bias is None
        assert isinstance(bn1, nn.BatchNorm2d) and isinstance(relu2, nn.ReLU)
    # stem 1 -> 32, then per block depthwise c * 9 + pointwise c * n, BatchNorm 2 per channel, head 256 -> 10
    expected, channels = 1 * 32 * 9 + 2 * 32, 32
    for out_channels in (64, 128, 128, 256, 256):
        expected += channels * 9 + 2 * channels + channels * out_channels + 2 * out_channels
        channels = out_channels
    assert parameter_count(model) == expected + 256 * 10 + 10
    assert model.features(minigrad.randn(1, 1, 28, 28)).shape == (1, 256, 7, 7)
    assert model.features(minigrad.randn(1, 1, 32, 32)).shape == (1, 256, 8, 8)


def test_small_mobilenet_width_multiplier_scales_channels():
    model = models.SmallMobileNet(width_mult=0.5)
    assert model.features[0][0].out_channels == 16
    assert model.classifier[-1].in_features == 128
    with pytest.raises(ValueError, match="width_mult"):
        models.SmallMobileNet(width_mult=0)


def test_small_models_use_torchvisions_initialisation():
    minigrad.manual_seed(0)
    model = models.SmallVGG()
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    assert all((bn.weight == 1).all().item() and (bn.bias == 0).all().item() for bn in bns)
    conv = model.features[17]  # 128 -> 128, 147,456 weights
    assert conv.weight.std().item() == pytest.approx(math.sqrt(2 / (128 * 9)), rel=0.02)
    assert (conv.bias == 0).all().item()
    linear = model.classifier[-1]
    assert linear.weight.std().item() == pytest.approx(0.01, rel=0.1)
    assert (linear.bias == 0).all().item()


# ---------------------------------------------------------------------------------------------
# VGG


def test_vgg16_has_torchvisions_parameter_count(vgg16):
    assert parameter_count(vgg16) == VGG16_PARAMETERS


def test_vgg16_has_torchvisions_repr_and_state_dict(vgg16):
    torch = pytest.importorskip("torch")
    reference = torch_vgg(torch, "D", batch_norm=False)
    assert repr(vgg16) == repr(reference)
    assert shapes(vgg16.state_dict()) == shapes(reference.state_dict())
    assert list(vgg16.state_dict()) == list(reference.state_dict())
    assert repr(vgg16.features[:5]) == repr(reference.features[:5])


@pytest.mark.parametrize("cfg", ["A", "B", "D", "E"])
@pytest.mark.parametrize("batch_norm", [False, True])
def test_make_layers_matches_torchvision(cfg, batch_norm):
    torch = pytest.importorskip("torch")
    features = make_layers(cfgs[cfg], batch_norm=batch_norm)
    reference = torch_vgg(torch, cfg, batch_norm).features
    assert repr(features) == repr(reference)
    assert shapes(features.state_dict()) == shapes(reference.state_dict())


def test_vgg16_layout(vgg16):
    kinds = [type(m).__name__ for m in vgg16.features]
    assert kinds.count("Conv2d") == 13 and kinds.count("MaxPool2d") == 5 and len(kinds) == 31
    assert all(m.inplace for m in vgg16.features if isinstance(m, nn.ReLU))
    assert vgg16.avgpool.output_size == (7, 7)
    assert [m.out_features for m in vgg16.classifier if isinstance(m, nn.Linear)] == [4096, 4096, 1000]
    assert [m.p for m in vgg16.classifier if isinstance(m, nn.Dropout)] == [0.5, 0.5]


def test_vgg16_features_slice_and_run(vgg16):
    head = vgg16.features[:5]
    assert isinstance(head, nn.Sequential) and len(head) == 5
    assert head[0] is vgg16.features[0] and vgg16.features[-1] is vgg16.features[30]
    assert list(head.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    x = minigrad.randn(1, 3, 32, 32)
    with minigrad.no_grad():
        assert head(x).shape == (1, 64, 16, 16)
        assert vgg16.features(x).shape == (1, 512, 1, 1)  # five halvings: 32 -> 1
        vgg16.eval()
        assert vgg16(x).shape == (1, 1000)  # the 1x1 map is spread over avgpool's 7x7 grid


def test_vgg16_initialisation_follows_torchvision(vgg16):
    # kaiming_normal_(mode="fan_out", nonlinearity="relu"): std = sqrt(2 / (out_channels * 3 * 3))
    for index in (0, 28):
        conv = vgg16.features[index]
        assert conv.weight.mean().item() == pytest.approx(0, abs=0.1 * math.sqrt(2 / (conv.out_channels * 9)))
        assert conv.weight.std().item() == pytest.approx(math.sqrt(2 / (conv.out_channels * 9)), rel=0.05)
        assert (conv.bias == 0).all().item()
    assert vgg16.classifier[6].weight.std().item() == pytest.approx(0.01, rel=0.02)
    assert all((m.bias == 0).all().item() for m in vgg16.classifier if isinstance(m, nn.Linear))


def test_vgg_builders_take_torchvisions_keywords():
    minigrad.manual_seed(0)
    model = models.vgg11_bn(num_classes=10, dropout=0.25, init_weights=False)
    assert model.classifier[-1].out_features == 10
    assert [m.p for m in model.classifier if isinstance(m, nn.Dropout)] == [0.25, 0.25]
    assert [type(m).__name__ for m in model.features[:4]] == ["Conv2d", "BatchNorm2d", "ReLU", "MaxPool2d"]
    # without init_weights the layers keep their own initialisation: Linear's bias is not zeroed
    assert model.classifier[-1].bias.abs().sum().item() > 0


@pytest.mark.parametrize("builder, convs, batch_norm", [
    (models.vgg11, 8, False), (models.vgg11_bn, 8, True), (models.vgg13, 10, False), (models.vgg13_bn, 10, True),
    (models.vgg16, 13, False), (models.vgg16_bn, 13, True), (models.vgg19, 16, False), (models.vgg19_bn, 16, True),
])
def test_vgg_builders_pick_their_configuration(monkeypatch, builder, convs, batch_norm):
    # Only the features are built (VGG's 120M-parameter classifier is skipped): cheap.
    monkeypatch.setattr(models.vgg, "VGG", lambda features, **kwargs: features)
    kinds = [type(m).__name__ for m in builder()]
    assert kinds.count("Conv2d") == convs and kinds.count("MaxPool2d") == 5
    assert kinds.count("BatchNorm2d") == (convs if batch_norm else 0)


@pytest.mark.parametrize("builder", [models.vgg11, models.vgg13_bn, models.vgg16, models.vgg19_bn])
def test_vgg_builders_refuse_pretrained_weights(builder):
    with pytest.raises(ValueError, match="pretrained weights are not available offline"):
        builder(weights="IMAGENET1K_V1")
