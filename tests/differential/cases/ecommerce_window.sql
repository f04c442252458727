-- setup
CREATE TABLE customers (
  id integer PRIMARY KEY,
  name text NOT NULL,
  email varchar(100) UNIQUE,
  country char(2),
  created date,
  vip boolean DEFAULT false
);
CREATE TABLE products (
  id serial PRIMARY KEY,
  sku varchar(12) NOT NULL UNIQUE,
  name text NOT NULL,
  category text,
  price numeric(10,2) NOT NULL CHECK (price >= 0),
  stock integer NOT NULL DEFAULT 0
);
CREATE TABLE orders (
  id integer PRIMARY KEY,
  customer_id integer REFERENCES customers (id) ON DELETE CASCADE,
  ordered_at timestamp NOT NULL,
  status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'paid', 'shipped', 'cancelled')),
  note text
);
CREATE TABLE order_items (
  order_id integer REFERENCES orders (id) ON DELETE CASCADE,
  product_id integer REFERENCES products (id) ON DELETE RESTRICT,
  quantity integer NOT NULL CHECK (quantity > 0),
  unit_price numeric(10,2) NOT NULL,
  PRIMARY KEY (order_id, product_id)
);
INSERT INTO customers VALUES
  (1, 'Ada Lovelace', 'ada@example.org', 'GB', '2024-01-02', true),
  (2, 'Grace Hopper', 'grace@example.com', 'US', '2024-01-15', false),
  (3, 'Alan Turing', 'alan@example.org', 'GB', '2024-02-01', false),
  (4, 'Edsger Dijkstra', NULL, 'NL', '2024-02-20', NULL),
  (5, 'Barbara Liskov', 'barbara@example.com', 'US', NULL, true),
  (6, 'donald knuth', 'knuth@example.com', NULL, '2024-03-05', false);
INSERT INTO products (sku, name, category, price, stock) VALUES
  ('KB-01', 'Keyboard', 'peripherals', 49.90, 10),
  ('MS-01', 'Mouse', 'peripherals', 19.99, 25),
  ('MN-27', 'Monitor 27"', 'displays', 299.00, 3),
  ('CB-USB', 'USB-C Cable', 'accessories', 9.50, 100),
  ('LP-14', 'Laptop 14', 'computers', 1299.00, 0),
  ('HD-01', 'Headset', NULL, 89.00, 7);
INSERT INTO orders VALUES
  (100, 1, '2024-03-01 10:00:00', 'paid', 'gift wrap'),
  (101, 1, '2024-03-03 12:30:00', 'shipped', NULL),
  (102, 2, '2024-03-03 09:15:00', 'new', NULL),
  (103, 3, '2024-03-10 18:45:10', 'cancelled', 'customer asked'),
  (104, 5, '2024-04-01 08:00:00', 'paid', NULL),
  (105, 2, '2024-04-02 23:59:59', 'paid', 'urgent');
INSERT INTO order_items VALUES
  (100, 1, 1, 49.90), (100, 2, 2, 19.99),
  (101, 3, 1, 299.00), (101, 4, 3, 9.50),
  (102, 5, 1, 1249.00),
  (103, 2, 1, 19.99),
  (104, 4, 10, 9.00), (104, 1, 1, 45.00), (104, 6, 2, 89.00),
  (105, 3, 2, 289.00);

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
