"""What `stephost new` writes, and where its requirements.txt gets stephost from."""

from __future__ import annotations

import json
import tomllib
from importlib.metadata import PathDistribution
from pathlib import Path

import pytest
import yaml

from stephost_host.scaffold import create_project, stephost_source


def _dist(tmp_path: Path, direct_url: dict[str, object] | None) -> PathDistribution:
    info = tmp_path / "stephost-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: stephost\nVersion: 0.1.0\n")
    if direct_url is not None:
        (info / "direct_url.json").write_text(json.dumps(direct_url))
    return PathDistribution(info)


def test_a_project_has_what_editors_and_ci_need(tmp_path: Path) -> None:
    files, _source = create_project(tmp_path / "My App")
    project = tmp_path / "My App"
    names = {p.relative_to(project).as_posix() for p in files}
    assert {"package.json", "tsconfig.json", "mypy.ini", "requirements.txt"} <= names
    package = json.loads((project / "package.json").read_text())
    assert package["name"] == "my-app"
    assert "zod" in package["dependencies"]
    assert package["devDependencies"]["stephost"] == "file:generated/ts/stephost"
    assert "typescript" in package["devDependencies"]
    assert "mypy_path = generated/python" in (project / "mypy.ini").read_text()
    requirements = (project / "requirements.txt").read_text().splitlines()
    assert {"pytest>=8", "mypy>=1.10"} <= set(requirements)
    workflow = yaml.safe_load((project / ".github/workflows/stephost.yml").read_text())
    runs = [step.get("run", "") for step in workflow["jobs"]["test"]["steps"]]
    assert "pip install -r requirements.txt" in runs
    assert "npm ci" in runs
    assert "stephost gen --check --strict" in runs
    assert runs[-1] == "stephost test"
    ruby = next(s for s in workflow["jobs"]["test"]["steps"] if "ruby-grpc" in s.get("run", ""))
    assert ruby["if"] == "hashFiles('steps/**/*_step.rb') != ''"
    readme = (project / "README.md").read_text()
    assert "](https://github.com/)" not in readme and "# My App" in readme
    assert tomllib.loads((project / "stephost.toml").read_text()) == {"port": 3111}


def test_stephost_comes_from_where_it_was_installed(tmp_path: Path) -> None:
    wheel = tmp_path / "dist" / "stephost-0.1.0-py3-none-any.whl"
    wheel.parent.mkdir()
    wheel.write_bytes(b"PK")
    local = stephost_source(_dist(tmp_path / "a", {"url": wheel.as_uri(), "archive_info": {}}))
    assert local.lines == ("./vendor/stephost-0.1.0-py3-none-any.whl",)
    assert local.wheel == wheel
    vcs = {"url": "https://example.org/stephost.git",
           "vcs_info": {"vcs": "git", "commit_id": "abc123"}}  # fmt: skip
    assert stephost_source(_dist(tmp_path / "b", vcs)).lines == (
        "stephost @ git+https://example.org/stephost.git@abc123",
    )
    assert stephost_source(_dist(tmp_path / "c", None)).lines == ("stephost==0.1.0",)
    editable = {"url": "file:///src/stephost", "dir_info": {"editable": True}}
    from_folder = stephost_source(_dist(tmp_path / "d", editable))
    assert from_folder.lines == ("stephost==0.1.0",)
    assert "/src/stephost" in from_folder.note
    gone = {"url": (tmp_path / "gone.whl").as_uri(), "archive_info": {}}
    assert "which is gone" in stephost_source(_dist(tmp_path / "e", gone)).note


def test_the_wheel_is_copied_into_vendor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import stephost_host.scaffold as scaffold

    wheel = tmp_path / "stephost-0.1.0-py3-none-any.whl"
    wheel.write_bytes(b"wheel bytes")
    dist = _dist(tmp_path / "x", {"url": wheel.as_uri(), "archive_info": {}})
    monkeypatch.setattr(scaffold, "stephost_source", lambda: stephost_source(dist))
    create_project(tmp_path / "app")
    assert (tmp_path / "app" / "vendor" / wheel.name).read_bytes() == b"wheel bytes"
    assert (
        "./vendor/stephost-0.1.0-py3-none-any.whl"
        in (tmp_path / "app" / "requirements.txt").read_text()
    )
