-- Primary keys that Kuzu's own index checks (decision 0015's neighbour: new rows are not
-- looked up by parameter, the CREATE fails on a taken key): the errors must still be
-- PostgreSQL's, in PostgreSQL's order, and a failed statement must leave nothing behind.
-- setup
CREATE TABLE ints (id integer PRIMARY KEY, code text UNIQUE, note text);
CREATE TABLE words (w varchar(20) PRIMARY KEY, n integer);
CREATE TABLE ids (u uuid PRIMARY KEY, n integer);
CREATE TABLE days (d date PRIMARY KEY, n integer);
CREATE TABLE kids (id bigint PRIMARY KEY, parent_id integer REFERENCES ints (id));
INSERT INTO ints VALUES (1, 'a', 'one'), (2, 'b', 'two');
INSERT INTO words VALUES ('alpha', 1), ('Beta', 2);
INSERT INTO ids VALUES ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 1);
INSERT INTO days VALUES ('2024-02-29', 1);
INSERT INTO kids VALUES (10, 1);

-- case: int_key_taken
-- category: constraints
INSERT INTO ints VALUES (1, 'z', 'again');

-- case: int_key_taken_in_multi_row
-- category: constraints
INSERT INTO ints VALUES (3, 'c', 'three'), (2, 'd', 'again');

-- case: int_key_taken_left_nothing
-- category: constraints
SELECT id, code, note FROM ints ORDER BY id;

-- case: int_key_repeated_in_statement
-- category: constraints
INSERT INTO ints VALUES (5, 'e', 'five'), (5, 'f', 'five again');

-- case: key_and_unique_both_taken
-- category: constraints
INSERT INTO ints VALUES (1, 'a', 'both');

-- case: unique_taken_key_free
-- category: constraints
INSERT INTO ints VALUES (7, 'a', 'unique only');

-- case: key_taken_and_foreign_key_missing
-- category: constraints
INSERT INTO kids VALUES (10, 99);

-- case: text_key_taken
-- category: constraints
INSERT INTO words VALUES ('alpha', 3);

-- case: text_key_case_differs
-- category: constraints
INSERT INTO words VALUES ('ALPHA', 3);
SELECT w, n FROM words ORDER BY w;

-- case: uuid_key_taken
-- category: constraints
INSERT INTO ids VALUES ('A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', 2);

-- case: date_key_taken
-- category: constraints
INSERT INTO days VALUES ('2024-02-29', 2);

-- case: key_taken_in_same_transaction
-- category: constraints
BEGIN;
INSERT INTO ints VALUES (8, 'h', 'eight');
INSERT INTO ints VALUES (8, 'i', 'eight again');

-- case: key_taken_in_same_transaction_rolled_back
-- category: constraints
ROLLBACK;
SELECT count(*) FROM ints WHERE id = 8;

-- case: key_freed_and_taken_again_in_transaction
-- category: dml
BEGIN;
DELETE FROM ints WHERE id = 2;
INSERT INTO ints VALUES (2, 'b2', 'two again');
COMMIT;
SELECT id, code, note FROM ints ORDER BY id;

-- case: key_taken_inside_savepoint
-- category: constraints
BEGIN;
INSERT INTO ints VALUES (9, 'j', 'nine');
SAVEPOINT s;
INSERT INTO ints VALUES (1, 'k', 'taken');

-- case: key_taken_inside_savepoint_rolled_back
-- category: constraints
ROLLBACK TO SAVEPOINT s;
INSERT INTO ints VALUES (10, 'k', 'ten');
COMMIT;
SELECT id, code FROM ints ORDER BY id;

-- case: insert_select_key_taken
-- category: constraints
INSERT INTO ints SELECT id + 1, code || 'x', note FROM ints WHERE id = 9;

-- case: on_conflict_do_nothing_still_skips
-- category: dml
INSERT INTO ints VALUES (1, 'q', 'skip'), (11, 'r', 'eleven') ON CONFLICT DO NOTHING;
SELECT id, code FROM ints ORDER BY id;

-- case: on_conflict_do_update_still_updates
-- category: dml
INSERT INTO ints VALUES (1, 'a', 'updated'), (12, 's', 'twelve') ON CONFLICT (id) DO UPDATE SET note = EXCLUDED.note;
SELECT id, code, note FROM ints ORDER BY id;
