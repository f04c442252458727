-- setup: ecommerce (setup/ecommerce.sql)

-- case: insert_duplicate_primary_key
-- category: constraints
INSERT INTO customers (id, name) VALUES (1, 'Another Ada');

-- case: insert_duplicate_unique_email
-- category: constraints
INSERT INTO customers (id, name, email) VALUES (10, 'Copycat', 'ada@example.org');

-- case: unique_allows_several_nulls
-- category: constraints
INSERT INTO customers (id, name, email) VALUES (11, 'Null Mail One', NULL), (12, 'Null Mail Two', NULL);
SELECT count(*) FROM customers WHERE email IS NULL;

-- case: duplicate_within_one_insert
-- category: constraints
INSERT INTO customers (id, name) VALUES (13, 'X'), (13, 'Y');

-- case: failed_multirow_insert_is_atomic
-- category: constraints
SELECT count(*) FROM customers WHERE id = 13;

-- case: composite_primary_key_duplicate
-- category: constraints
INSERT INTO order_items VALUES (100, 1, 5, 49.90);

-- case: composite_primary_key_other_pair_ok
-- category: constraints
INSERT INTO order_items VALUES (102, 1, 1, 49.90);
SELECT order_id, product_id, quantity FROM order_items WHERE order_id = 102 ORDER BY product_id;

-- case: insert_not_null_violation
-- category: constraints
INSERT INTO customers (id) VALUES (99);

-- case: insert_explicit_null_not_null
-- category: constraints
INSERT INTO products (sku, name, price) VALUES ('NL-01', NULL, 1.00);

-- case: update_to_null_not_null
-- category: constraints
UPDATE customers SET name = NULL WHERE id = 2;

-- case: primary_key_null
-- category: constraints
INSERT INTO customers (id, name) VALUES (NULL, 'Nobody');

-- case: foreign_key_missing_parent
-- category: constraints
INSERT INTO orders (id, customer_id, ordered_at) VALUES (200, 42, '2024-05-01 00:00:00');

-- case: foreign_key_null_allowed
-- category: constraints
INSERT INTO orders (id, customer_id, ordered_at) VALUES (201, NULL, '2024-05-01 00:00:00');
SELECT id, customer_id, status FROM orders WHERE id = 201;

-- case: foreign_key_update_to_missing_parent
-- category: constraints
UPDATE orders SET customer_id = 77 WHERE id = 100;

-- case: composite_foreign_key_missing_product
-- category: constraints
INSERT INTO order_items VALUES (100, 999, 1, 1.00);

-- case: delete_restrict_parent
-- category: constraints
DELETE FROM products WHERE id = 2;

-- case: delete_unreferenced_product_ok
-- category: constraints
INSERT INTO products (sku, name, price) VALUES ('TMP-1', 'Temporary', 1.00);
DELETE FROM products WHERE sku = 'TMP-1';

-- case: delete_cascade_removes_children
-- category: constraints
DELETE FROM customers WHERE id = 3;
SELECT o.id, count(i.product_id) FROM orders o LEFT JOIN order_items i ON i.order_id = o.id WHERE o.customer_id = 3 OR o.id = 103 GROUP BY o.id;

-- case: delete_cascade_two_levels
-- category: constraints
DELETE FROM customers WHERE id = 1;
SELECT order_id, product_id FROM order_items WHERE order_id IN (100, 101);

-- case: cascade_then_restrict_blocks_everything
-- category: constraints
DELETE FROM products WHERE id = 3;

-- case: set_null_on_delete
-- category: constraints
CREATE TABLE reviews (id integer PRIMARY KEY, product_id integer REFERENCES products (id) ON DELETE SET NULL, stars integer CHECK (stars BETWEEN 1 AND 5));
INSERT INTO products (sku, name, price) VALUES ('RV-1', 'Reviewed', 3.00);
INSERT INTO reviews VALUES (1, (SELECT id FROM products WHERE sku = 'RV-1'), 4), (2, 1, 5);
DELETE FROM products WHERE sku = 'RV-1';
SELECT id, product_id, stars FROM reviews ORDER BY id;

-- case: check_violation_insert
-- category: constraints
INSERT INTO reviews VALUES (3, 1, 6);

-- case: check_null_passes
-- category: constraints
INSERT INTO reviews VALUES (4, 1, NULL);
SELECT id, stars FROM reviews WHERE id = 4;

-- case: check_violation_update
-- category: constraints
UPDATE products SET price = -0.01 WHERE id = 1;

-- case: check_in_list_violation
-- category: constraints
UPDATE orders SET status = 'lost' WHERE id = 102;

-- case: table_check_two_columns
-- category: constraints
CREATE TABLE promotions (id integer PRIMARY KEY, starts date NOT NULL, ends date NOT NULL, CONSTRAINT valid_range CHECK (ends > starts));
INSERT INTO promotions VALUES (1, '2024-06-10', '2024-06-01');

-- case: varchar_too_long
-- category: constraints
INSERT INTO products (sku, name, price) VALUES ('THIS-SKU-IS-TOO-LONG', 'Long', 1.00);

-- case: varchar_trailing_spaces_truncated
-- category: constraints
INSERT INTO products (sku, name, price) VALUES ('SP-01          ', 'Spaces', 1.00);
SELECT sku, length(sku) FROM products WHERE name = 'Spaces';

-- case: char_too_long
-- category: constraints
INSERT INTO customers (id, name, country) VALUES (50, 'Far Away', 'USA');

-- case: char_padding_shown
-- category: constraints
INSERT INTO customers (id, name, country) VALUES (51, 'Short Code', 'F');
SELECT country, length(country), octet_length(country), country = 'F' FROM customers WHERE id = 51;

-- case: varchar_explicit_cast_truncates
-- category: constraints
INSERT INTO products (sku, name, price) VALUES ('ABCDEFGHIJKLMNOP'::varchar(12), 'Cast', 1.00);
SELECT sku FROM products WHERE name = 'Cast';

-- case: numeric_overflow_on_insert
-- category: constraints
INSERT INTO products (sku, name, price) VALUES ('BIG-1', 'Too Pricey', 123456789.00);

-- case: numeric_rounds_scale_on_insert
-- category: constraints
INSERT INTO products (sku, name, price) VALUES ('RND-1', 'Rounded', 10.005);
SELECT price FROM products WHERE sku = 'RND-1';

-- case: integer_out_of_range_on_insert
-- category: constraints
INSERT INTO order_items VALUES (104, 2, 3000000000, 1.00);

-- case: bad_integer_literal_on_insert
-- category: constraints
INSERT INTO order_items VALUES (104, 2, 'three', 1.00);

-- case: upsert_conflict_other_unique
-- category: constraints
INSERT INTO customers (id, name, email) VALUES (60, 'Dup', 'grace@example.com') ON CONFLICT (id) DO NOTHING;

-- case: customer_count_after_errors
-- category: constraints
SELECT count(*) FROM customers;
