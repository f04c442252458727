-- Savepoints: SAVEPOINT, RELEASE and ROLLBACK TO after writes, after errors, nested,
-- with DDL, sequences and deferred foreign keys. Some cases end inside a transaction
-- block (a failed one, even): the next case goes on in it, as a client would.
-- setup
CREATE TABLE accounts (id integer PRIMARY KEY, owner text NOT NULL UNIQUE, balance numeric(12, 2) NOT NULL DEFAULT 0);
CREATE TABLE entries (id serial PRIMARY KEY, account_id integer REFERENCES accounts (id), amount numeric(12, 2));
CREATE TABLE parents (id integer PRIMARY KEY);
CREATE TABLE children (
    id integer PRIMARY KEY,
    parent_id integer,
    CONSTRAINT children_parent_fk FOREIGN KEY (parent_id) REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED
);
INSERT INTO accounts VALUES (1, 'ada', 100), (2, 'grace', 50);

-- case: insert_rolled_back_to_savepoint
-- category: dml
BEGIN;
INSERT INTO accounts VALUES (3, 'edsger', 10);
SAVEPOINT a;
INSERT INTO accounts VALUES (4, 'barbara', 20);
ROLLBACK TO SAVEPOINT a;
INSERT INTO accounts VALUES (5, 'donald', 30);
COMMIT;
SELECT id, owner, balance FROM accounts ORDER BY id;

-- case: update_rolled_back_to_savepoint
-- category: dml
BEGIN;
UPDATE accounts SET balance = balance - 10 WHERE id = 1;
SAVEPOINT a;
UPDATE accounts SET balance = balance + 1000 WHERE id = 1;
UPDATE accounts SET owner = 'ada lovelace' WHERE id = 1;
ROLLBACK TO a;
UPDATE accounts SET balance = balance + 10 WHERE id = 2;
COMMIT;
SELECT id, owner, balance FROM accounts ORDER BY id;

-- case: delete_rolled_back_to_savepoint
-- category: dml
BEGIN;
SAVEPOINT a;
DELETE FROM accounts WHERE id IN (3, 5);
ROLLBACK TO a;
DELETE FROM accounts WHERE id = 5;
COMMIT;
SELECT id, owner FROM accounts ORDER BY id;

-- case: savepoint_sees_own_writes_after_rollback_to
-- category: dml
BEGIN;
INSERT INTO accounts VALUES (6, 'niklaus', 60);
SAVEPOINT a;
UPDATE accounts SET balance = 0 WHERE id = 6;
ROLLBACK TO SAVEPOINT a;
SELECT id, owner, balance FROM accounts WHERE id = 6;

-- case: savepoint_stays_after_rollback_to
-- category: dml
UPDATE accounts SET balance = 1 WHERE id = 6;
ROLLBACK TO SAVEPOINT a;
UPDATE accounts SET balance = 2 WHERE id = 6;
ROLLBACK TO SAVEPOINT a;
COMMIT;
SELECT id, balance FROM accounts WHERE id = 6;

-- case: nested_rollback_to_outer
-- category: dml
BEGIN;
INSERT INTO accounts VALUES (7, 'ken', 1);
SAVEPOINT outer_sp;
INSERT INTO accounts VALUES (8, 'dennis', 2);
SAVEPOINT inner_sp;
INSERT INTO accounts VALUES (9, 'bjarne', 3);
ROLLBACK TO outer_sp;
COMMIT;
SELECT id, owner FROM accounts WHERE id >= 7 ORDER BY id;

-- case: nested_inner_gone_after_rollback_to_outer
-- category: dml
BEGIN;
SAVEPOINT outer_sp;
SAVEPOINT inner_sp;
ROLLBACK TO outer_sp;
RELEASE inner_sp;

-- case: release_keeps_writes
-- category: dml
ROLLBACK;
BEGIN;
SAVEPOINT a;
INSERT INTO accounts VALUES (10, 'guido', 10);
SAVEPOINT b;
INSERT INTO accounts VALUES (11, 'james', 11);
RELEASE SAVEPOINT b;
RELEASE a;
COMMIT;
SELECT id, owner FROM accounts WHERE id >= 10 ORDER BY id;

-- case: release_then_rollback_to_outer
-- category: dml
BEGIN;
SAVEPOINT a;
INSERT INTO accounts VALUES (12, 'linus', 12);
SAVEPOINT b;
INSERT INTO accounts VALUES (13, 'larry', 13);
RELEASE b;
ROLLBACK TO a;
COMMIT;
SELECT count(*) FROM accounts WHERE id IN (12, 13);

-- case: same_name_innermost_wins
-- category: dml
BEGIN;
SAVEPOINT s;
INSERT INTO accounts VALUES (14, 'alan', 14);
SAVEPOINT s;
INSERT INTO accounts VALUES (15, 'john', 15);
ROLLBACK TO s;
COMMIT;
SELECT id, owner FROM accounts WHERE id IN (14, 15) ORDER BY id;

-- case: unique_violation_in_savepoint
-- category: constraints
BEGIN;
INSERT INTO accounts VALUES (16, 'tony', 16);
SAVEPOINT a;
INSERT INTO accounts VALUES (17, 'ada', 17);

-- case: failed_block_ignores_commands
-- category: constraints
SELECT count(*) FROM accounts;

-- case: savepoint_refused_in_failed_block
-- category: constraints
SAVEPOINT b;

-- case: rollback_to_after_unique_violation
-- category: constraints
ROLLBACK TO SAVEPOINT a;
INSERT INTO accounts VALUES (17, 'tim', 17);
COMMIT;
SELECT id, owner FROM accounts WHERE id IN (16, 17) ORDER BY id;

-- case: not_null_violation_then_rollback_to
-- category: constraints
BEGIN;
UPDATE accounts SET balance = balance + 5 WHERE id = 16;
SAVEPOINT a;
UPDATE accounts SET owner = NULL WHERE id = 17;

-- case: not_null_violation_rolled_back
-- category: constraints
ROLLBACK TO a;
UPDATE accounts SET balance = balance + 5 WHERE id = 17;
COMMIT;
SELECT id, owner, balance FROM accounts WHERE id IN (16, 17) ORDER BY id;

-- case: fk_violation_then_rollback_to
-- category: constraints
BEGIN;
INSERT INTO entries (account_id, amount) VALUES (1, 5);
SAVEPOINT a;
INSERT INTO entries (account_id, amount) VALUES (99, 5);

-- case: fk_violation_rolled_back
-- category: constraints
ROLLBACK TO a;
INSERT INTO entries (account_id, amount) VALUES (2, 7);
COMMIT;
SELECT account_id, amount FROM entries ORDER BY id;

-- case: division_error_then_rollback_to
-- category: dml
BEGIN;
INSERT INTO accounts VALUES (18, 'margaret', 18);
SAVEPOINT a;
UPDATE accounts SET balance = balance / 0 WHERE id = 18;

-- case: division_error_rolled_back
-- category: dml
ROLLBACK TO SAVEPOINT a;
RELEASE SAVEPOINT a;
COMMIT;
SELECT id, owner, balance FROM accounts WHERE id = 18;

-- case: rollback_to_unknown_savepoint
-- category: dml
BEGIN;
SAVEPOINT a;
ROLLBACK TO nope;

-- case: rollback_whole_block_after_savepoints
-- category: dml
ROLLBACK;
BEGIN;
INSERT INTO accounts VALUES (19, 'frances', 19);
SAVEPOINT a;
INSERT INTO accounts VALUES (20, 'radia', 20);
ROLLBACK;
SELECT count(*) FROM accounts WHERE id IN (19, 20);

-- case: ddl_rolled_back_to_savepoint
-- category: ddl
BEGIN;
INSERT INTO accounts VALUES (21, 'hedy', 21);
SAVEPOINT a;
CREATE TABLE scratch (id integer PRIMARY KEY, note text);
INSERT INTO scratch VALUES (1, 'gone');
ROLLBACK TO a;
COMMIT;
SELECT count(*) FROM pg_class WHERE relname = 'scratch';

-- case: ddl_rolled_back_table_is_gone
-- category: ddl
SELECT * FROM scratch;

-- case: ddl_before_savepoint_kept
-- category: ddl
BEGIN;
CREATE TABLE kept (id integer PRIMARY KEY, note text);
INSERT INTO kept VALUES (1, 'one');
SAVEPOINT a;
INSERT INTO kept VALUES (2, 'two');
ALTER TABLE kept ADD COLUMN extra integer DEFAULT 7;
ROLLBACK TO a;
INSERT INTO kept VALUES (3, 'three');
COMMIT;
SELECT * FROM kept ORDER BY id;

-- case: serial_not_rolled_back
-- category: dml
BEGIN;
SAVEPOINT a;
INSERT INTO entries (account_id, amount) VALUES (1, 1);
ROLLBACK TO a;
INSERT INTO entries (account_id, amount) VALUES (1, 2) RETURNING id, amount;

-- case: serial_not_rolled_back_committed
-- category: dml
COMMIT;
SELECT id, account_id, amount FROM entries ORDER BY id;

-- case: deferred_fk_after_savepoint_rolled_back
-- category: constraints
BEGIN;
INSERT INTO parents VALUES (1);
INSERT INTO children VALUES (1, 1);
SAVEPOINT a;
INSERT INTO children VALUES (2, 42);
ROLLBACK TO a;
COMMIT;
SELECT id, parent_id FROM children ORDER BY id;

-- case: deferred_fk_before_savepoint_still_checked
-- category: constraints
BEGIN;
INSERT INTO children VALUES (3, 43);
SAVEPOINT a;
INSERT INTO parents VALUES (2);
ROLLBACK TO a;
COMMIT;

-- case: set_constraints_rolled_back_to_savepoint
-- category: constraints
BEGIN;
SAVEPOINT a;
SET CONSTRAINTS ALL IMMEDIATE;
ROLLBACK TO a;
INSERT INTO children VALUES (4, 44);
DELETE FROM children WHERE id = 4;
COMMIT;
SELECT count(*) FROM children;

-- case: settings_rolled_back_to_savepoint
-- category: dml
BEGIN;
SET LOCAL search_path = public;
SAVEPOINT a;
SET LOCAL search_path = pg_catalog;
ROLLBACK TO a;
SHOW search_path;

-- case: settings_rolled_back_commit
-- category: dml
COMMIT;
SELECT count(*) FROM accounts;

-- case: many_savepoints_in_one_block
-- category: dml
BEGIN;
INSERT INTO accounts VALUES (30, 'p30', 0);
SAVEPOINT s1;
UPDATE accounts SET balance = balance + 1 WHERE id = 30;
SAVEPOINT s2;
UPDATE accounts SET balance = balance + 10 WHERE id = 30;
SAVEPOINT s3;
UPDATE accounts SET balance = balance + 100 WHERE id = 30;
ROLLBACK TO s2;
UPDATE accounts SET balance = balance + 1000 WHERE id = 30;
RELEASE s1;
COMMIT;
SELECT id, balance FROM accounts WHERE id = 30;
