"""What kuzugres supports, as SQLAlchemy's suite requirements (closed: the tests are skipped).

Tests that run and fail are listed in blocklist.txt instead.
"""

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
    def views(self):
        return exclusions.open()

    @property
    def reflects_pk_names(self):
        return exclusions.open()

    @property
    def constraint_comment_reflection(self):
        return exclusions.open()

    @property
    def unique_constraints_reflect_as_index(self):
        return exclusions.open()

    @property
    def supports_distinct_on(self):
        return exclusions.open()

    @property
    def reflect_table_options(self):
        return exclusions.open()
