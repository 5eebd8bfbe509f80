"""The classic MNIST MLP: 784-300-200-10 with ReLU, cross-entropy and SGD with momentum.

Run: python examples/mnist_mlp.py [--epochs 5] [--data-root ./data] [--save-model] [--resume CHECKPOINT]
(``--help`` lists the flags: pytorch/examples' mnist flags and a few more, see mnist_training.py)

Target: at least 98% test accuracy after 5 epochs. Writes runs/mnist_mlp_checkpoint.pt after each
epoch, runs/mnist_mlp_curves.png (with matplotlib) and, with --save-model, runs/mnist_mlp.pt.
"""
import minigrad as torch
import minigrad.nn as nn
import minigrad.nn.functional as F
import minigrad.optim as optim
from minigrad.optim.lr_scheduler import StepLR

from mnist_training import fit, parse_args


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(28 * 28, 300)
        self.fc2 = nn.Linear(300, 200)
        self.fc3 = nn.Linear(200, 10)

    def forward(self, x):
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        return self.fc3(x)


def main(argv=None) -> dict:
    args = parse_args(__doc__.splitlines()[0], epochs=5, lr=0.05, gamma=0.7, argv=argv)
    torch.manual_seed(args.seed)
    model = MLP()
    print(model)
    optimizer = optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum)
    scheduler = StepLR(optimizer, step_size=1, gamma=args.gamma)
    return fit(model, optimizer, scheduler, args, "mnist_mlp")


if __name__ == "__main__":
    main()
