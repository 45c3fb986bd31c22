"""Generate the contract's stubs from proto/ (the only way they are made).

python scripts/gen_proto.py          regenerate every checked-in stub
python scripts/gen_proto.py --check  exit 1 when a checked-in stub is stale
"""

from __future__ import annotations

import argparse
import filecmp
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROTO_DIR = ROOT / "proto"
PYTHON_OUT = ROOT / "sdk_python"
GENERATED = PYTHON_OUT / "stephost" / "v1"


def proto_files() -> list[Path]:
    return sorted((PROTO_DIR / "stephost" / "v1").glob("*.proto"))


def generate_python(out: Path) -> None:
    from grpc_tools import protoc  # imported here: only this script needs it

    args = [
        "protoc",
        f"-I{PROTO_DIR}",
        f"-I{Path(protoc.__file__).parent / '_proto'}",
        f"--python_out={out}",
        f"--pyi_out={out}",
        f"--grpc_python_out={out}",
        *[str(p.relative_to(PROTO_DIR)) for p in proto_files()],
    ]
    if protoc.main(args) != 0:
        sys.exit("protoc failed")
    # stephost/v1 is a plain package so that `from stephost.v1 import ...` works.
    (out / "stephost" / "v1" / "__init__.py").write_text(
        '"""Generated from proto/stephost/v1 by scripts/gen_proto.py. Do not edit."""\n'
    )


# (name, generator, OUT_DIR it is run with, the checked-in folder inside OUT_DIR)
BRIDGES = [
    ("node", ROOT / "bridges/node/scripts/gen-proto", ROOT / "bridges/node/src/gen", "."),
    ("ruby", ROOT / "bridges/ruby/scripts/gen-proto", ROOT / "bridges/ruby/lib", "stephost/v1"),
]


def run_bridge(generator: Path, out: Path) -> None:
    result = subprocess.run([str(generator), str(out)], capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"{generator} failed: {result.stderr.strip()}")


def stale_files(fresh: Path, current: Path) -> list[str]:
    """Files that differ, or exist on one side only."""

    def files(folder: Path) -> set[str]:
        return {p.name for p in folder.iterdir() if p.is_file()} if folder.is_dir() else set()

    return sorted(
        name
        for name in files(fresh) | files(current)
        if not (fresh / name).exists()
        or not (current / name).exists()
        or not filecmp.cmp(fresh / name, current / name, shallow=False)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail when stubs are stale")
    check = parser.parse_args().check
    if not check:
        for old in GENERATED.glob("*_pb2*.py*"):
            old.unlink()
        generate_python(PYTHON_OUT)
        print(f"generated {len(list(GENERATED.glob('*.py*')))} files in {GENERATED}")
        for name, generator, out, _inner in BRIDGES:
            run_bridge(generator, out)
            print(f"generated the {name} runtime's stubs in {out}")
        return
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        generate_python(Path(tmp))
        stale = stale_files(Path(tmp) / "stephost" / "v1", GENERATED)
        if stale:
            problems.append(f"{GENERATED}: {', '.join(stale)}")
        for name, generator, out, inner in BRIDGES:
            fresh = Path(tmp) / name
            run_bridge(generator, fresh)
            stale = stale_files(fresh / inner, out / inner)
            if stale:
                problems.append(f"{out / inner}: {', '.join(stale)}")
    if problems:
        sys.exit("stale generated stubs (run `make proto`):\n  " + "\n  ".join(problems))
    print("generated stubs are up to date")


if __name__ == "__main__":
    main()
