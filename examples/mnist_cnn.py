"""An MNIST CNN: conv-ReLU-pool twice and a linear head, with optional BatchNorm and Dropout.

Run: python examples/mnist_cnn.py [--epochs 3] [--batch-norm] [--dropout 0.25] [--data-root ./data]
(``--help`` lists the flags: pytorch/examples' mnist flags and a few more, see mnist_training.py)

Target: at least 99.0% test accuracy. Writes runs/mnist_cnn_checkpoint.pt after each epoch,
runs/mnist_cnn_curves.png (with matplotlib) and, with --save-model, runs/mnist_cnn.pt.
"""
import minigrad as torch
import minigrad.nn as nn
import minigrad.optim as optim
from minigrad.optim.lr_scheduler import StepLR

from mnist_training import fit, parse_args


class CNN(nn.Module):
    """1x28x28 -> [conv 5x5 -> (BN) -> ReLU -> pool 2] x 2 -> (dropout) -> linear -> 10 logits.

    Shapes: 28x28 -conv(pad 2)-> 32x28x28 -pool-> 32x14x14 -conv(pad 2)-> 64x14x14 -pool-> 64x7x7.
    ``widths`` (the two convolutions' channels) and ``image_size`` make smaller copies of it (the
    CUDA tests train one on the simulator, which runs every GPU thread as a Python thread).
    """

    def __init__(self, batch_norm: bool = False, dropout: float = 0.0, widths: tuple = (32, 64),
                 image_size: int = 28):
        super().__init__()

        def block(in_channels: int, out_channels: int) -> list:
            norm = [nn.BatchNorm2d(out_channels)] if batch_norm else []
            return [nn.Conv2d(in_channels, out_channels, 5, padding=2, bias=not batch_norm), *norm,
                    nn.ReLU(inplace=True), nn.MaxPool2d(2)]

        self.features = nn.Sequential(*block(1, widths[0]), *block(widths[0], widths[1]))
        features = widths[1] * (image_size // 4) ** 2
        self.classifier = nn.Sequential(nn.Flatten(), nn.Dropout(dropout), nn.Linear(features, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


def main(argv=None) -> dict:
    args = parse_args(__doc__.splitlines()[0], epochs=3, lr=None, gamma=0.5, argv=argv, extra=_extra_flags)
    if args.lr is None:  # BatchNorm rescales the activations the head sees: 0.05 diverges with it
        args.lr = 0.01 if args.batch_norm else 0.05
    torch.manual_seed(args.seed)
    model = CNN(batch_norm=args.batch_norm, dropout=args.dropout)
    print(model)
    optimizer = optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
    scheduler = StepLR(optimizer, step_size=1, gamma=args.gamma)
    return fit(model, optimizer, scheduler, args, "mnist_cnn")


def _extra_flags(parser) -> None:
    parser.add_argument("--batch-norm", action="store_true", help="BatchNorm2d after each convolution")
    parser.add_argument("--dropout", type=float, default=0.0, help="dropout before the linear head")


if __name__ == "__main__":
    main()
