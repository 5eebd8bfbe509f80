"""``VisionDataset``: the base of the vision datasets (root folder, transforms, torchvision's repr)."""
from __future__ import annotations

import os
from typing import Callable

from ...utils.data import Dataset


def _indented_repr(transform, head: str) -> list:
    """``transform``'s repr lines, the first after ``head`` and the rest aligned under it."""
    lines = repr(transform).splitlines()
    return [f"{head}{lines[0]}"] + [" " * len(head) + line for line in lines[1:]]


class StandardTransform:
    """Applies ``transform`` to the input and ``target_transform`` to the target."""

    def __init__(self, transform: Callable | None = None, target_transform: Callable | None = None) -> None:
        self.transform = transform
        self.target_transform = target_transform

    def __call__(self, input, target):
        if self.transform is not None:
            input = self.transform(input)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return input, target

    def __repr__(self) -> str:
        body = [type(self).__name__]
        if self.transform is not None:
            body += _indented_repr(self.transform, "Transform: ")
        if self.target_transform is not None:
            body += _indented_repr(self.target_transform, "Target transform: ")
        return "\n".join(body)


class VisionDataset(Dataset):
    """A dataset stored under ``root``, with ``transforms(input, target)`` or the separate
    ``transform`` / ``target_transform`` (not both styles at once)."""

    _repr_indent = 4

    def __init__(self, root: str | os.PathLike | None = None, transforms: Callable | None = None,
                 transform: Callable | None = None, target_transform: Callable | None = None) -> None:
        self.root = os.path.expanduser(root) if isinstance(root, str) else root
        has_separate_transform = transform is not None or target_transform is not None
        if transforms is not None and has_separate_transform:
            raise ValueError("Only transforms or transform/target_transform can be passed as argument")
        self.transform = transform
        self.target_transform = target_transform
        if has_separate_transform:
            transforms = StandardTransform(transform, target_transform)
        self.transforms = transforms

    def __getitem__(self, index: int):
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def extra_repr(self) -> str:
        return ""

    def __repr__(self) -> str:
        body = [f"Number of datapoints: {len(self)}"]
        if self.root is not None:
            body.append(f"Root location: {self.root}")
        body += self.extra_repr().splitlines()
        if self.transforms is not None:
            # One entry, so only its first line is indented: torchvision's layout, kept as it is.
            body.append(repr(self.transforms))
        return "\n".join([f"Dataset {type(self).__name__}"] + [" " * self._repr_indent + line for line in body])


def verify_str_arg(value, arg: str | None = None, valid_values=None):
    """``value`` if it is a string among ``valid_values`` (torchvision's check and messages), else ValueError."""
    if not isinstance(value, str):
        name = "" if arg is None else f" for argument {arg}"
        raise ValueError(f"Expected type str{name}, but got type {type(value)}.")
    if valid_values is not None and value not in valid_values:
        listed = "'" + "', '".join(str(item) for item in valid_values) + "'"
        raise ValueError(f"Unknown value '{value}' for argument {arg}. Valid values are {{{listed}}}.")
    return value
