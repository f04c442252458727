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
