-- setup: ecommerce (setup/ecommerce.sql)

-- case: srf_unnest_without_from
-- category: queries
SELECT unnest(ARRAY[3, 1, 2]) AS n;

-- case: srf_two_functions_pad_with_null
-- category: queries
SELECT unnest(ARRAY['a', 'b', 'c']) AS letter, generate_series(1, 2) AS n, 'k' AS k;

-- case: srf_per_row_of_a_table
-- category: queries
SELECT c.id, generate_series(1, 2) AS copy FROM customers c WHERE c.id <= 3 ORDER BY c.id, copy;

-- case: srf_empty_set_drops_the_row
-- category: queries
SELECT id, unnest(CASE WHEN id = 1 THEN ARRAY[10, 11] ELSE ARRAY[]::int[] END) AS v FROM customers WHERE id <= 3 ORDER BY id, v;

-- case: srf_ordered_by_output
-- category: queries
SELECT generate_series(1, 5) AS n ORDER BY n DESC LIMIT 2;

-- case: srf_generate_subscripts
-- category: queries
SELECT generate_subscripts(ARRAY['x', 'y', 'z'], 1) AS i;

-- case: srf_over_aggregate
-- category: aggregates
SELECT unnest(array_agg(id ORDER BY id)) AS id FROM customers WHERE id <= 3;

