"""Events, clocks, replication and the data lifecycle (see the events issue)."""
