"""kuzugres: a PostgreSQL-compatible, multi-master database on embedded KuzuDB replicas."""

__version__ = "0.1.0"

#: The PostgreSQL version kuzugres speaks for (server_version, version()).
PG_SERVER_VERSION = "15.18"
