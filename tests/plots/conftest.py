"""Helpers for the picture tests: read a written PNG back."""
import pytest
from matplotlib import image


@pytest.fixture
def png_size():
    """``png_size(path)``: (height, width) in pixels of a PNG file, checking it is not empty."""
    def size(path) -> tuple:
        pixels = image.imread(path)
        assert pixels.size and pixels.std() > 0, f"{path} is blank"
        return pixels.shape[:2]
    return size
