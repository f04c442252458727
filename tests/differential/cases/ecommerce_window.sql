-- setup: ecommerce (setup/ecommerce.sql)

-- case: row_number_over_order
-- category: window
SELECT id, row_number() OVER (ORDER BY ordered_at) FROM orders ORDER BY id;

-- case: row_number_partition
-- category: window
SELECT customer_id, id, row_number() OVER (PARTITION BY customer_id ORDER BY ordered_at DESC) AS rn FROM orders ORDER BY customer_id, rn;

-- case: rank_dense_rank_ties
-- category: window
SELECT order_id, product_id, quantity, rank() OVER (ORDER BY quantity DESC), dense_rank() OVER (ORDER BY quantity DESC) FROM order_items ORDER BY quantity DESC, order_id, product_id;

-- case: ntile
-- category: window
SELECT id, ntile(3) OVER (ORDER BY price) FROM products ORDER BY id;

-- case: lag_lead
-- category: window
SELECT id, ordered_at, lag(id) OVER w AS prev, lead(id) OVER w AS next, lag(id, 2, 0) OVER w AS prev2 FROM orders WINDOW w AS (ORDER BY ordered_at) ORDER BY ordered_at;

-- case: first_value_last_value
-- category: window
SELECT id, customer_id, first_value(id) OVER (PARTITION BY customer_id ORDER BY ordered_at), last_value(id) OVER (PARTITION BY customer_id ORDER BY ordered_at ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) FROM orders ORDER BY id;

-- case: running_sum
-- category: window
SELECT id, ordered_at, count(*) OVER (ORDER BY ordered_at) AS running_count FROM orders ORDER BY ordered_at;

-- case: sum_over_partition
-- category: window
SELECT order_id, product_id, quantity * unit_price AS line, sum(quantity * unit_price) OVER (PARTITION BY order_id) AS order_total FROM order_items ORDER BY order_id, product_id;

-- case: share_of_total
-- category: window
SELECT id, price, round(100 * price / sum(price) OVER (), 2) AS pct FROM products ORDER BY id;

-- case: sum_over_rows_frame
-- category: window
SELECT id, stock, sum(stock) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM products ORDER BY id;

-- case: avg_over_range_default_peers
-- category: window
SELECT order_id, quantity, sum(quantity) OVER (ORDER BY quantity) FROM order_items ORDER BY quantity, order_id, product_id;

-- case: window_over_aggregate
-- category: window
SELECT customer_id, count(*) AS n, rank() OVER (ORDER BY count(*) DESC) FROM orders GROUP BY customer_id ORDER BY customer_id;

-- case: window_in_where_error
-- category: window
SELECT id FROM orders WHERE row_number() OVER () = 1;

-- case: window_then_filter_in_subquery
-- category: window
SELECT customer_id, id FROM (SELECT customer_id, id, row_number() OVER (PARTITION BY customer_id ORDER BY id) AS rn FROM orders) t WHERE rn = 1 ORDER BY customer_id;

-- case: max_over_partition_nulls
-- category: window
SELECT id, category, max(price) OVER (PARTITION BY category) FROM products ORDER BY id;

-- case: percent_rank_cume_dist
-- category: window
SELECT id, percent_rank() OVER (ORDER BY stock), cume_dist() OVER (ORDER BY stock) FROM products ORDER BY id;
