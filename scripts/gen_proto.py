"""Generate the contract's stubs from proto/ (the only way they are made).

python scripts/gen_proto.py          regenerate every checked-in stub
python scripts/gen_proto.py --check  exit 1 when a checked-in stub is stale
"""

from __future__ import annotations

import argparse
import filecmp
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


def stale_files(fresh: Path, current: Path) -> list[str]:
    names = {p.name for p in fresh.iterdir()} | {
        p.name for p in current.iterdir() if p.suffix in {".py", ".pyi"}
    }
    return sorted(
        n
        for n in names
        if not (fresh / n).exists()
        or not (current / n).exists()
        or not filecmp.cmp(fresh / n, current / n, shallow=False)
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
        return
    with tempfile.TemporaryDirectory() as tmp:
        generate_python(Path(tmp))
        stale = stale_files(Path(tmp) / "stephost" / "v1", GENERATED)
    if stale:
        sys.exit(f"stale generated stubs in {GENERATED}: {', '.join(stale)}; run `make proto`")
    print("generated stubs are up to date")


if __name__ == "__main__":
    main()
