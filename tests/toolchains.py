"""Which language runtimes this machine can run, and why not when it cannot."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@cache
def missing_toolchain(language: str) -> str | None:
    """None when ``language``'s runtime can start here, else the reason it cannot."""
    if language == "python":
        return None
    if language == "node":
        if shutil.which("node") is None:
            return "node is not on PATH"
        if not (ROOT / "bridges" / "node" / "node_modules").is_dir():
            return "bridges/node has no node_modules (run `make install`)"
        return None
    if language == "ruby":
        if shutil.which("ruby") is None:
            return "ruby is not installed (apt-get install ruby ruby-grpc ruby-google-protobuf)"
        probe = subprocess.run(
            ["ruby", "-e", 'require "grpc"; require "google/protobuf"'],
            capture_output=True,
            check=False,
        )
        if probe.returncode != 0:
            return "Debian's ruby-grpc / ruby-google-protobuf are not installed"
        return None
    return f"unknown language {language}"
