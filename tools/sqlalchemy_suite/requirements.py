"""What kuzugres does not support, as SQLAlchemy's suite requirements (the blocklist)."""

from sqlalchemy.testing import exclusions
from sqlalchemy.testing.requirements import SuiteRequirements


class KuzugresRequirements(SuiteRequirements):
    @property
    def temporary_tables(self):
        return exclusions.closed()  # CREATE TEMPORARY TABLE: 0A000

    @property
    def temp_table_reflection(self):
        return exclusions.closed()

    @property
    def temporary_views(self):
        return exclusions.closed()

    # What PostgreSQL's dialect supports and kuzugres's catalog answers as PostgreSQL does
    # (SQLAlchemy's own test requirements open these for postgresql).
    @property
    def reflects_pk_names(self):
        return exclusions.open()

    @property
    def reflect_table_options(self):
        return exclusions.open()
