"""README stays true: its permission table is the code's ROLE_PERMISSIONS, and it documents every variable.

When the table is stale the failure message prints the current one to paste between the markers.
"""

import re
from pathlib import Path

from accounts.models import Role
from accounts.permissions import ROLE_PERMISSIONS

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START, END = "<!-- permissions:start -->", "<!-- permissions:end -->"
ENV_VARIABLE = re.compile(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"')
TEST_ONLY_VARIABLES = {"CELERY_TASK_ALWAYS_EAGER"}


def permission_table():
    """The README's permission table, generated from ROLE_PERMISSIONS (rows in the code's order)."""
    roles = list(Role)
    lines = ["| permission | " + " | ".join(role.value for role in roles) + " |",
             "|---|" + "---|" * len(roles)]
    for permission, allowed in ROLE_PERMISSIONS.items():
        cells = ["✓" if role in allowed else "" for role in roles]
        lines.append(f"| `{permission}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def readme_block():
    text = README.read_text(encoding="utf-8")
    assert START in text and END in text, f"README.md lacks the {START} … {END} markers"
    return text.split(START, 1)[1].split(END, 1)[0].strip()


def test_readme_permission_table_matches_role_permissions():
    expected = permission_table()
    assert readme_block() == expected, "README's permission table is stale; paste this:\n\n" + expected


def test_readme_documents_every_environment_variable_the_settings_read():
    text = README.read_text(encoding="utf-8")
    variables = set()
    for settings_file in (ROOT / "config" / "settings").glob("*.py"):
        variables |= set(ENV_VARIABLE.findall(settings_file.read_text(encoding="utf-8")))
    undocumented = sorted(v for v in variables - TEST_ONLY_VARIABLES if f"`{v}`" not in text)
    assert not undocumented, f"README.md does not document: {', '.join(undocumented)}"


def test_readme_names_the_two_commands():
    text = README.read_text(encoding="utf-8")
    assert "make run" in text and "make test" in text
