"""Docs that are generated must be current; what we promise must be documented."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))


def test_cli_reference_is_current() -> None:
    from gen_cli_docs import render

    assert (ROOT / "docs" / "cli.md").read_text() == render(), (
        "docs/cli.md is stale: run `python tools/gen_cli_docs.py > docs/cli.md`"
    )


def test_errcodes_module_is_current() -> None:
    import subprocess

    out = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_errcodes.py")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert (ROOT / "kuzugres" / "errcodes.py").read_text() == out


def test_every_setting_is_documented() -> None:
    from kuzugres.settings import SETTINGS

    text = (ROOT / "docs" / "settings.md").read_text()
    missing = [d.name for d in SETTINGS.values() if f"`{d.name}`" not in text]
    assert not missing, f"settings missing from docs/settings.md: {missing}"


def test_sql_to_cypher_guide_is_current() -> None:
    from gen_sql_to_cypher import render

    assert (ROOT / "docs" / "sql-to-cypher.md").read_text() == render(), (
        "docs/sql-to-cypher.md is stale: run `python tools/gen_sql_to_cypher.py > "
        "docs/sql-to-cypher.md`"
    )
