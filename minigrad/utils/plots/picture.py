"""``Picture``: a matplotlib figure drawn off-screen, written as a PNG and shown inline in notebooks."""
from __future__ import annotations

import io
import os


def new_figure(figsize: tuple, dpi: float):
    """A matplotlib ``Figure`` outside pyplot (no GUI, freed with its last reference); its PNG
    is ``figsize * dpi`` pixels."""
    try:
        from matplotlib.figure import Figure
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError("minigrad.utils.plots draws with matplotlib, which is not installed: "
                                  "pip install matplotlib (or pip install 'minigrad[plot]')") from error
    return Figure(figsize=figsize, dpi=dpi)


class Picture:
    """A drawn figure: ``figure`` (a matplotlib ``Figure``) and ``path``, the PNG it was last saved
    to (or None). In Jupyter it displays inline (``_repr_png_``)."""

    def __init__(self, figure, path: str | os.PathLike | None = None) -> None:
        self.figure = figure
        self.path = None
        if path is not None:
            self.save(path)

    def save(self, path: str | os.PathLike) -> str:
        """Write the PNG to ``path`` through a temporary file, so that an image viewer watching
        ``path`` never reads a half-written file; returns the path."""
        path = os.fspath(path)
        temporary = f"{path}.{os.getpid()}.tmp"
        self.figure.savefig(temporary, format="png", dpi=self.figure.dpi)
        os.replace(temporary, path)
        self.path = path
        return path

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=self.figure.dpi)
        return buffer.getvalue()
