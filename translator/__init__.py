"""PostgreSQL SQL to Cypher (and the residual engine): pure, no I/O."""
