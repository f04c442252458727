-- information_schema views read whole, written by hand (not captured from a client):
-- each is compared with PostgreSQL 15's answer like the captured queries.
-- setup: clients_setup.sql

-- query: routines #1
SELECT * FROM information_schema.routines ORDER BY specific_name

-- query: routines of information_schema #2
SELECT routine_name, data_type, type_udt_name, is_deterministic FROM information_schema.routines WHERE routine_schema = 'information_schema' ORDER BY 1
