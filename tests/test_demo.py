"""The README's demo (examples/numba_lecture.py) runs end to end at the
quick sizes, prints its speed-ups, and writes its plot only where it is told."""

import os
import subprocess
import sys

import pytest

DEMO = os.path.join(os.path.dirname(__file__), os.pardir, "examples", "numba_lecture.py")


def run_demo(cwd, *args):
    r = subprocess.run(
        [sys.executable, os.path.abspath(DEMO), "--quick", *args], cwd=cwd, capture_output=True, text=True
    )
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return r.stdout


def test_demo_runs_and_reports_speedups(tmp_path):
    pytest.importorskip("matplotlib")
    out_dir = tmp_path / "plots"
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    out = run_demo(cwd, "--out", str(out_dir))
    assert "all sections ran" in out
    assert "compiled trajectory equals the Python one: True" in out
    speedups = [line for line in out.splitlines() if line.startswith("speed-up: ")]
    # @vectorize lazy, eager, and the parallel target (which adds the cpu target).
    assert len(speedups) == 3, out
    assert all("over pure Python" in line and "over NumPy" in line for line in speedups)
    assert "over the cpu target" in speedups[-1]
    assert "threads on" in out
    assert (out_dir / "qm_trajectory.png").stat().st_size > 0
    assert list(cwd.iterdir()) == []  # nothing written where it ran


def test_demo_plot_defaults_to_a_temporary_directory(tmp_path):
    pytest.importorskip("matplotlib")
    out = run_demo(tmp_path)
    (saved,) = [line for line in out.splitlines() if line.startswith("saved the trajectory")]
    path = saved.rsplit(" to ", 1)[1]
    assert os.path.isfile(path) and not path.startswith(str(tmp_path))
    assert list(tmp_path.iterdir()) == []
    os.remove(path)
    os.rmdir(os.path.dirname(path))
