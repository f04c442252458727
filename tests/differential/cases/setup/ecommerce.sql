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
