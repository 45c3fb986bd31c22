"""Where the user dragged the nodes of the flow graph, saved in the project.

A small JSON file beside ``stephost.toml`` (``stephost.workbench.json``), meant to be
committed with the project: ``{"flows": {"orders": {"CreateOrder": {"x": 0, "y": 40}}}}``.
Nodes without a saved position are placed by the layout library.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import orjson

from ..errors import ProjectError

LAYOUT_FILE = "stephost.workbench.json"


class LayoutFile:
    def __init__(self, project: Path) -> None:
        self.path = project / LAYOUT_FILE

    def read(self) -> dict[str, Any]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {"flows": {}}
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise ProjectError(
                f"{self.path} is not valid JSON ({exc}); fix it, or delete it to lay the "
                "graph out afresh"
            ) from None
        if not isinstance(data, dict) or not isinstance(data.get("flows", {}), dict):
            raise ProjectError(f'{self.path} should hold {{"flows": {{...}}}}')
        return {"flows": data.get("flows", {})}

    def write(self, layout: dict[str, Any]) -> None:
        """Replace the file at once (a reader never sees half of it)."""
        content = orjson.dumps(layout, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"
        fd, tmp = tempfile.mkstemp(prefix=".workbench-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(content)
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
