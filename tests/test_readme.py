"""The README's quick start, run as written in a fresh copy of the repository.

The first command creates a virtual environment, installs the project from the copy and runs the
demo; the second is the test command, which `.ci/run` must run too (running it here would run
this test inside itself).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def quick_start() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.S)]


def test_quick_start_is_two_commands_and_ci_runs_the_second():
    commands = quick_start()
    assert len(commands) == 2 and all("\n" not in c for c in commands)
    assert "ladder-sheets demo" in commands[0]
    test_command = commands[1].split("&&")[-1].strip()
    assert test_command in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def _fresh_copy(target: Path) -> Path:
    """The files a clone has: tracked ones when git can say, else the tree without caches."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
        ).stdout.split(b"\0")
    except (OSError, subprocess.CalledProcessError):
        listed = []
    if listed and listed != [b""]:
        for name in filter(None, listed):
            source = REPO / name.decode()
            if source.is_file():
                (target / name.decode()).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target / name.decode())
        return target
    ignore = shutil.ignore_patterns(".venv", ".git", "__pycache__", "*.egg-info", ".*_cache")
    shutil.copytree(REPO, target, ignore=ignore, dirs_exist_ok=True)
    return target


@pytest.mark.slow
def test_first_quick_start_command_works_in_a_fresh_environment(tmp_path):
    copy = _fresh_copy(tmp_path / "clone")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    done = subprocess.run(
        ["bash", "-c", quick_start()[0]],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    demo = copy / "ladder-demo"
    assert (demo / "acme_framework.xlsx").exists()
    assert (demo / "calibration.xlsx").exists()
    assert any((demo / "packs" / "managers").glob("*.xlsx"))
