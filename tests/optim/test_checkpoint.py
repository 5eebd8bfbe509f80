"""End to end: train a small network, checkpoint model + optimizer + scheduler, resume identically."""
import numpy as np

import minigrad
from minigrad import nn, optim
from minigrad.optim import lr_scheduler


def make_training(seed=0):
    minigrad.manual_seed(seed)
    model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))
    optimizer = optim.AdamW(model.parameters(), lr=0.05)
    scheduler = lr_scheduler.StepLR(optimizer, step_size=3, gamma=0.5)
    return model, optimizer, scheduler


def train(model, optimizer, scheduler, batches):
    for x, y in batches:
        optimizer.zero_grad()
        ((model(x) - y) ** 2).mean().backward()
        optimizer.step()
        scheduler.step()


def test_checkpoint_resume_matches_uninterrupted_training(tmp_path):
    rng = np.random.default_rng(0)
    batches = [(minigrad.tensor(rng.standard_normal((6, 4)).astype(np.float32)),
                minigrad.tensor(rng.standard_normal((6, 3)).astype(np.float32))) for _ in range(10)]

    model, optimizer, scheduler = make_training()
    train(model, optimizer, scheduler, batches)

    first, first_optimizer, first_scheduler = make_training()
    train(first, first_optimizer, first_scheduler, batches[:4])
    minigrad.save({"model": first.state_dict(), "optimizer": first_optimizer.state_dict(),
                   "scheduler": first_scheduler.state_dict()}, tmp_path / "checkpoint.pt")

    checkpoint = minigrad.load(tmp_path / "checkpoint.pt")
    resumed, resumed_optimizer, resumed_scheduler = make_training(seed=1)  # different initial weights
    resumed.load_state_dict(checkpoint["model"])
    resumed_optimizer.load_state_dict(checkpoint["optimizer"])
    resumed_scheduler.load_state_dict(checkpoint["scheduler"])
    train(resumed, resumed_optimizer, resumed_scheduler, batches[4:])

    assert resumed_scheduler.get_last_lr() == scheduler.get_last_lr()
    for (name, expected), (_, actual) in zip(model.state_dict().items(), resumed.state_dict().items()):
        np.testing.assert_array_equal(actual.numpy(), expected.numpy(), err_msg=name)
