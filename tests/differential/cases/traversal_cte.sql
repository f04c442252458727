-- setup
CREATE TABLE staff (id integer PRIMARY KEY, name text NOT NULL, manager_id integer REFERENCES staff (id), level smallint);
INSERT INTO staff VALUES
  (1, 'Alice', NULL, 1), (2, 'Bob', 1, 2), (3, 'Carol', 1, 2), (4, 'Dave', 2, 3),
  (5, 'Eve', 4, 4), (6, 'Frank', 4, 4), (7, 'Grace', 3, 3), (8, 'Heidi', 7, NULL),
  (9, 'Ivan', NULL, 1), (10, 'Judy', 9, 2), (11, 'Ken', 5, 5), (12, 'Liz', NULL, 1), (13, 'Max', 12, 2);
UPDATE staff SET manager_id = 13 WHERE id = 12;
CREATE TABLE users (id int PRIMARY KEY, name text);
CREATE TABLE follows (id int PRIMARY KEY, follower int REFERENCES users (id), followee int REFERENCES users (id));
INSERT INTO users SELECT g, 'u' || g FROM generate_series(1, 12) g;
INSERT INTO follows VALUES
  (1, 1, 2), (2, 2, 3), (3, 3, 1), (4, 3, 4), (5, 4, 5), (6, 5, 6), (7, 1, 4), (8, 6, 4),
  (9, 6, 7), (10, 7, 8), (11, 8, 9), (12, 9, 10), (13, 10, 11), (14, 2, 3), (15, 11, NULL),
  (16, NULL, 12), (17, 12, 12);

-- case: down_tree_depth_path
-- category: cte
WITH RECURSIVE sub(id, name, depth, path) AS (
  SELECT id, name, 0, ARRAY[id] FROM staff WHERE id = 2
  UNION ALL
  SELECT s.id, s.name, r.depth + 1, r.path || s.id FROM staff s JOIN sub r ON s.manager_id = r.id
) SELECT * FROM sub ORDER BY path;

-- case: down_tree_union_comma_join
-- category: cte
WITH RECURSIVE sub AS (
  SELECT id, name, manager_id FROM staff WHERE id = 1
  UNION
  SELECT s.id, s.name, s.manager_id FROM staff s, sub r WHERE s.manager_id = r.id
) SELECT * FROM sub ORDER BY id;

-- case: down_tree_depth_bound
-- category: cte
WITH RECURSIVE sub(id, depth) AS (
  SELECT 1, 0
  UNION ALL
  SELECT s.id, r.depth + 1 FROM staff s JOIN sub r ON s.manager_id = r.id WHERE r.depth < 2
) SELECT * FROM sub ORDER BY depth, id;

-- case: down_tree_depth_bound_inclusive_param_start
-- category: cte
WITH RECURSIVE sub(id, depth) AS (
  SELECT id, 1 FROM staff WHERE id = 2
  UNION
  SELECT s.id, r.depth + 1 FROM staff s JOIN sub r ON s.manager_id = r.id WHERE r.depth <= 3
) SELECT * FROM sub ORDER BY depth, id;

-- case: down_tree_from_null_manager_roots
-- category: cte
WITH RECURSIVE sub(root, id, depth) AS (
  SELECT id, id, 0 FROM staff WHERE manager_id IS NULL
  UNION ALL
  SELECT r.root, s.id, r.depth + 1 FROM staff s JOIN sub r ON s.manager_id = r.id
) SELECT * FROM sub ORDER BY root, depth, id;

-- case: down_tree_start_missing
-- category: cte
WITH RECURSIVE sub(id, depth) AS (
  SELECT 42, 0
  UNION ALL
  SELECT s.id, r.depth + 1 FROM staff s JOIN sub r ON s.manager_id = r.id
) SELECT * FROM sub ORDER BY id;

-- case: down_tree_nullable_columns
-- category: cte
WITH RECURSIVE sub AS (
  SELECT id, level, manager_id FROM staff WHERE id = 3
  UNION ALL
  SELECT s.id, s.level, s.manager_id FROM staff s JOIN sub r ON s.manager_id = r.id
) SELECT * FROM sub ORDER BY id;

-- case: down_tree_expression_targets
-- category: cte
WITH RECURSIVE sub(id, label, depth) AS (
  SELECT id, upper(name), 0 FROM staff WHERE id = 4
  UNION ALL
  SELECT s.id, s.name || '@' || s.id, r.depth + 1 FROM staff s JOIN sub r ON s.manager_id = r.id
) SELECT * FROM sub ORDER BY depth, id;

-- case: up_tree_ancestors
-- category: cte
WITH RECURSIVE up(id, name, manager_id, depth) AS (
  SELECT id, name, manager_id, 0 FROM staff WHERE id = 11
  UNION ALL
  SELECT s.id, s.name, s.manager_id, r.depth + 1 FROM staff s JOIN up r ON s.id = r.manager_id
) SELECT * FROM up ORDER BY depth;

-- case: up_tree_from_constant_with_path
-- category: cte
WITH RECURSIVE up(manager_id, path) AS (
  SELECT 8, ARRAY[8]
  UNION ALL
  SELECT s.manager_id, r.path || s.id FROM staff s JOIN up r ON s.id = r.manager_id
) SELECT * FROM up ORDER BY cardinality(path);

-- case: up_tree_bounded
-- category: cte
WITH RECURSIVE up(id, manager_id, depth) AS (
  SELECT id, manager_id, 0 FROM staff WHERE id = 11
  UNION ALL
  SELECT s.id, s.manager_id, r.depth + 1 FROM staff s JOIN up r ON s.id = r.manager_id WHERE r.depth < 2
) SELECT * FROM up ORDER BY depth;

-- case: up_tree_from_constant_bounded
-- category: cte
WITH RECURSIVE up(m, d) AS (
  SELECT 5, 0
  UNION ALL
  SELECT s.manager_id, r.d + 1 FROM staff s JOIN up r ON s.id = r.m WHERE r.d < 2
) SELECT * FROM up ORDER BY d;

-- case: down_tree_null_start_key
-- category: cte
WITH RECURSIVE sub(id, depth) AS (
  SELECT NULL::int, 0
  UNION ALL
  SELECT s.id, r.depth + 1 FROM staff s JOIN sub r ON s.manager_id = r.id
) SELECT * FROM sub;

-- case: down_tree_depth_overflow
-- category: cte
WITH RECURSIVE sub(id, depth) AS (
  SELECT 1, 2147483646
  UNION ALL
  SELECT s.id, r.depth + 1 FROM staff s JOIN sub r ON s.manager_id = r.id
) SELECT count(*) FROM sub;

-- case: reach_union_no_depth_cyclic
-- category: cte
WITH RECURSIVE reach(id) AS (
  SELECT 1
  UNION
  SELECT f.followee FROM follows f JOIN reach r ON f.follower = r.id
) SELECT id FROM reach ORDER BY id;

-- case: reach_union_depth_bound
-- category: cte
WITH RECURSIVE reach(id, depth) AS (
  SELECT 1, 0
  UNION
  SELECT f.followee, r.depth + 1 FROM follows f JOIN reach r ON f.follower = r.id WHERE r.depth < 4
) SELECT * FROM reach ORDER BY depth, id;

-- case: reach_union_all_depth_bound
-- category: cte
WITH RECURSIVE reach(id, depth) AS (
  SELECT 1, 0
  UNION ALL
  SELECT f.followee, r.depth + 1 FROM follows f JOIN reach r ON f.follower = r.id WHERE r.depth < 5
) SELECT id, depth, count(*) FROM reach GROUP BY id, depth ORDER BY depth, id;

-- case: reach_reverse_followers
-- category: cte
WITH RECURSIVE reach(id) AS (
  SELECT id FROM users WHERE id = 4
  UNION
  SELECT f.follower FROM follows f JOIN reach r ON f.followee = r.id
) SELECT id FROM reach ORDER BY id;

-- case: reach_cycle_safe_paths
-- category: cte
WITH RECURSIVE walk(id, path) AS (
  SELECT 1, ARRAY[1]
  UNION ALL
  SELECT f.followee, r.path || f.followee FROM follows f JOIN walk r ON f.follower = r.id
  WHERE NOT f.followee = ANY(r.path)
) SELECT * FROM walk ORDER BY cardinality(path), path;

-- case: reach_self_loop_and_null_keys
-- category: cte
WITH RECURSIVE reach(id, depth) AS (
  SELECT 12, 0
  UNION
  SELECT f.followee, r.depth + 1 FROM follows f JOIN reach r ON f.follower = r.id WHERE r.depth < 3
) SELECT * FROM reach ORDER BY depth, id;

-- case: reach_joined_back_to_users
-- category: cte
WITH RECURSIVE reach(id, depth) AS (
  SELECT 3, 0
  UNION
  SELECT f.followee, r.depth + 1 FROM follows f JOIN reach r ON f.follower = r.id WHERE r.depth < 3
) SELECT u.name, min(r.depth) FROM reach r JOIN users u ON u.id = r.id GROUP BY u.name ORDER BY 2, 1;

-- case: benchmark_reach_4_hops
-- category: cte
WITH RECURSIVE reach(id, depth) AS (SELECT 1, 0 UNION SELECT f.followee, r.depth + 1 FROM follows f JOIN reach r ON f.follower = r.id WHERE r.depth < 4) SELECT count(DISTINCT id) FROM reach;

-- case: benchmark_reach_unbounded
-- category: cte
WITH RECURSIVE reach(id) AS (SELECT 1 UNION SELECT f.followee FROM follows f JOIN reach r ON f.follower = r.id) SELECT count(*) FROM reach;

-- case: manager_cycle_union_returns_to_start
-- category: cte
WITH RECURSIVE sub(id, name) AS (
  SELECT id, 'start' FROM staff WHERE id = 12
  UNION
  SELECT s.id, s.name FROM staff s JOIN sub r ON s.manager_id = r.id
) SELECT * FROM sub ORDER BY id, name;

-- case: manager_cycle_safe_path
-- category: cte
WITH RECURSIVE sub(id, path) AS (
  SELECT id, ARRAY[id] FROM staff WHERE id = 13
  UNION ALL
  SELECT s.id, r.path || s.id FROM staff s JOIN sub r ON s.manager_id = r.id WHERE NOT s.id = ANY(r.path)
) SELECT * FROM sub ORDER BY path;

-- case: manager_cycle_up_bounded
-- category: cte
WITH RECURSIVE up(id, manager_id, depth) AS (
  SELECT id, manager_id, 0 FROM staff WHERE id = 13
  UNION ALL
  SELECT s.id, s.manager_id, r.depth + 1 FROM staff s JOIN up r ON s.id = r.manager_id WHERE r.depth < 5
) SELECT * FROM up ORDER BY depth;

-- case: reach_reverse_to_null_follower
-- category: cte
WITH RECURSIVE reach(id, depth) AS (
  SELECT 12, 0
  UNION ALL
  SELECT f.follower, r.depth + 1 FROM follows f JOIN reach r ON f.followee = r.id WHERE r.depth < 3
) SELECT * FROM reach ORDER BY depth, id;

-- case: reach_union_all_to_null_followee
-- category: cte
WITH RECURSIVE reach(id, depth) AS (
  SELECT 9, 0
  UNION ALL
  SELECT f.followee, r.depth + 1 FROM follows f JOIN reach r ON f.follower = r.id WHERE r.depth < 4
) SELECT * FROM reach ORDER BY depth, id;

-- case: reach_cycle_safe_paths_skip_null
-- category: cte
WITH RECURSIVE walk(id, path) AS (
  SELECT 9, ARRAY[9]
  UNION ALL
  SELECT f.followee, r.path || f.followee FROM follows f JOIN walk r ON f.follower = r.id
  WHERE NOT f.followee = ANY(r.path)
) SELECT * FROM walk ORDER BY cardinality(path), path;

-- case: reach_edges_with_source_column
-- category: cte
WITH RECURSIVE reach(src, id, depth) AS (
  SELECT NULL::int, 3, 0
  UNION
  SELECT f.follower, f.followee, r.depth + 1 FROM follows f JOIN reach r ON f.follower = r.id WHERE r.depth < 2
) SELECT * FROM reach ORDER BY depth, src, id;

-- case: reach_start_by_name
-- category: cte
WITH RECURSIVE reach(id) AS (
  SELECT id FROM users WHERE name = 'u6'
  UNION
  SELECT f.followee FROM follows f JOIN reach r ON f.follower = r.id
) SELECT id FROM reach ORDER BY id;

-- case: link_rows_after_writes
-- category: cte
DELETE FROM follows WHERE id = 7;
UPDATE follows SET followee = 12 WHERE id = 4;
INSERT INTO follows VALUES (18, 12, 2);
WITH RECURSIVE reach(id, depth) AS (
  SELECT 1, 0
  UNION
  SELECT f.followee, r.depth + 1 FROM follows f JOIN reach r ON f.follower = r.id WHERE r.depth < 6
) SELECT * FROM reach ORDER BY depth, id;

-- case: counted_reach_distinct_bounded
-- category: cte
WITH RECURSIVE reach(id, depth) AS (
  SELECT 1, 0
  UNION
  SELECT f.followee, r.depth + 1 FROM follows f JOIN reach r ON f.follower = r.id WHERE r.depth < 3
) SELECT count(DISTINCT id) FROM reach;

-- case: counted_reach_distinct_qualified_alias
-- category: cte
WITH RECURSIVE reach(id, depth) AS (
  SELECT 6, 1
  UNION
  SELECT f.followee, r.depth + 1 FROM follows f JOIN reach r ON f.follower = r.id WHERE r.depth < 3
) SELECT count(DISTINCT x.id) AS n FROM reach x;

-- case: counted_reach_distinct_unbounded_with_null_rows
-- category: cte
WITH RECURSIVE reach(id) AS (
  SELECT 6
  UNION
  SELECT f.followee FROM follows f JOIN reach r ON f.follower = r.id
) SELECT count(DISTINCT id) FROM reach;

-- case: counted_reach_missing_and_null_start
-- category: cte
WITH RECURSIVE reach(id) AS (SELECT 99 UNION SELECT f.followee FROM follows f JOIN reach r ON f.follower = r.id)
SELECT count(*) FROM reach;
WITH RECURSIVE reach(id) AS (SELECT NULL::int UNION SELECT f.followee FROM follows f JOIN reach r ON f.follower = r.id)
SELECT count(*) FROM reach;
WITH RECURSIVE reach(id) AS (SELECT NULL::int UNION SELECT f.followee FROM follows f JOIN reach r ON f.follower = r.id)
SELECT count(DISTINCT id) FROM reach;

-- case: counted_reach_depth_zero_and_inclusive
-- category: cte
WITH RECURSIVE reach(id, depth) AS (
  SELECT 1, 5
  UNION
  SELECT f.followee, r.depth + 1 FROM follows f JOIN reach r ON f.follower = r.id WHERE r.depth < 4
) SELECT count(DISTINCT id) FROM reach;
WITH RECURSIVE reach(id, depth) AS (
  SELECT 1, 0
  UNION
  SELECT f.followee, r.depth + 1 FROM follows f JOIN reach r ON f.follower = r.id WHERE r.depth <= 2
) SELECT count(DISTINCT id) FROM reach;

-- case: counted_reach_other_counts_not_pushed
-- category: cte
WITH RECURSIVE reach(id, depth) AS (
  SELECT 1, 0
  UNION
  SELECT f.followee, r.depth + 1 FROM follows f JOIN reach r ON f.follower = r.id WHERE r.depth < 3
) SELECT count(*) FROM reach;
WITH RECURSIVE reach(id, depth) AS (
  SELECT 1, 0
  UNION ALL
  SELECT f.followee, r.depth + 1 FROM follows f JOIN reach r ON f.follower = r.id WHERE r.depth < 3
) SELECT count(DISTINCT id) FROM reach;
WITH RECURSIVE reach(id, depth) AS (
  SELECT 1, 0
  UNION
  SELECT f.followee, r.depth + 1 FROM follows f JOIN reach r ON f.follower = r.id WHERE r.depth < 3
) SELECT count(DISTINCT depth) FROM reach;

-- case: counted_reach_star_without_null_rows
-- category: cte
DELETE FROM follows WHERE followee IS NULL;
WITH RECURSIVE reach(id) AS (SELECT 1 UNION SELECT f.followee FROM follows f JOIN reach r ON f.follower = r.id)
SELECT count(*) FROM reach;
WITH RECURSIVE reach(id) AS (SELECT 12 UNION SELECT f.followee FROM follows f JOIN reach r ON f.follower = r.id)
SELECT count(*) FROM reach;
WITH RECURSIVE reach(id) AS (SELECT 3 UNION SELECT f.followee FROM follows f JOIN reach r ON f.follower = r.id)
SELECT count(*), count(*) FROM reach;
WITH RECURSIVE reach(id) AS (SELECT 5 UNION SELECT f.follower FROM follows f JOIN reach r ON f.followee = r.id)
SELECT count(*) FROM reach;

-- case: counted_reach_in_subqueries
-- category: cte
SELECT (WITH RECURSIVE reach(id) AS (SELECT 1 UNION SELECT f.followee FROM follows f JOIN reach r ON f.follower = r.id)
  SELECT count(*) FROM reach) + 1 AS n;
SELECT x FROM (WITH RECURSIVE reach(id) AS (SELECT 1 UNION SELECT f.followee FROM follows f JOIN reach r ON f.follower = r.id)
  SELECT count(DISTINCT id) FROM reach UNION SELECT 2.5) s(x) ORDER BY x;

-- case: counted_reach_long_chain
-- category: cte
CREATE TABLE chain_nodes (id int PRIMARY KEY);
CREATE TABLE chain_links (id int PRIMARY KEY, a int REFERENCES chain_nodes (id), b int REFERENCES chain_nodes (id));
INSERT INTO chain_nodes SELECT g FROM generate_series(1, 40) g;
INSERT INTO chain_links SELECT g, g, g + 1 FROM generate_series(1, 39) g;
WITH RECURSIVE reach(id) AS (SELECT 1 UNION SELECT l.b FROM chain_links l JOIN reach r ON l.a = r.id)
SELECT count(*) FROM reach;
WITH RECURSIVE reach(id) AS (SELECT 1 UNION SELECT l.b FROM chain_links l JOIN reach r ON l.a = r.id)
SELECT count(DISTINCT id) FROM reach;
WITH RECURSIVE reach(id, depth) AS (SELECT 1, 0 UNION SELECT l.b, r.depth + 1 FROM chain_links l JOIN reach r ON l.a = r.id WHERE r.depth < 30)
SELECT count(DISTINCT id) FROM reach;
WITH RECURSIVE reach(id, depth) AS (SELECT 1, 0 UNION SELECT l.b, r.depth + 1 FROM chain_links l JOIN reach r ON l.a = r.id WHERE r.depth < 35)
SELECT count(DISTINCT id) FROM reach;
WITH RECURSIVE reach(id) AS (SELECT 9 UNION SELECT l.b FROM chain_links l JOIN reach r ON l.a = r.id)
SELECT count(*) FROM reach;
