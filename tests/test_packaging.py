"""Packaging facts: every package is listed in pyproject.toml and import stays light."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_every_package_directory_is_listed_in_pyproject():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "minigrad").rglob("__init__.py")}
    found |= {"minigrad." + ".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "kernels").rglob("__init__.py")}
    assert found == listed


def test_no_top_level_kernels_module_is_installed():
    result = subprocess.run([sys.executable, "-c", "import kernels"], cwd="/", capture_output=True, text=True)
    assert result.returncode != 0 and "No module named 'kernels'" in result.stderr


def test_import_compiles_nothing_and_loads_no_numba():
    code = "import sys, minigrad; print('numba' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd="/", capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_kernels_import_nothing_of_minigrad():
    for path in (ROOT / "kernels").rglob("*.py"):
        text = path.read_text()
        assert "import minigrad" not in text and "from minigrad" not in text, path
        # A relative import may climb to kernels/ (installed as minigrad.kernels), never above it.
        depth = len(path.parent.relative_to(ROOT / "kernels").parts)
        for dots in re.findall(r"^\s*from (\.+)", text, re.M):
            assert len(dots) <= depth + 1, path
