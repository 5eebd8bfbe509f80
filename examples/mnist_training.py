"""The training loop the MNIST examples share: flags, data, progress bar, curves and checkpoints.

Written as a PyTorch user would write it; only the imports name minigrad. With PyTorch these
lines read ``import torch``, ``from torchvision import datasets, transforms``.

The flags are those of pytorch/examples' ``mnist/main.py`` (``--batch-size``, ``--test-batch-size``,
``--epochs``, ``--lr``, ``--gamma``, ``--no-accel``, ``--dry-run``, ``--seed``, ``--log-interval``,
``--save-model``) plus ``--momentum``, ``--data-root``, ``--out``, ``--train-limit``,
``--checkpoint`` and ``--resume``. Outputs, each named on the console when written:

- ``<out>/<name>_checkpoint.pt`` (or ``--checkpoint PATH``), rewritten after every epoch: model,
  optimizer, scheduler, the epoch, the curves so far and every random state the run draws from,
  so ``--resume PATH`` continues exactly where it stopped (the same numbers as an uninterrupted
  run, bit for bit at a fixed thread count);
- ``<out>/<name>.pt``, the model's state dict, with ``--save-model``;
- ``<out>/<name>_curves.png``, the loss and accuracy curves, rewritten after every epoch (open it
  in an image viewer that reloads to watch training); needs matplotlib, without which the
  examples train all the same and say how to get it.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import time

import minigrad as torch
import minigrad.nn.functional as F
from minigrad.utils.data import DataLoader, Subset
from minigrad.utils.plots import History, plot_history
from minigrad.vision import datasets, transforms


def parse_args(description: str, epochs: int, lr: float | None, gamma: float, argv=None,
               extra=None) -> argparse.Namespace:
    """The examples' common flags, with the script's default ``epochs``, ``lr`` and ``gamma``;
    ``extra(parser)`` may add a script's own."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--batch-size", type=int, default=64, metavar="N",
                        help="input batch size for training (default: 64)")
    parser.add_argument("--test-batch-size", type=int, default=1000, metavar="N",
                        help="input batch size for testing (default: 1000)")
    parser.add_argument("--epochs", type=int, default=epochs, metavar="N",
                        help=f"number of epochs to train (default: {epochs})")
    parser.add_argument("--lr", type=float, default=lr, metavar="LR",
                        help=f"learning rate (default: {lr or 'per model'})")
    parser.add_argument("--gamma", type=float, default=gamma, metavar="M",
                        help=f"Learning rate step gamma: the lr is multiplied by it after each epoch "
                             f"(default: {gamma})")
    parser.add_argument("--momentum", type=float, default=0.9, metavar="M", help="SGD momentum (default: 0.9)")
    parser.add_argument("--no-accel", action="store_true",
                        help="disables the accelerator (trains on the CPU even where CUDA is available)")
    parser.add_argument("--dry-run", action="store_true",
                        help="quickly check a single pass: one training batch and one test batch per epoch")
    parser.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default: 1)")
    parser.add_argument("--log-interval", type=int, default=10, metavar="N",
                        help="how many batches to wait before logging training status")
    parser.add_argument("--save-model", action="store_true",
                        help="For Saving the current Model (its state dict, to <out>/<name>.pt)")
    parser.add_argument("--data-root", default=os.environ.get("MINIGRAD_MNIST", "./data"),
                        help="folder with the MNIST files (torchvision's layout or the four files directly); "
                             "they are downloaded there if missing")
    parser.add_argument("--out", default="./runs", help="folder for the checkpoint, the model and the curves PNG")
    parser.add_argument("--train-limit", type=int, default=None, metavar="N",
                        help="train on the first N images only (a quick smoke run)")
    parser.add_argument("--checkpoint", default=None, metavar="PATH",
                        help="where to write the checkpoint after each epoch (default: <out>/<name>_checkpoint.pt)")
    parser.add_argument("--resume", default=None, metavar="PATH",
                        help="continue the run saved in this checkpoint (same flags, --epochs counts from the start)")
    if extra is not None:
        extra(parser)
    return parser.parse_args(argv)


def mnist_loaders(args) -> tuple[DataLoader, DataLoader]:
    """The training loader (shuffled by its own generator, seeded with ``--seed``, so a checkpoint
    can save and restore the order) and the test loader. Exits with the dataset's message
    (which files, which folder, which mirrors) when the files are neither there nor downloadable,
    or naming the file when one is corrupt."""
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    try:
        train = datasets.MNIST(args.data_root, train=True, download=True, transform=transform)
        test = datasets.MNIST(args.data_root, train=False, download=True, transform=transform)
    except (RuntimeError, ValueError) as error:  # files missing / corrupt: the message names them and says what to do
        raise SystemExit(f"error: {error}") from None
    if args.train_limit:
        train = Subset(train, range(args.train_limit))
    shuffle_generator = torch.Generator().manual_seed(args.seed)
    return (DataLoader(train, batch_size=args.batch_size, shuffle=True, generator=shuffle_generator),
            DataLoader(test, batch_size=args.test_batch_size))


def _progress(epoch: int, step: int, steps: int, loss: float, images_per_s: float) -> None:
    width = 30
    done = int(width * step / steps)
    bar = "#" * done + "." * (width - done)
    sys.stdout.write(f"\repoch {epoch} [{bar}] {step}/{steps}  loss {loss:.4f}  {images_per_s:,.0f} img/s")
    sys.stdout.flush()


def train_epoch(model, device, loader, optimizer, epoch: int, args) -> float:
    """One pass over ``loader`` (one batch with ``--dry-run``); returns the mean training loss.
    The progress bar is refreshed every ``--log-interval`` batches and at the end."""
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
        if step % args.log_interval == 0 or step == len(loader) or args.dry_run:
            _progress(epoch, step, len(loader), total / seen, seen / (time.perf_counter() - start))
        if args.dry_run:
            break
    print()
    return total / seen


@torch.no_grad()
def evaluate(model, device, loader, dry_run: bool = False) -> tuple[float, float]:
    """(mean loss, accuracy in %) over ``loader`` (over its first batch with ``dry_run``)."""
    model.eval()
    loss, correct, seen = 0.0, 0, 0
    for data, target in loader:
        data, target = data.to(device), target.to(device)
        output = model(data)
        loss += F.cross_entropy(output, target, reduction="sum").item()
        correct += (output.argmax(dim=1) == target).sum().item()
        seen += len(data)
        if dry_run:
            break
    return loss / seen, 100.0 * correct / seen


def save_curves(history: History, path: str) -> bool:
    """The loss and accuracy curves of ``history`` as a PNG; False when matplotlib is missing."""
    try:
        plot_history(history, path)
    except ModuleNotFoundError:
        return False
    return True


def save_checkpoint(path: str, epoch: int, model, optimizer, scheduler, shuffle_generator, history: History) -> None:
    """Everything a run needs to continue exactly after ``epoch``: the weights, the optimizer's
    buffers, the scheduler, the curves, and the random states it draws from (the global
    generator: initialization, dropout; the training loader's generator: the shuffle order;
    Python's ``random``, for transforms that use it)."""
    torch.save({"epoch": epoch, "model": model.state_dict(), "optimizer": optimizer.state_dict(),
                "scheduler": scheduler.state_dict(), "history": history.state_dict(),
                "rng": {"global": torch.get_rng_state(), "shuffle": shuffle_generator.get_state(),
                        "python": random.getstate()}}, path)


def load_checkpoint(path: str, model, optimizer, scheduler, shuffle_generator, history: History) -> int:
    """Restore what :func:`save_checkpoint` saved; returns the epoch it was saved after."""
    checkpoint = torch.load(path)
    model.load_state_dict(checkpoint["model"])
    optimizer.load_state_dict(checkpoint["optimizer"])
    scheduler.load_state_dict(checkpoint["scheduler"])
    rng = checkpoint["rng"]
    torch.set_rng_state(rng["global"])
    shuffle_generator.set_state(rng["shuffle"])
    random.setstate(rng["python"])
    history.load_state_dict(checkpoint["history"])
    return checkpoint["epoch"]


def fit(model, optimizer, scheduler, args, name: str) -> History:
    """Train for ``args.epochs`` (from ``--resume``'s epoch on), testing after each; write the
    checkpoint and the curves after each epoch and the model at the end with ``--save-model``."""
    use_accel = not args.no_accel and torch.accelerator.is_available()
    device = torch.accelerator.current_accelerator() if use_accel else torch.device("cpu")
    model = model.to(device)
    train_loader, test_loader = mnist_loaders(args)
    os.makedirs(args.out, exist_ok=True)
    checkpoint_path = args.checkpoint or os.path.join(args.out, f"{name}_checkpoint.pt")
    curves_path = os.path.join(args.out, f"{name}_curves.png")
    history = History()
    done = 0
    if args.resume:
        done = load_checkpoint(args.resume, model, optimizer, scheduler, train_loader.generator, history)
        print(f"resumed from {args.resume} after epoch {done}")
    for epoch in range(done + 1, args.epochs + 1):
        train_loss = train_epoch(model, device, train_loader, optimizer, epoch, args)
        test_loss, accuracy = evaluate(model, device, test_loader, args.dry_run)
        history.record(epoch, train_loss=train_loss, test_loss=test_loss, test_accuracy=accuracy)
        lr = scheduler.get_last_lr()[0]
        print(f"epoch {epoch}: test loss {test_loss:.4f}, test accuracy {accuracy:.2f}%, lr {lr:.4g}")
        scheduler.step()
        save_checkpoint(checkpoint_path, epoch, model, optimizer, scheduler, train_loader.generator, history)
        print(f"wrote checkpoint {checkpoint_path} (continue with --resume {checkpoint_path})")
        if save_curves(history, curves_path):
            print(f"wrote curves {curves_path}")
        else:
            print(f"matplotlib is not installed: no curves PNG (pip install matplotlib to get {curves_path})")
    if args.save_model:
        model_path = os.path.join(args.out, f"{name}.pt")
        torch.save(model.state_dict(), model_path)
        print(f"wrote model state dict {model_path}")
    return history
