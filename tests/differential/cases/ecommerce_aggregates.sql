-- setup: ecommerce (setup/ecommerce.sql)

-- case: count_star_and_column
-- category: aggregates
SELECT count(*), count(email), count(DISTINCT country), count(created) FROM customers;

-- case: aggregates_on_empty_table
-- category: aggregates
SELECT count(*), sum(price), avg(price), min(price), max(price), bool_and(stock > 0), string_agg(name, ',') FROM products WHERE false;

-- case: sum_avg_min_max_numeric
-- category: aggregates
SELECT sum(price), avg(price), min(price), max(price), sum(stock), avg(stock) FROM products;

-- case: group_by_column
-- category: aggregates
SELECT status, count(*) FROM orders GROUP BY status ORDER BY status;

-- case: group_by_null_group
-- category: aggregates
SELECT category, count(*), sum(stock) FROM products GROUP BY category;

-- case: group_by_expression
-- category: aggregates
SELECT date_trunc('month', ordered_at) AS month, count(*) FROM orders GROUP BY date_trunc('month', ordered_at) ORDER BY month;

-- case: group_by_ordinal
-- category: aggregates
SELECT customer_id, count(*) AS n FROM orders GROUP BY 1 ORDER BY 1;

-- case: group_by_alias
-- category: aggregates
SELECT extract(month FROM ordered_at) AS m, count(*) FROM orders GROUP BY m ORDER BY m;

-- case: group_by_two_columns
-- category: aggregates
SELECT customer_id, status, count(*) FROM orders GROUP BY customer_id, status ORDER BY customer_id, status;

-- case: having_filter
-- category: aggregates
SELECT customer_id, count(*) FROM orders GROUP BY customer_id HAVING count(*) > 1 ORDER BY customer_id;

-- case: having_aggregate_not_selected
-- category: aggregates
SELECT order_id FROM order_items GROUP BY order_id HAVING sum(quantity * unit_price) > 300 ORDER BY order_id;

-- case: having_without_group_by
-- category: aggregates
SELECT count(*) FROM orders HAVING count(*) > 100;

-- case: sum_of_products_per_order
-- category: aggregates
SELECT order_id, sum(quantity * unit_price) AS total, sum(quantity) AS items FROM order_items GROUP BY order_id ORDER BY total DESC;

-- case: avg_integer_is_numeric
-- category: aggregates
SELECT order_id, avg(quantity), sum(quantity) FROM order_items GROUP BY order_id ORDER BY order_id;

-- case: count_distinct
-- category: aggregates
SELECT count(DISTINCT customer_id), count(DISTINCT status), count(DISTINCT note) FROM orders;

-- case: sum_distinct
-- category: aggregates
SELECT sum(DISTINCT unit_price), sum(unit_price) FROM order_items;

-- case: string_agg_ordered
-- category: aggregates
SELECT customer_id, string_agg(status, ', ' ORDER BY id) FROM orders GROUP BY customer_id ORDER BY customer_id;

-- case: string_agg_skips_nulls
-- category: aggregates
SELECT string_agg(email, ';' ORDER BY email DESC) FROM customers;

-- case: array_agg_ordered
-- category: aggregates
SELECT order_id, array_agg(product_id ORDER BY product_id) FROM order_items GROUP BY order_id ORDER BY order_id;

-- case: array_agg_keeps_nulls
-- category: aggregates
SELECT array_agg(vip ORDER BY id) FROM customers;

-- case: array_agg_distinct
-- category: aggregates
SELECT array_agg(DISTINCT country) FROM customers;

-- case: bool_and_bool_or
-- category: aggregates
SELECT country, bool_and(vip), bool_or(vip), every(created IS NOT NULL) FROM customers GROUP BY country ORDER BY country NULLS FIRST;

-- case: aggregate_filter
-- category: aggregates
SELECT count(*) FILTER (WHERE status = 'paid') AS paid, count(*) FILTER (WHERE note IS NOT NULL) AS noted, sum(id) FILTER (WHERE customer_id = 1) AS ids FROM orders;

-- case: aggregate_filter_grouped
-- category: aggregates
SELECT p.category, count(*) FILTER (WHERE p.stock > 5), max(p.price) FILTER (WHERE p.stock > 0) FROM products p GROUP BY p.category ORDER BY p.category;

-- case: min_max_text_and_dates
-- category: aggregates
SELECT min(name), max(name), min(created), max(created), min(ordered_at) FROM customers, orders;

-- case: count_after_join_group
-- category: aggregates
SELECT c.name, count(o.id) FROM customers c LEFT JOIN orders o ON o.customer_id = c.id GROUP BY c.id, c.name ORDER BY c.id;

-- case: aggregate_of_expression
-- category: aggregates
SELECT sum(CASE WHEN status = 'cancelled' THEN 0 ELSE 1 END), max(length(coalesce(note, ''))) FROM orders;

-- case: nested_aggregate_error
-- category: aggregates
SELECT sum(count(*)) FROM orders;

-- case: ungrouped_column_error
-- category: aggregates
SELECT customer_id, status, count(*) FROM orders GROUP BY customer_id;

-- case: aggregate_in_where_error
-- category: aggregates
SELECT id FROM orders WHERE count(*) > 1;

-- case: group_by_primary_key_functional_dependency
-- category: aggregates
SELECT c.id, c.name, c.email, count(o.id) FROM customers c JOIN orders o ON o.customer_id = c.id GROUP BY c.id ORDER BY c.id;

-- case: sum_integer_overflow_promotes
-- category: aggregates
SELECT sum(stock * 1000000), pg_typeof(sum(stock)), pg_typeof(sum(stock::bigint)), pg_typeof(avg(stock)) FROM products;

-- case: distinct_with_aggregate_order
-- category: aggregates
SELECT DISTINCT count(*) OVER () AS n, status FROM orders ORDER BY status;
