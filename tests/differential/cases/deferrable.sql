-- setup
CREATE TABLE authors (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE books (
    id integer PRIMARY KEY,
    title text NOT NULL,
    author_id integer,
    CONSTRAINT books_author_fk FOREIGN KEY (author_id) REFERENCES authors (id)
        DEFERRABLE INITIALLY DEFERRED
);
CREATE TABLE reviews (
    id integer PRIMARY KEY,
    book_id integer REFERENCES books (id) DEFERRABLE,
    body text
);
CREATE TABLE notes (
    id integer PRIMARY KEY,
    author_id integer REFERENCES authors (id) NOT DEFERRABLE
);
CREATE TABLE people (
    id integer PRIMARY KEY,
    boss_id integer,
    CONSTRAINT people_boss_fk FOREIGN KEY (boss_id) REFERENCES people (id)
        DEFERRABLE INITIALLY DEFERRED
);
INSERT INTO authors VALUES (1, 'Ada');
INSERT INTO books VALUES (10, 'Notes', 1);

-- case: catalog_condeferrable
-- category: ddl
SELECT conname, condeferrable, condeferred FROM pg_constraint
WHERE conrelid IN ('books'::regclass, 'reviews'::regclass, 'notes'::regclass, 'people'::regclass)
ORDER BY conname;

-- case: constraintdef_deferrable
-- category: ddl
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE contype = 'f' ORDER BY conname;

-- case: information_schema_deferrable
-- category: ddl
SELECT constraint_name, is_deferrable, initially_deferred
FROM information_schema.table_constraints
WHERE table_name IN ('books', 'reviews', 'notes') AND constraint_type = 'FOREIGN KEY'
ORDER BY constraint_name;

-- case: child_before_parent_commits
-- category: constraints
BEGIN;
INSERT INTO books VALUES (11, 'Forward', 2);
INSERT INTO authors VALUES (2, 'Grace');
COMMIT;

-- case: child_before_parent_joined
-- category: constraints
SELECT b.title, a.name FROM books b JOIN authors a ON a.id = b.author_id ORDER BY b.id;

-- case: deferred_violation_at_commit
-- category: constraints
BEGIN;
INSERT INTO books VALUES (12, 'Orphan', 99);
COMMIT;

-- case: deferred_violation_rolled_back
-- category: constraints
SELECT count(*) FROM books WHERE id = 12;

-- case: deferred_violation_in_autocommit
-- category: constraints
INSERT INTO books VALUES (12, 'Orphan', 99);

-- case: deferred_parent_delete_then_reinsert
-- category: constraints
BEGIN;
DELETE FROM authors WHERE id = 2;
INSERT INTO authors VALUES (2, 'Grace Hopper');
COMMIT;

-- case: deferred_parent_delete_rejoined
-- category: constraints
SELECT b.title, a.name FROM books b JOIN authors a ON a.id = b.author_id ORDER BY b.id;

-- case: deferred_parent_delete_violation
-- category: constraints
BEGIN;
DELETE FROM authors WHERE id = 2;
COMMIT;

-- case: deferred_parent_delete_with_child
-- category: constraints
BEGIN;
DELETE FROM authors WHERE id = 2;
DELETE FROM books WHERE author_id = 2;
COMMIT;

-- case: deferred_parent_delete_with_child_count
-- category: constraints
SELECT (SELECT count(*) FROM authors) AS authors, (SELECT count(*) FROM books) AS books;

-- case: deferred_child_repointed
-- category: constraints
BEGIN;
INSERT INTO books VALUES (13, 'Pointer', 77);
UPDATE books SET author_id = 1 WHERE id = 13;
COMMIT;

-- case: deferred_child_repointed_joined
-- category: constraints
SELECT b.title, a.name FROM books b JOIN authors a ON a.id = b.author_id ORDER BY b.id;

-- case: initially_immediate_checks_at_once
-- category: constraints
BEGIN;
INSERT INTO reviews VALUES (1, 99, 'no such book');

-- case: initially_immediate_failed_rollback
-- category: constraints
ROLLBACK;

-- case: set_constraints_deferred_named
-- category: constraints
BEGIN;
SET CONSTRAINTS reviews_book_id_fkey DEFERRED;
INSERT INTO reviews VALUES (1, 20, 'early review');
INSERT INTO books VALUES (20, 'Late', 1);
COMMIT;

-- case: set_constraints_all_deferred
-- category: constraints
BEGIN;
SET CONSTRAINTS ALL DEFERRED;
INSERT INTO reviews VALUES (2, 21, 'early review');
INSERT INTO books VALUES (21, 'Later', 1);
COMMIT;

-- case: set_constraints_immediate_checks_pending
-- category: constraints
BEGIN;
INSERT INTO books VALUES (22, 'Pending', 55);
SET CONSTRAINTS books_author_fk IMMEDIATE;

-- case: set_constraints_immediate_aborted
-- category: constraints
ROLLBACK;

-- case: set_constraints_immediate_ok
-- category: constraints
BEGIN;
INSERT INTO books VALUES (22, 'Pending', 55);
INSERT INTO authors VALUES (55, 'Barbara');
SET CONSTRAINTS ALL IMMEDIATE;
INSERT INTO books VALUES (23, 'Checked', 56);

-- case: set_constraints_immediate_ok_rollback
-- category: constraints
ROLLBACK;

-- case: set_constraints_all_immediate_then_commit
-- category: constraints
BEGIN;
SET CONSTRAINTS ALL IMMEDIATE;
INSERT INTO books VALUES (24, 'Now', 57);

-- case: set_constraints_all_immediate_rollback
-- category: constraints
ROLLBACK;

-- case: set_constraints_not_deferrable
-- category: constraints
BEGIN;
SET CONSTRAINTS notes_author_id_fkey DEFERRED;

-- case: set_constraints_not_deferrable_rollback
-- category: constraints
ROLLBACK;

-- case: set_constraints_unknown
-- category: constraints
BEGIN;
SET CONSTRAINTS no_such_constraint DEFERRED;

-- case: set_constraints_unknown_rollback
-- category: constraints
ROLLBACK;

-- case: set_constraints_all_deferred_skips_not_deferrable
-- category: constraints
BEGIN;
SET CONSTRAINTS ALL DEFERRED;
INSERT INTO notes VALUES (1, 99);

-- case: set_constraints_all_deferred_skips_rollback
-- category: constraints
ROLLBACK;

-- case: self_reference_forward
-- category: constraints
BEGIN;
INSERT INTO people VALUES (2, 1);
INSERT INTO people VALUES (1, NULL);
COMMIT;

-- case: self_reference_forward_rows
-- category: constraints
SELECT p.id, b.id AS boss FROM people p LEFT JOIN people b ON b.id = p.boss_id ORDER BY p.id;

-- case: alter_add_deferrable
-- category: ddl
CREATE TABLE tags (id integer PRIMARY KEY, book_id integer);
ALTER TABLE tags ADD CONSTRAINT tags_book_fk FOREIGN KEY (book_id) REFERENCES books (id)
    DEFERRABLE INITIALLY DEFERRED;
SELECT pg_get_constraintdef(oid), condeferrable, condeferred FROM pg_constraint
WHERE conname = 'tags_book_fk';

-- case: alter_add_deferrable_forward
-- category: constraints
BEGIN;
INSERT INTO tags VALUES (1, 30);
INSERT INTO books VALUES (30, 'Tagged', 1);
COMMIT;

-- case: unique_deferrable_catalog
-- category: ddl
CREATE TABLE codes (code text, CONSTRAINT codes_code_key UNIQUE (code) DEFERRABLE);
SELECT pg_get_constraintdef(oid), condeferrable, condeferred FROM pg_constraint
WHERE conname = 'codes_code_key';

-- case: not_deferrable_initially_deferred
-- category: ddl
CREATE TABLE bad (id integer, CONSTRAINT bad_fk FOREIGN KEY (id) REFERENCES authors (id)
    NOT DEFERRABLE INITIALLY DEFERRED);

-- case: set_constraints_immediate_not_deferrable
-- category: constraints
BEGIN;
SET CONSTRAINTS notes_author_id_fkey IMMEDIATE;

-- case: set_constraints_immediate_not_deferrable_rollback
-- category: constraints
ROLLBACK;

-- case: deferred_parent_key_update_then_child
-- category: constraints
BEGIN;
UPDATE authors SET id = 3 WHERE id = 1;
UPDATE books SET author_id = 3 WHERE author_id = 1;
COMMIT;

-- case: deferred_parent_key_update_joined
-- category: constraints
SELECT b.id, b.title, a.name FROM books b JOIN authors a ON a.id = b.author_id ORDER BY b.id;

-- case: deferred_parent_key_update_violation
-- category: constraints
BEGIN;
UPDATE authors SET id = 4 WHERE id = 3;
COMMIT;

-- case: restrict_is_never_deferred
-- category: constraints
CREATE TABLE shelves (id integer PRIMARY KEY);
CREATE TABLE slots (id integer PRIMARY KEY, shelf integer REFERENCES shelves ON DELETE RESTRICT DEFERRABLE INITIALLY DEFERRED);
INSERT INTO shelves VALUES (1);
INSERT INTO slots VALUES (1, 1);
BEGIN;
DELETE FROM shelves WHERE id = 1;

-- case: restrict_is_never_deferred_rollback
-- category: constraints
ROLLBACK;

-- case: cascade_deferrable_cascades_at_once
-- category: constraints
CREATE TABLE boxes (id integer PRIMARY KEY);
CREATE TABLE items (id integer PRIMARY KEY, box integer REFERENCES boxes ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED);
INSERT INTO boxes VALUES (1), (2);
INSERT INTO items VALUES (1, 1), (2, 2);
BEGIN;
DELETE FROM boxes WHERE id = 1;
SELECT id FROM items ORDER BY id;

-- case: cascade_deferrable_commit
-- category: constraints
COMMIT;

-- case: deferred_insert_then_delete_child
-- category: constraints
BEGIN;
INSERT INTO books VALUES (40, 'Ghost', 404);
DELETE FROM books WHERE id = 40;
COMMIT;

-- case: deferred_many_orphans_first_reported
-- category: constraints
BEGIN;
INSERT INTO books VALUES (41, 'A', 501), (42, 'B', 502);
INSERT INTO authors VALUES (501, 'Only one');
COMMIT;

-- case: deferred_composite_key
-- category: constraints
CREATE TABLE pk2 (a integer, b text, PRIMARY KEY (a, b));
CREATE TABLE fk2 (id integer PRIMARY KEY, a integer, b text,
    FOREIGN KEY (a, b) REFERENCES pk2 (a, b) DEFERRABLE INITIALLY DEFERRED);
BEGIN;
INSERT INTO fk2 VALUES (1, 1, 'x');
INSERT INTO pk2 VALUES (1, 'x');
INSERT INTO fk2 VALUES (2, 2, 'y');
COMMIT;
