"""The training loop the MNIST examples share: flags, data, progress bar, curves and checkpoint.

Written as a PyTorch user would write it; only the imports name minigrad. With PyTorch these
lines read ``import torch``, ``from torchvision import datasets, transforms``.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

import minigrad as torch
import minigrad.nn.functional as F
from minigrad.utils.data import DataLoader, Subset
from minigrad.vision import datasets, transforms


def parse_args(description: str, epochs: int, lr: float | None, argv=None, extra=None) -> argparse.Namespace:
    """The examples' common flags; ``extra(parser)`` may add a script's own."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--epochs", type=int, default=epochs)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=lr, help=f"learning rate (default: {lr or 'per model'})")
    parser.add_argument("--momentum", type=float, default=0.9)
    parser.add_argument("--data-root", default=os.environ.get("MINIGRAD_MNIST", "./data"),
                        help="folder with the MNIST files (torchvision's layout or the four files directly); "
                             "they are downloaded there if missing")
    parser.add_argument("--out", default="./runs", help="folder for the checkpoint and the curves PNG")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--train-limit", type=int, default=None,
                        help="train on the first N images only (a quick smoke run)")
    if extra is not None:
        extra(parser)
    return parser.parse_args(argv)


def mnist_loaders(args) -> tuple[DataLoader, DataLoader]:
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    train = datasets.MNIST(args.data_root, train=True, download=True, transform=transform)
    test = datasets.MNIST(args.data_root, train=False, download=True, transform=transform)
    if args.train_limit:
        train = Subset(train, range(args.train_limit))
    return (DataLoader(train, batch_size=args.batch_size, shuffle=True),
            DataLoader(test, batch_size=1000))


def _progress(epoch: int, step: int, steps: int, loss: float, images_per_s: float) -> None:
    width = 30
    done = int(width * step / steps)
    bar = "#" * done + "." * (width - done)
    sys.stdout.write(f"\repoch {epoch} [{bar}] {step}/{steps}  loss {loss:.4f}  {images_per_s:,.0f} img/s")
    sys.stdout.flush()


def train_epoch(model, device, loader, optimizer, epoch: int) -> float:
    """One pass over ``loader``; returns the mean training loss."""
    model.train()
    total, seen, start = 0.0, 0, time.perf_counter()
    for step, (data, target) in enumerate(loader, 1):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        loss = F.cross_entropy(model(data), target)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(data)
        seen += len(data)
        if step % 20 == 0 or step == len(loader):
            _progress(epoch, step, len(loader), total / seen, seen / (time.perf_counter() - start))
    print()
    return total / seen


@torch.no_grad()
def evaluate(model, device, loader) -> tuple[float, float]:
    """(mean loss, accuracy in %) over ``loader``."""
    model.eval()
    loss, correct = 0.0, 0
    for data, target in loader:
        data, target = data.to(device), target.to(device)
        output = model(data)
        loss += F.cross_entropy(output, target, reduction="sum").item()
        correct += (output.argmax(dim=1) == target).sum().item()
    return loss / len(loader.dataset), 100.0 * correct / len(loader.dataset)


def save_curves(history: dict, path: str) -> None:
    """Training/test loss and test accuracy per epoch, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = range(1, len(history["train_loss"]) + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot(epochs, history["train_loss"], "o-", label="train")
    left.plot(epochs, history["test_loss"], "o-", label="test")
    left.set(xlabel="epoch", ylabel="cross-entropy", title="loss")
    left.legend()
    right.plot(epochs, history["test_accuracy"], "o-", color="tab:green")
    right.set(xlabel="epoch", ylabel="%", title="test accuracy")
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def fit(model, optimizer, scheduler, args, name: str) -> dict:
    """Train for ``args.epochs``, testing after each; save curves and a checkpoint under ``args.out``."""
    device = torch.accelerator.current_accelerator() if torch.accelerator.is_available() else torch.device("cpu")
    model = model.to(device)
    train_loader, test_loader = mnist_loaders(args)
    os.makedirs(args.out, exist_ok=True)
    history = {"train_loss": [], "test_loss": [], "test_accuracy": []}
    for epoch in range(1, args.epochs + 1):
        history["train_loss"].append(train_epoch(model, device, train_loader, optimizer, epoch))
        test_loss, accuracy = evaluate(model, device, test_loader)
        history["test_loss"].append(test_loss)
        history["test_accuracy"].append(accuracy)
        print(f"epoch {epoch}: test loss {test_loss:.4f}, test accuracy {accuracy:.2f}%")
        scheduler.step()
        torch.save(model.state_dict(), os.path.join(args.out, f"{name}.pt"))
        save_curves(history, os.path.join(args.out, f"{name}_curves.png"))
    return history
