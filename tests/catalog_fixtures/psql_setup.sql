CREATE TABLE customers (id serial PRIMARY KEY, email varchar(80) NOT NULL UNIQUE,
                        name text DEFAULT 'anonymous');
CREATE TABLE orders (id bigint PRIMARY KEY,
                     customer_id integer NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
                     total numeric(10,2) CHECK (total >= 0),
                     placed date);
CREATE INDEX orders_customer ON orders (customer_id);
CREATE SEQUENCE invoice_numbers START 1000;
CREATE VIEW order_totals AS SELECT customer_id, total FROM orders;
CREATE SCHEMA sales;
COMMENT ON TABLE orders IS 'one row per order';
COMMENT ON COLUMN orders.total IS 'gross amount';
CREATE TABLE notes (id integer PRIMARY KEY,
                    title varchar(20) CHECK (title <> ''),
                    body text CHECK (body <> 'x'),
                    score double precision CHECK (score > 0),
                    rank integer CHECK (rank > -1),
                    ratio numeric CHECK (ratio < 1.5));
