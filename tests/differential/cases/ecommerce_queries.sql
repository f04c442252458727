-- setup: ecommerce (setup/ecommerce.sql)

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
