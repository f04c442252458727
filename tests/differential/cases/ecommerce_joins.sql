-- setup: ecommerce (setup/ecommerce.sql)

-- case: inner_join_on
-- category: joins
SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY o.id;

-- case: join_along_foreign_key
-- category: joins
SELECT order_id, name, quantity FROM order_items JOIN products ON products.id = order_items.product_id ORDER BY order_id, name;

-- case: join_using_clause
-- category: joins
CREATE TABLE product_tags (id integer, tag text);
INSERT INTO product_tags VALUES (1, 'wired'), (2, 'wireless'), (2, 'ergonomic'), (99, 'orphan');
SELECT id, name, tag FROM products JOIN product_tags USING (id) ORDER BY id, tag;

-- case: natural_join
-- category: joins
SELECT * FROM product_tags NATURAL JOIN (SELECT id, sku FROM products) p ORDER BY id, tag;

-- case: left_join_unmatched
-- category: joins
SELECT c.id, c.name, o.id AS order_id FROM customers c LEFT JOIN orders o ON o.customer_id = c.id ORDER BY c.id, o.id;

-- case: left_join_is_null_anti
-- category: joins
SELECT c.id FROM customers c LEFT JOIN orders o ON o.customer_id = c.id WHERE o.id IS NULL ORDER BY c.id;

-- case: left_join_filter_in_on
-- category: joins
SELECT c.id, o.id FROM customers c LEFT JOIN orders o ON o.customer_id = c.id AND o.status = 'paid' ORDER BY c.id, o.id;

-- case: right_join
-- category: joins
SELECT p.name, t.tag FROM products p RIGHT JOIN product_tags t ON t.id = p.id ORDER BY t.tag;

-- case: full_join
-- category: joins
SELECT p.id, p.sku, t.tag FROM products p FULL JOIN product_tags t ON t.id = p.id ORDER BY p.id NULLS LAST, t.tag;

-- case: cross_join_count
-- category: joins
SELECT count(*) FROM customers CROSS JOIN products;

-- case: cross_join_rows
-- category: joins
SELECT c.country, s.status FROM (SELECT DISTINCT country FROM customers WHERE country IS NOT NULL) c CROSS JOIN (VALUES ('new'), ('paid')) s(status) ORDER BY 1, 2;

-- case: comma_join_where
-- category: joins
SELECT o.id, c.country FROM orders o, customers c WHERE o.customer_id = c.id AND c.country = 'US' ORDER BY o.id;

-- case: self_join_same_country
-- category: joins
SELECT a.name, b.name FROM customers a JOIN customers b ON a.country = b.country AND a.id < b.id ORDER BY a.id, b.id;

-- case: three_table_join
-- category: joins
SELECT c.name, o.id, p.name, i.quantity FROM customers c JOIN orders o ON o.customer_id = c.id JOIN order_items i ON i.order_id = o.id JOIN products p ON p.id = i.product_id WHERE c.id = 1 ORDER BY o.id, p.name;

-- case: four_table_join_aggregate
-- category: joins
SELECT c.country, p.category, sum(i.quantity * i.unit_price) AS revenue FROM customers c JOIN orders o ON o.customer_id = c.id JOIN order_items i ON i.order_id = o.id JOIN products p ON p.id = i.product_id WHERE o.status <> 'cancelled' GROUP BY c.country, p.category ORDER BY c.country, p.category NULLS LAST;

-- case: left_join_chain
-- category: joins
SELECT c.id, o.id, i.product_id FROM customers c LEFT JOIN orders o ON o.customer_id = c.id LEFT JOIN order_items i ON i.order_id = o.id WHERE c.id IN (2, 4) ORDER BY 1, 2, 3;

-- case: join_on_non_equality
-- category: joins
SELECT p.name, q.name FROM products p JOIN products q ON q.price > p.price * 10 ORDER BY p.name, q.name;

-- case: join_with_expression_select
-- category: joins
SELECT o.id, round(sum(i.quantity * i.unit_price) / count(*), 2) FROM orders o JOIN order_items i ON i.order_id = o.id GROUP BY o.id ORDER BY o.id;

-- case: join_unqualified_columns
-- category: joins
SELECT id FROM orders JOIN order_items ON order_id = id;

-- case: join_star_column_names
-- category: joins
SELECT * FROM orders o JOIN customers c ON c.id = o.customer_id WHERE o.id = 100;

-- case: full_join_using_coalesces
-- category: joins
SELECT id, tag, sku FROM product_tags FULL JOIN (SELECT id, sku FROM products WHERE id > 4) p USING (id) ORDER BY id, tag;

-- case: join_missing_on_error
-- category: joins
SELECT * FROM orders JOIN customers;

-- case: left_join_aggregate_zero
-- category: joins
SELECT p.sku, coalesce(sum(i.quantity), 0) AS sold FROM products p LEFT JOIN order_items i ON i.product_id = p.id GROUP BY p.sku ORDER BY sold DESC, p.sku;
