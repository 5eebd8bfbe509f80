"""Tour 5: train a tiny CNN for a few hundred steps, then look inside: filters, feature maps, curves.

Run: python examples/tour/05_train_and_look.py [--out tour_out] [--data-root FOLDER] [--download]

Data: MNIST from ``--data-root`` (default ``$MINIGRAD_DATA/mnist`` when MINIGRAD_DATA is set, else
``./data``, where examples/mnist_cnn.py downloads it); ``--download`` fetches it if missing.
Without the files (offline) it says so and trains on synthetic seven-segment digits instead
(``_tour.synthetic_digits``), which a CNN learns just as well. 2,000 training images, batch 50:
40 steps per epoch, 8 epochs (320 steps), about ten seconds on a laptop; ``--quick`` trains 4 steps.

Pictures: the curves (``History``, rewritten after every epoch: open the PNG in an image viewer
that reloads changed files to watch training live), a grid of training images (``save_image``),
the first layer's filters (``plot_filters``) and one test image through every layer
(``plot_feature_maps``). Read alongside:

- minigrad/vision/datasets/mnist.py: ``MNIST`` (where it looks for the files, the offline message)
- minigrad/utils/data/dataloader.py: ``DataLoader``; minigrad/optim/sgd.py: ``SGD``
- minigrad/utils/plots/history.py: ``History``, ``plot_history``
- minigrad/utils/plots/filters.py: ``plot_filters``; minigrad/utils/plots/feature_maps.py: ``plot_feature_maps``
- minigrad/vision/utils.py: ``make_grid``, ``save_image``
"""
import os
import time

import minigrad as torch
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.utils.data import DataLoader, TensorDataset
from minigrad.utils.plots import History, plot_feature_maps, plot_filters
from minigrad.vision import datasets
from minigrad.vision.utils import save_image

from _tour import can_draw, draw, heading, parse_args, synthetic_digits

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081


def flags(parser) -> None:
    data = os.environ.get("MINIGRAD_DATA")
    parser.add_argument("--data-root", default=os.path.join(data, "mnist") if data else "./data",
                        help="folder holding MNIST's files ($MINIGRAD_DATA/mnist if set, else ./data)")
    parser.add_argument("--download", action="store_true", help="download MNIST into --data-root if missing")


class TinyCNN(nn.Module):
    """1x28x28 -conv 5x5, 8-> 8x28x28 -pool-> 8x14x14 -conv 5x5, 16-> 16x14x14 -pool-> 16x7x7 -> 10 logits."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(nn.Conv2d(1, 8, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2),
                                      nn.Conv2d(8, 16, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2))
        self.classifier = nn.Sequential(nn.Flatten(), nn.Linear(16 * 7 * 7, 10))

    def forward(self, x):
        return self.classifier(self.features(x))


def load_data(root: str, download: bool, train_count: int, test_count: int) -> tuple:
    """(train images, train labels, test images, test labels, source): MNIST's first images,
    scaled to [0, 1] and normalised as the MNIST examples do, or synthetic digits without the files."""
    try:
        train, test = (datasets.MNIST(root, train=split, download=download) for split in (True, False))
    except RuntimeError as error:
        print(f"MNIST is not available here: {str(error).splitlines()[0]}")
        print(f"  (looked in {os.path.abspath(root)}; set MINIGRAD_DATA to a folder holding mnist/, pass --data-root,")
        print("  or --download when online.) Training on synthetic seven-segment digits instead.")
        train_x, train_y = synthetic_digits(train_count, seed=0)
        test_x, test_y = synthetic_digits(test_count, seed=1)
        return (torch.tensor(train_x), torch.tensor(train_y), torch.tensor(test_x), torch.tensor(test_y),
                "synthetic digits")

    def images(dataset, count: int):
        pixels = dataset.data[:count].float().div(255).unsqueeze(1)  # uint8 (N, 28, 28) -> (N, 1, 28, 28)
        return (pixels - MNIST_MEAN) / MNIST_STD, dataset.targets[:count]

    return (*images(train, train_count), *images(test, test_count), f"MNIST from {root}")


def evaluate(model: nn.Module, images, labels) -> tuple[float, float]:
    """(mean cross-entropy, accuracy) on ``images``: the test loss beside the training loss shows
    when the model starts to memorise its 2,000 images (overfitting)."""
    model.eval()
    with torch.no_grad():
        logits = model(images)
        loss = F.cross_entropy(logits, labels).item()
        correct = (logits.argmax(dim=1) == labels).sum().item()
    model.train()
    return loss, correct / len(labels)


def main(argv=None) -> None:
    args = parse_args(__doc__.splitlines()[0], argv, extra=flags)
    train_count, test_count, epochs, batch_size = (64, 64, 2, 32) if args.quick else (2000, 1000, 8, 50)
    torch.manual_seed(0)

    heading("Data", "minigrad/vision/datasets/mnist.py: MNIST")
    train_x, train_y, test_x, test_y, source = load_data(args.data_root, args.download, train_count, test_count)
    print(f"{source}: {len(train_y)} training and {len(test_y)} test images of shape {tuple(train_x.shape[1:])}")
    draw(args.out, "05_samples.png",
         lambda path: save_image(train_x[:32], path, nrow=8, normalize=True, pad_value=1.0))

    heading("Training", "minigrad/utils/data/dataloader.py: DataLoader; minigrad/optim/sgd.py: SGD")
    model = TinyCNN()
    print(model)
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    loader = DataLoader(TensorDataset(train_x, train_y), batch_size=batch_size, shuffle=True)
    curves = os.path.join(args.out, "05_curves.png") if can_draw() else None
    if curves:
        os.makedirs(args.out, exist_ok=True)
        print(f"Curves are rewritten after every epoch into {curves}: open it in an image viewer that reloads")
        print("changed files (eog, feh --reload 1, macOS Preview, VS Code) to watch training live.")
    history = History(curves)
    start, steps = time.perf_counter(), 0
    for epoch in range(1, epochs + 1):
        total = 0.0
        for images, labels in loader:
            optimizer.zero_grad()
            loss = F.cross_entropy(model(images), labels)
            loss.backward()
            optimizer.step()
            total += loss.item() * len(labels)
            steps += 1
        train_loss = total / len(train_y)
        test_loss, test_accuracy = evaluate(model, test_x, test_y)
        history.record(epoch, train_loss=train_loss, test_loss=test_loss, test_accuracy=test_accuracy)
        print(f"epoch {epoch}: {steps:>3} steps, train loss {train_loss:.4f}, test loss {test_loss:.4f}, "
              f"test accuracy {test_accuracy:.1%}")
    print(f"{steps} steps in {time.perf_counter() - start:.1f} s")
    if curves:
        print(f"wrote {curves}")
    else:
        print("skipped 05_curves.png: matplotlib is not installed (pip install matplotlib, then run this script again)")

    heading("Looking inside", "minigrad/utils/plots/filters.py: plot_filters; feature_maps.py: plot_feature_maps")
    print("The first layer's 8 filters (5x5, red positive, blue negative), a few hundred steps from their random")
    print("start: look for oriented strokes. The feature maps show where each filter fires on one test image,")
    print("layer by layer: the ReLU keeps the positive responses, each max-pool halves the map.")
    draw(args.out, "05_filters.png", lambda path: plot_filters(model.features[0], path))
    model.eval()
    draw(args.out, "05_feature_maps.png", lambda path: plot_feature_maps(model, test_x[0], path))
    with torch.no_grad():
        predicted = model(test_x[:10]).argmax(dim=1)
    print(f"first 10 test labels  {test_y[:10].tolist()}")
    print(f"the model's guesses   {predicted.tolist()}")


if __name__ == "__main__":
    main()
