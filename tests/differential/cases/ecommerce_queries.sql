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

-- case: select_where_order
-- category: queries
SELECT id, name FROM customers WHERE id > 1 ORDER BY id;

-- case: select_star
-- category: queries
SELECT * FROM products ORDER BY id;

-- case: select_qualified_star
-- category: queries
SELECT c.*, 1 AS one FROM customers c WHERE c.country = 'GB' ORDER BY c.id;

-- case: select_no_order_multiset
-- category: queries
SELECT name, country FROM customers;

-- case: column_aliases
-- category: queries
SELECT id AS customer, name "Full Name", upper(country) FROM customers ORDER BY customer;

-- case: expression_column_names
-- category: queries
SELECT price * 2, price + stock, -stock, name || '!' FROM products WHERE id = 1;

-- case: where_null_is_not_true
-- category: queries
SELECT id FROM customers WHERE vip = false ORDER BY id;

-- case: where_not_with_nulls
-- category: queries
SELECT id FROM customers WHERE NOT vip ORDER BY id;

-- case: where_is_null
-- category: queries
SELECT id FROM customers WHERE email IS NULL OR created IS NULL ORDER BY id;

-- case: where_is_not_true
-- category: queries
SELECT id FROM customers WHERE vip IS NOT TRUE ORDER BY id;

-- case: three_valued_and_or
-- category: queries
SELECT id, vip AND country = 'US' AS a, vip OR country = 'US' AS o, NOT (vip AND created > '2024-01-10') AS n FROM customers ORDER BY id;

-- case: comparison_with_null_column
-- category: queries
SELECT id, created > '2024-02-01' AS later, created = NULL AS eq_null FROM customers ORDER BY id;

-- case: is_distinct_from
-- category: queries
SELECT id FROM customers WHERE vip IS DISTINCT FROM false ORDER BY id;

-- case: is_not_distinct_from_null
-- category: queries
SELECT id FROM customers WHERE country IS NOT DISTINCT FROM NULL;

-- case: like_prefix
-- category: queries
SELECT name FROM customers WHERE name LIKE 'A%' ORDER BY name;

-- case: like_is_case_sensitive
-- category: queries
SELECT name FROM customers WHERE name LIKE '%knuth' OR name LIKE 'D%';

-- case: ilike
-- category: queries
SELECT name FROM customers WHERE name ILIKE 'D%' ORDER BY name;

-- case: not_like_underscore
-- category: queries
SELECT sku FROM products WHERE sku NOT LIKE '__-01' ORDER BY sku;

-- case: like_escape
-- category: queries
SELECT sku FROM products WHERE sku LIKE '%\_%' ESCAPE '\' OR sku LIKE 'CB-%' ORDER BY sku;

-- case: regex_match
-- category: queries
SELECT email FROM customers WHERE email ~ '^[a-g][a-z]+@example\.(org|com)$' ORDER BY email;

-- case: regex_case_insensitive
-- category: queries
SELECT name FROM customers WHERE name ~* '^d' ORDER BY name;

-- case: regex_not_match
-- category: queries
SELECT id FROM customers WHERE email !~ 'example\.org' ORDER BY id;

-- case: in_list
-- category: queries
SELECT id, status FROM orders WHERE status IN ('paid', 'shipped') ORDER BY id;

-- case: not_in_list_with_null_column
-- category: queries
SELECT id FROM customers WHERE country NOT IN ('GB', 'US') ORDER BY id;

-- case: in_list_containing_null
-- category: queries
SELECT id FROM customers WHERE country NOT IN ('GB', NULL);

-- case: between_numeric
-- category: queries
SELECT name, price FROM products WHERE price BETWEEN 19.99 AND 89 ORDER BY price;

-- case: not_between_dates
-- category: queries
SELECT id FROM customers WHERE created NOT BETWEEN '2024-01-10' AND '2024-02-28' ORDER BY id;

-- case: between_timestamps
-- category: queries
SELECT id FROM orders WHERE ordered_at BETWEEN '2024-03-03' AND '2024-03-31 23:59:59' ORDER BY ordered_at;

-- case: case_searched
-- category: queries
SELECT name, CASE WHEN price >= 1000 THEN 'premium' WHEN price >= 50 THEN 'mid' ELSE 'budget' END AS tier FROM products ORDER BY id;

-- case: case_simple_no_else
-- category: queries
SELECT id, CASE status WHEN 'paid' THEN 1 WHEN 'shipped' THEN 2 END AS code FROM orders ORDER BY id;

-- case: coalesce_columns
-- category: queries
SELECT id, coalesce(email, country, 'unknown') AS contact FROM customers ORDER BY id;

-- case: nullif_column
-- category: queries
SELECT id, nullif(stock, 0) AS stock_or_null FROM products ORDER BY id;

-- case: greatest_least
-- category: queries
SELECT id, greatest(stock, 5), least(price, 50.00) FROM products ORDER BY id;

-- case: cast_numeric_to_integer_rounds
-- category: queries
SELECT id, price::integer, CAST(price AS bigint), price::real FROM products ORDER BY id;

-- case: cast_text_to_integer_error
-- category: queries
SELECT sku::integer FROM products;

-- case: cast_integer_to_text_concat
-- category: queries
SELECT 'order #' || id::text || ' of ' || customer_id FROM orders ORDER BY id;

-- case: cast_timestamp_to_date
-- category: queries
SELECT id, ordered_at::date, ordered_at::time FROM orders ORDER BY id;

-- case: cast_overflow_smallint
-- category: queries
SELECT (stock * 1000)::smallint FROM products ORDER BY id;

-- case: integer_division
-- category: queries
SELECT id, stock / 3 AS third, stock % 3 AS rest, stock / 3.0 AS exact FROM products ORDER BY id;

-- case: division_by_zero_column
-- category: queries
SELECT id, price / stock FROM products ORDER BY id;

-- case: division_by_zero_guarded
-- category: queries
SELECT id, CASE WHEN stock = 0 THEN NULL ELSE round(price / stock, 2) END FROM products ORDER BY id;

-- case: integer_overflow_multiply
-- category: queries
SELECT stock * 2147483647 FROM products WHERE stock > 1;

-- case: numeric_arithmetic_scale
-- category: queries
SELECT unit_price * quantity, unit_price / 3, unit_price * 1.5 FROM order_items ORDER BY order_id, product_id;

-- case: string_functions
-- category: queries
SELECT lower(name), upper(name), length(name), substring(name FROM 1 FOR 4), position(' ' IN name), strpos(name, 'a') FROM customers ORDER BY id;

-- case: string_functions_more
-- category: queries
SELECT left(sku, 2), right(sku, 2), lpad(sku, 8, '*'), rpad(sku, 8, '.'), repeat('=', stock % 4), reverse(sku), replace(sku, '-', '/') FROM products ORDER BY id;

-- case: split_part_and_trim
-- category: queries
SELECT split_part(email, '@', 1) AS local_part, split_part(email, '@', 2) AS domain, trim(BOTH 'x' FROM 'xx' || country || 'xx'), ltrim('  ' || name), rtrim(name || '  ') FROM customers ORDER BY id;

-- case: initcap_concat_format
-- category: queries
SELECT initcap(name), concat(name, ' <', email, '>'), concat_ws(', ', name, country, created), format('%s (%s)', name, coalesce(country, '??')) FROM customers ORDER BY id;

-- case: concat_operator_null
-- category: queries
SELECT id, name || ' ' || email FROM customers ORDER BY id;

-- case: math_functions
-- category: queries
SELECT id, abs(-stock), round(price), round(price, 1), ceil(price), floor(price), trunc(price), sqrt(stock), power(stock, 2), mod(stock, 7), sign(stock - 10) FROM products ORDER BY id;

-- case: to_char_number
-- category: queries
SELECT to_char(price, 'FM999990.00'), to_char(stock, '000') FROM products ORDER BY id;

-- case: date_trunc_extract
-- category: queries
SELECT id, date_trunc('month', ordered_at), date_trunc('hour', ordered_at), extract(dow FROM ordered_at), extract(hour FROM ordered_at), date_part('day', ordered_at) FROM orders ORDER BY id;

-- case: extract_from_date
-- category: queries
SELECT id, extract(year FROM created), extract(month FROM created), extract(doy FROM created), extract(epoch FROM created) FROM customers ORDER BY id;

-- case: date_arithmetic
-- category: queries
SELECT id, created + 30, created + interval '1 month', created - date '2024-01-01', age(date '2024-12-31', created) FROM customers ORDER BY id;

-- case: timestamp_arithmetic
-- category: queries
SELECT id, ordered_at + interval '2 days 3 hours', ordered_at - timestamp '2024-03-01 00:00:00', ordered_at - interval '90 minutes' FROM orders ORDER BY id;

-- case: to_char_dates
-- category: queries
SELECT to_char(ordered_at, 'YYYY-MM-DD HH24:MI'), to_char(ordered_at, 'Dy DD Mon YYYY'), to_char(ordered_at::date, 'DD/MM/YY') FROM orders ORDER BY id;

-- case: make_date_to_timestamp
-- category: queries
SELECT make_date(2024, stock % 12 + 1, 1), to_timestamp(stock * 86400) FROM products ORDER BY id;

-- case: order_by_desc_nulls_default
-- category: queries
SELECT id, created FROM customers ORDER BY created DESC, id;

-- case: order_by_nulls_first
-- category: queries
SELECT id, vip FROM customers ORDER BY vip NULLS FIRST, id;

-- case: order_by_desc_nulls_last
-- category: queries
SELECT id, category FROM products ORDER BY category DESC NULLS LAST, id;

-- case: order_by_ordinal_and_expression
-- category: queries
SELECT name, price FROM products ORDER BY 2 DESC, length(name);

-- case: order_by_column_not_selected
-- category: queries
SELECT name FROM products ORDER BY stock, name;

-- case: order_by_text_c_collation
-- category: queries
SELECT name FROM customers ORDER BY name;

-- case: limit_offset
-- category: queries
SELECT id FROM products ORDER BY price DESC LIMIT 2 OFFSET 1;

-- case: fetch_first
-- category: queries
SELECT id, name FROM customers ORDER BY id FETCH FIRST 3 ROWS ONLY;

-- case: offset_beyond_end
-- category: queries
SELECT id FROM customers ORDER BY id OFFSET 100;

-- case: limit_zero
-- category: queries
SELECT id FROM customers ORDER BY id LIMIT 0;

-- case: distinct_column
-- category: queries
SELECT DISTINCT country FROM customers;

-- case: distinct_multiple_ordered
-- category: queries
SELECT DISTINCT customer_id, status FROM orders ORDER BY customer_id, status;

-- case: distinct_on
-- category: queries
SELECT DISTINCT ON (customer_id) customer_id, id, ordered_at FROM orders ORDER BY customer_id, ordered_at DESC;

-- case: missing_column_error
-- category: queries
SELECT nickname FROM customers;

-- case: missing_table_error
-- category: queries
SELECT * FROM clients;

-- case: ambiguous_column_error
-- category: queries
SELECT id FROM customers, orders;

-- case: comparison_type_error
-- category: queries
SELECT id FROM customers WHERE created = 5;

-- case: where_boolean_column_only
-- category: queries
SELECT id FROM customers WHERE vip ORDER BY id;

-- case: values_in_from
-- category: queries
SELECT v.n, v.s FROM (VALUES (1, 'one'), (2, 'two')) AS v(n, s) ORDER BY v.n;
