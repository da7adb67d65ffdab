"""Build the wheel and sdist, install the wheel into a fresh venv outside the checkout, and compare
its PDFs with the checkout's.

The fresh venv gets the wheel alone (`--no-deps`); its dependencies come from this test run's
site-packages through a `.pth` line, so nothing is downloaded. A plain path line in a `.pth`
adds that folder without running the `.pth` files in it, so the editable install of the checkout
stays out of the fresh venv.
"""

from __future__ import annotations

import os
import site
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest

from briefing import fontbuild

ROOT = Path(__file__).resolve().parent.parent
DATASET = ROOT / "data" / "liujiang-2024.yaml"

pytestmark = pytest.mark.slow


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"{args}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def _clean_env() -> dict[str, str]:
    env = dict(os.environ)
    for name in ("BRIEFING_FONTS_DIR", "PYTHONPATH", "PYTHONHOME", "PYTHONSAFEPATH"):
        env.pop(name, None)
    return env


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    _run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-t", "sdist", "-d", str(out)],
        cwd=ROOT,
    )
    return out


@pytest.fixture(scope="module")
def venv(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("venv")
    env_dir = home / "env"
    _run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], cwd=home)
    python = env_dir / "bin" / "python"
    purelib = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"], home
        ).strip()
    )
    ours = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib"), *site.getsitepackages()}
    (purelib / "zz_test_dependencies.pth").write_text(
        "".join(f"{p}\n" for p in sorted(ours) if Path(p).is_dir()), encoding="utf-8"
    )
    (wheel,) = dist.glob("*.whl")
    _run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
         "--no-index", str(wheel)],
        cwd=home,
    )  # fmt: skip
    return env_dir


def test_wheel_carries_the_fonts_and_package_data(dist: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for spec in fontbuild.FACES:
        assert f"briefing/fontfiles/{spec.output}" in names
    for extra in ("manifest.json", fontbuild.LICENCE_NOTO, fontbuild.LICENCE_LXGW):
        assert f"briefing/fontfiles/{extra}" in names
    assert "briefing/render/sRGB.icc" in names
    assert "briefing/templates/starter.yaml" in names
    assert "briefing/catalogue.yaml" in names
    assert "briefing/locale/zh/LC_MESSAGES/briefing.mo" in names
    assert not [n for n in names if n.startswith("fonts/") or "__pycache__" in n]


def test_sdist_carries_the_fonts_folder(dist: Path) -> None:
    (sdist,) = dist.glob("*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    for spec in fontbuild.FACES:
        assert f"fonts/{spec.output}" in names
    assert {"fonts/manifest.json", "hatch_build.py", "pyproject.toml"} <= names


def test_installed_wheel_finds_its_own_fonts(venv: Path, tmp_path: Path) -> None:
    probe = "import briefing.fonts as f; print(f.__file__); print(f.fonts_dir())"
    out = _run([str(venv / "bin" / "python"), "-c", probe], cwd=tmp_path, env=_clean_env())
    module, folder = out.splitlines()
    assert Path(module).is_relative_to(venv), module
    assert Path(folder).is_relative_to(venv), folder
    assert Path(folder).name == "fontfiles", folder
    assert fontbuild.check_manifest(Path(folder)) == []


def test_installed_wheel_speaks_chinese_under_a_chinese_locale(venv: Path, tmp_path: Path) -> None:
    briefing = str(venv / "bin" / "briefing")
    env = {k: v for k, v in _clean_env().items() if k not in ("LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    chinese = _run([briefing, "check", str(DATASET)], tmp_path, {**env, "LANG": "zh_CN.UTF-8"})
    english = _run([briefing, "check", str(DATASET)], tmp_path, {**env, "LANG": "C.UTF-8"})
    assert "：有效 — " in chinese
    assert ": valid — " in english


def test_installed_wheel_builds_the_same_bytes(venv: Path, tmp_path: Path) -> None:
    theirs = tmp_path / "wheel-out"
    ours = tmp_path / "checkout-out"
    env = _clean_env()
    _run([str(venv / "bin" / "briefing"), "build", str(DATASET), "-o", str(theirs)], tmp_path, env)
    checkout_cli = Path(sys.executable).parent / "briefing"
    _run([str(checkout_cli), "build", str(DATASET), "-o", str(ours)], ROOT, env)
    built = sorted(p.name for p in theirs.glob("*.pdf"))
    assert built == ["liujiang-2024-briefing.pdf", "liujiang-2024-report.pdf"]
    assert built == sorted(p.name for p in ours.glob("*.pdf"))
    for name in built:
        assert (theirs / name).read_bytes() == (ours / name).read_bytes(), name
