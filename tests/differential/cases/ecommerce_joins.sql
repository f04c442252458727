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
