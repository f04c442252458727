-- setup: ecommerce (setup/ecommerce.sql)

-- case: in_subquery
-- category: subqueries
SELECT name FROM customers WHERE id IN (SELECT customer_id FROM orders WHERE status = 'paid') ORDER BY name;

-- case: not_in_subquery
-- category: subqueries
SELECT id FROM customers WHERE id NOT IN (SELECT customer_id FROM orders) ORDER BY id;

-- case: not_in_subquery_with_null
-- category: subqueries
INSERT INTO orders (id, customer_id, ordered_at) VALUES (106, NULL, '2024-04-05 10:00:00');
SELECT id FROM customers WHERE id NOT IN (SELECT customer_id FROM orders);

-- case: in_subquery_with_null_still_matches
-- category: subqueries
SELECT id FROM customers WHERE id IN (SELECT customer_id FROM orders) ORDER BY id;

-- case: not_in_as_value_with_null
-- category: subqueries
SELECT id, id NOT IN (SELECT customer_id FROM orders) AS not_ordered FROM customers ORDER BY id;

-- case: exists_correlated
-- category: subqueries
SELECT c.id FROM customers c WHERE EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.status = 'shipped') ORDER BY c.id;

-- case: not_exists_correlated
-- category: subqueries
SELECT c.id FROM customers c WHERE NOT EXISTS (SELECT FROM orders o WHERE o.customer_id = c.id) ORDER BY c.id;

-- case: scalar_subquery_correlated
-- category: subqueries
SELECT c.id, (SELECT max(o.ordered_at) FROM orders o WHERE o.customer_id = c.id) AS last_order FROM customers c ORDER BY c.id;

-- case: scalar_subquery_count
-- category: subqueries
SELECT p.sku, (SELECT count(*) FROM order_items i WHERE i.product_id = p.id) AS times_ordered FROM products p ORDER BY p.id;

-- case: scalar_subquery_too_many_rows
-- category: subqueries
SELECT (SELECT id FROM orders WHERE customer_id = 1) FROM customers WHERE id = 1;

-- case: scalar_subquery_in_where
-- category: subqueries
SELECT name, price FROM products WHERE price > (SELECT avg(price) FROM products) ORDER BY price;

-- case: comparison_any_subquery
-- category: subqueries
SELECT name FROM products WHERE price > ANY (SELECT unit_price FROM order_items WHERE order_id = 104) ORDER BY name;

-- case: comparison_all_subquery
-- category: subqueries
SELECT name FROM products WHERE price >= ALL (SELECT price FROM products);

-- case: derived_table
-- category: subqueries
SELECT t.customer_id, t.total FROM (SELECT o.customer_id, sum(i.quantity * i.unit_price) AS total FROM orders o JOIN order_items i ON i.order_id = o.id GROUP BY o.customer_id) t WHERE t.total > 300 ORDER BY t.total DESC;

-- case: derived_table_needs_alias_ok
-- category: subqueries
SELECT count(*) FROM (SELECT DISTINCT customer_id FROM orders) AS d;

-- case: derived_table_column_aliases
-- category: subqueries
SELECT x.a, x.b FROM (SELECT id, name FROM customers WHERE id < 3) AS x(a, b) ORDER BY x.a;

-- case: lateral_top_item_per_order
-- category: subqueries
SELECT o.id, li.product_id, li.total FROM orders o CROSS JOIN LATERAL (SELECT i.product_id, i.quantity * i.unit_price AS total FROM order_items i WHERE i.order_id = o.id ORDER BY total DESC LIMIT 1) li ORDER BY o.id;

-- case: left_join_lateral
-- category: subqueries
SELECT c.id, l.n FROM customers c LEFT JOIN LATERAL (SELECT count(*) AS n FROM orders o WHERE o.customer_id = c.id) l ON true ORDER BY c.id;

-- case: subquery_in_select_with_exists
-- category: subqueries
SELECT p.sku, EXISTS (SELECT 1 FROM order_items i WHERE i.product_id = p.id) AS ever_sold FROM products p ORDER BY p.sku;

-- case: nested_subqueries
-- category: subqueries
SELECT name FROM customers WHERE id IN (SELECT customer_id FROM orders WHERE id IN (SELECT order_id FROM order_items WHERE product_id IN (SELECT id FROM products WHERE category = 'displays'))) ORDER BY name;

-- case: row_constructor_in_subquery
-- category: subqueries
SELECT order_id, product_id FROM order_items WHERE (order_id, product_id) IN (SELECT 100, 1 UNION ALL SELECT 104, 6) ORDER BY 1;

-- case: subquery_column_count_error
-- category: subqueries
SELECT id FROM customers WHERE id IN (SELECT id, name FROM customers);
