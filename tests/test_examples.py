"""The examples run and print what they promise."""
import runpy
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_custom_function_example(capsys):
    runpy.run_path(str(EXAMPLES / "custom_function.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "gradcheck passed: True" in out
    learned = float(out.split("learned w = ")[1].split()[0])
    assert abs(learned - 2.0) < 1e-3
