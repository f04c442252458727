"""The PostgreSQL front door: wire messages, sessions, authentication, TLS and types."""
