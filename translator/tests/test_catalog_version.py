"""Catalog versions: no two snapshots share one (the translation cache is keyed by it)."""

from __future__ import annotations

from kuzugres.translator.catalog import Catalog


def test_two_changes_of_one_base_get_different_versions() -> None:
    base = Catalog()
    rolled_back = base.with_schemas(("public", "a"))
    other = base.with_schemas(("public", "b"))
    assert rolled_back.version > base.version
    assert other.version > base.version
    assert other.version != rolled_back.version


def test_a_loaded_catalog_continues_above_its_version() -> None:
    loaded = Catalog.from_json(Catalog(version=10**9).to_json())
    assert loaded.with_schemas(("public", "x")).version > 10**9
