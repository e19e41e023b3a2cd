"""The lock files agree with pyproject.toml: an edit of the dependencies without `make lock`
fails here, not in a Docker build months later."""

import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent


def read_lock(name):
    """{canonical name: (version, [hashes])} of requirements/<name>, as pip reads it."""
    text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
    entries = {}
    for logical in text.replace("\\\n", " ").splitlines():
        line = logical.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        spec, _, rest = line.partition(" --hash=")
        requirement = Requirement(spec.strip())
        pins = [s for s in requirement.specifier if s.operator == "=="]
        assert len(pins) == 1, f"{name}: {spec} is not pinned with =="
        hashes = [h for h in ("--hash=" + rest).split() if h.startswith("--hash=sha256:")]
        entries[canonicalize_name(requirement.name)] = (Version(pins[0].version), hashes)
    return entries


def project():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


BASE = read_lock("base.txt")
DEV = read_lock("dev.txt")
LOADTEST = read_lock("loadtest.txt")
BOOTSTRAP = read_lock("bootstrap.txt")


def requirements_of(group):
    if group == "base":
        return [Requirement(r) for r in project()["dependencies"]]
    return [Requirement(r) for r in project()["optional-dependencies"][group]]


CASES = [
    (lock_name, lock, requirement)
    for lock_name, lock, groups in (
        ("base.txt", BASE, ["base"]),
        ("dev.txt", DEV, ["base", "dev"]),
        ("loadtest.txt", LOADTEST, ["base", "dev", "loadtest"]),
    )
    for group in groups
    for requirement in requirements_of(group)
]


@pytest.mark.parametrize(
    ("lock_name", "lock", "requirement"),
    CASES,
    ids=[f"{lock_name}:{requirement.name}" for lock_name, _, requirement in CASES],
)
def test_it_pins_every_requirement_of_pyproject_with_a_hash(lock_name, lock, requirement):
    if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
        pytest.skip("not for this platform")
    name = canonicalize_name(requirement.name)
    assert name in lock, f"{requirement.name} is missing in requirements/{lock_name}: make lock"
    version, hashes = lock[name]
    assert hashes, f"{requirement.name} has no --hash=sha256: in requirements/{lock_name}"
    assert requirement.specifier.contains(version, prereleases=True), (
        f"requirements/{lock_name} pins {requirement.name}=={version}, pyproject.toml asks for "
        f"{requirement.specifier}: make lock"
    )


def test_it_hashes_every_entry_of_the_lock_files():
    locks = (
        ("base.txt", BASE),
        ("dev.txt", DEV),
        ("loadtest.txt", LOADTEST),
        ("bootstrap.txt", BOOTSTRAP),
    )
    for lock_name, lock in locks:
        unhashed = [name for name, (_, hashes) in lock.items() if not hashes]
        assert not unhashed, f"requirements/{lock_name} without hashes: {unhashed}"


def test_it_locks_pip_and_the_build_backend_of_pyproject():
    build = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]
    for spec in ["pip", *build["requires"]]:
        requirement = Requirement(spec)
        version, hashes = BOOTSTRAP[canonicalize_name(requirement.name)]
        assert hashes
        assert requirement.specifier.contains(version), f"{spec}: make lock"


def test_it_runs_the_tests_on_the_versions_of_the_image():
    differ = {
        name: (str(version), str(DEV[name][0]))
        for name, (version, _) in BASE.items()
        if name in DEV and DEV[name][0] != version
    }
    assert not differ, f"base.txt and dev.txt pin different versions: {differ}"
    assert set(BASE) <= set(DEV)


def test_it_load_tests_the_versions_of_the_tests():
    differ = {
        name: (str(version), str(LOADTEST[name][0]))
        for name, (version, _) in DEV.items()
        if name in LOADTEST and LOADTEST[name][0] != version
    }
    assert not differ, f"dev.txt and loadtest.txt pin different versions: {differ}"
    assert set(DEV) <= set(LOADTEST)


def test_it_bounds_the_linter_and_allows_the_current_pypdf():
    dev = {canonicalize_name(r.name): r for r in requirements_of("dev")}
    base = {canonicalize_name(r.name): r for r in requirements_of("base")}
    ruff = dev["ruff"].specifier
    assert any(s.operator in ("<", "<=", "~=", "==") for s in ruff), "ruff needs an upper bound"
    assert base["pypdf"].specifier.contains(BASE["pypdf"][0])
