"""The README's promises that can drift from the code."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from stephost_host.settings import RuntimeSettings, Settings

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def _settings_block() -> str:
    section = README.split("## Settings", 1)[1]
    return section.split("```toml", 1)[1].split("```", 1)[0]


def test_the_settings_block_shows_every_setting_with_its_default() -> None:
    shown = tomllib.loads(_settings_block())
    runtimes = shown.pop("runtimes")
    defaults = Settings().model_dump(mode="json", exclude={"runtimes"})
    assert set(shown) == set(defaults), "README settings block and Settings differ"
    for key, value in shown.items():
        assert value == defaults[key], (
            f"README shows {key} = {value!r}; the default is {defaults[key]!r}"
        )
    for language, values in runtimes.items():
        assert values == RuntimeSettings().model_dump(), f"[runtimes.{language}] is not the default"


def test_shell_commands_work_on_any_system() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
    assert blocks
    macos_only = [
        line for block in blocks for line in block.splitlines() if line.startswith("open ")
    ]
    assert macos_only == []
