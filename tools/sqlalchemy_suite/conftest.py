"""SQLAlchemy's pytest plugin, configured for kuzugres (see run.py)."""

import pytest
from sqlalchemy.dialects import registry  # noqa: F401

pytest.register_assert_rewrite("sqlalchemy.testing.assertions")

from sqlalchemy.dialects.postgresql import provision as _pg_provision  # noqa: E402
from sqlalchemy.testing.plugin.pytestplugin import *  # noqa: E402, F403

# What requirements.py cannot express:
# - kuzugres has no extensions: the PostgreSQL provisioning would CREATE EXTENSION citext
#   and hstore (0A000).
_pg_provision._extensions[:] = []
