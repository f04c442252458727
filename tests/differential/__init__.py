"""Differential SQL suite: the same cases on PostgreSQL 15 and on kuzugres (see runner.py)."""
