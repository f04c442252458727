-- setup: ecommerce (setup/ecommerce.sql)

-- case: union_dedups
-- category: setops
SELECT country FROM customers UNION SELECT 'FR' ORDER BY 1;

-- case: union_all_keeps_duplicates
-- category: setops
SELECT customer_id FROM orders UNION ALL SELECT id FROM customers WHERE id < 3;

-- case: union_nulls_equal
-- category: setops
SELECT category FROM products UNION SELECT NULL::text;

-- case: intersect
-- category: setops
SELECT id FROM customers INTERSECT SELECT customer_id FROM orders ORDER BY id;

-- case: intersect_all
-- category: setops
SELECT customer_id FROM orders INTERSECT ALL SELECT customer_id FROM orders WHERE status = 'paid';

-- case: except
-- category: setops
SELECT id FROM customers EXCEPT SELECT customer_id FROM orders ORDER BY 1;

-- case: except_all
-- category: setops
SELECT customer_id FROM orders EXCEPT ALL SELECT id FROM customers WHERE id = 1;

-- case: union_type_resolution
-- category: setops
SELECT id, price FROM products WHERE id = 1 UNION ALL SELECT id, stock FROM products WHERE id = 2 ORDER BY id;

-- case: union_column_names_from_first
-- category: setops
SELECT name AS who FROM customers WHERE id = 1 UNION SELECT name FROM products WHERE id = 1 ORDER BY who;

-- case: union_order_limit
-- category: setops
SELECT sku AS label FROM products UNION ALL SELECT email FROM customers WHERE email IS NOT NULL ORDER BY label LIMIT 4;

-- case: parenthesized_setops
-- category: setops
(SELECT id FROM customers EXCEPT SELECT customer_id FROM orders) UNION SELECT 1 ORDER BY 1;

-- case: union_column_count_mismatch
-- category: setops
SELECT id, name FROM customers UNION SELECT id FROM products;

-- case: union_type_mismatch
-- category: setops
SELECT id FROM customers UNION SELECT name FROM products;
