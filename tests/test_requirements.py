"""The pinned requirements: `make run` installs requirements.txt alone, `make test` adds requirements-dev.txt.
Each top-level requirement is pinned in its own list, and the two lists never pin the same package (so the
runtime and the test environments run the very same versions of what they share)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def pins(name):
    """{normalised package name: pinned line} of a requirements file (comments and includes left out)."""
    found = {}
    for line in (ROOT / name).read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "-r")):
            continue
        assert "==" in line, f"{name}: {line!r} is not pinned with =="
        package = line.split("==")[0].split("[")[0]
        found[package.lower().replace("_", "-").replace(".", "-")] = line
    return found


def test_runtime_and_development_lists_never_pin_the_same_package():
    assert not set(pins("requirements.txt")) & set(pins("requirements-dev.txt"))


def test_every_top_level_requirement_is_pinned_at_the_same_version_in_its_list():
    for source, pinned in (("requirements.in", "requirements.txt"), ("requirements-dev.in", "requirements-dev.txt")):
        locked = pins(pinned)
        for package, line in pins(source).items():
            assert locked.get(package, "").split("==")[-1] == line.split("==")[-1], (source, line)


def test_the_product_itself_imports_nothing_from_the_development_list():
    """The product's code (not tests or tools) runs with requirements.txt alone."""
    dev_modules = {"pytest", "hypothesis", "schemathesis", "factory", "faker", "time_machine", "pypdf", "aiosmtpd",
                   "axe_playwright_python", "ruff", "pip_audit"}
    offenders = []
    for app in ("accounts", "audits", "dashboards", "notifications", "scorecards", "config"):
        for path in (ROOT / app).rglob("*.py"):
            for line in path.read_text().splitlines():
                words = line.split()
                if len(words) >= 2 and words[0] in ("import", "from") and words[1].split(".")[0] in dev_modules:
                    offenders.append(f"{path.relative_to(ROOT)}: {line.strip()}")
    assert not offenders, offenders
