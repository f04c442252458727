-- setup
CREATE TABLE departments (id integer PRIMARY KEY, name text NOT NULL UNIQUE);
CREATE TABLE employees (
  id integer PRIMARY KEY,
  name text NOT NULL,
  title text,
  manager_id integer REFERENCES employees (id) ON DELETE SET NULL,
  dept_id integer REFERENCES departments (id),
  salary numeric(10,2),
  hired date NOT NULL
);
INSERT INTO departments VALUES (1, 'Engineering'), (2, 'Sales'), (3, 'Research'), (4, 'Legal');
INSERT INTO employees VALUES
  (1, 'Alice', 'CEO', NULL, NULL, 250000, '2015-01-01'),
  (2, 'Bob', 'CTO', 1, 1, 200000, '2016-03-01'),
  (3, 'Carol', 'VP Sales', 1, 2, 180000, '2016-06-15'),
  (4, 'Dave', 'Engineering Manager', 2, 1, 150000, '2017-02-01'),
  (5, 'Eve', 'Engineer', 4, 1, 120000, '2018-07-01'),
  (6, 'Frank', 'Engineer', 4, 1, 115000, '2019-01-10'),
  (7, 'Grace', 'Sales Rep', 3, 2, 90000, '2019-05-20'),
  (8, 'Heidi', 'Sales Rep', 3, 2, 90000, '2020-08-01'),
  (9, 'Ivan', 'Researcher', 2, 3, 130000, '2021-01-04'),
  (10, 'Judy', 'Intern', 5, 1, NULL, '2024-06-01');

-- case: self_join_manager_name
-- category: joins
SELECT e.name, m.name AS manager FROM employees e LEFT JOIN employees m ON m.id = e.manager_id ORDER BY e.id;

-- case: self_join_direct_reports_count
-- category: joins
SELECT m.name, count(e.id) AS reports FROM employees m LEFT JOIN employees e ON e.manager_id = m.id GROUP BY m.id, m.name ORDER BY reports DESC, m.name;

-- case: skip_level_join
-- category: joins
SELECT e.name, g.name AS grand_manager FROM employees e JOIN employees m ON m.id = e.manager_id JOIN employees g ON g.id = m.manager_id ORDER BY e.id;

-- case: department_without_employees
-- category: joins
SELECT d.name, count(e.id) FROM departments d LEFT JOIN employees e ON e.dept_id = d.id GROUP BY d.name ORDER BY d.name;

-- case: earns_more_than_manager
-- category: joins
SELECT e.name FROM employees e JOIN employees m ON m.id = e.manager_id WHERE e.salary > m.salary * 0.75 ORDER BY e.name;

-- case: salary_stats_by_department
-- category: aggregates
SELECT d.name, count(*), count(e.salary), avg(e.salary), max(e.hired) FROM employees e JOIN departments d ON d.id = e.dept_id GROUP BY d.name ORDER BY d.name;

-- case: salary_rank_in_department
-- category: window
SELECT name, dept_id, salary, rank() OVER (PARTITION BY dept_id ORDER BY salary DESC NULLS LAST) FROM employees ORDER BY dept_id NULLS FIRST, salary DESC NULLS LAST, name;

-- case: salary_running_total_by_hire
-- category: window
SELECT name, hired, sum(salary) OVER (ORDER BY hired) AS payroll FROM employees ORDER BY hired;

-- case: cte_simple
-- category: cte
WITH eng AS (SELECT id, name FROM employees WHERE dept_id = 1) SELECT name FROM eng ORDER BY id;

-- case: cte_two_referencing
-- category: cte
WITH dept_pay AS (SELECT dept_id, sum(salary) AS total FROM employees GROUP BY dept_id), top AS (SELECT max(total) AS m FROM dept_pay) SELECT d.dept_id, d.total FROM dept_pay d, top WHERE d.total = top.m;

-- case: cte_used_twice
-- category: cte
WITH paid AS (SELECT id, salary FROM employees WHERE salary IS NOT NULL) SELECT (SELECT count(*) FROM paid) AS n, (SELECT sum(salary) FROM paid) AS total;

-- case: cte_column_list
-- category: cte
WITH t(who, boss) AS (SELECT name, manager_id FROM employees) SELECT who FROM t WHERE boss IS NULL;

-- case: recursive_subordinates
-- category: cte
WITH RECURSIVE sub AS (
  SELECT id, name, 0 AS depth FROM employees WHERE id = 2
  UNION ALL
  SELECT e.id, e.name, s.depth + 1 FROM employees e JOIN sub s ON e.manager_id = s.id
) SELECT id, name, depth FROM sub ORDER BY depth, id;

-- case: recursive_chain_of_command
-- category: cte
WITH RECURSIVE chain AS (
  SELECT id, name, manager_id, 1 AS level FROM employees WHERE id = 10
  UNION ALL
  SELECT m.id, m.name, m.manager_id, c.level + 1 FROM employees m JOIN chain c ON m.id = c.manager_id
) SELECT level, name FROM chain ORDER BY level;

-- case: recursive_path_string
-- category: cte
WITH RECURSIVE tree AS (
  SELECT id, name, name::text AS path FROM employees WHERE manager_id IS NULL
  UNION ALL
  SELECT e.id, e.name, t.path || ' > ' || e.name FROM employees e JOIN tree t ON e.manager_id = t.id
) SELECT path FROM tree ORDER BY path;

-- case: recursive_path_array
-- category: cte
WITH RECURSIVE tree AS (
  SELECT id, ARRAY[id] AS path FROM employees WHERE manager_id IS NULL
  UNION ALL
  SELECT e.id, t.path || e.id FROM employees e JOIN tree t ON e.manager_id = t.id
) SELECT id, path, cardinality(path) AS depth FROM tree ORDER BY path;

-- case: recursive_count_per_depth
-- category: cte
WITH RECURSIVE tree AS (
  SELECT id, 0 AS depth FROM employees WHERE manager_id IS NULL
  UNION ALL
  SELECT e.id, t.depth + 1 FROM employees e JOIN tree t ON e.manager_id = t.id
) SELECT depth, count(*) FROM tree GROUP BY depth ORDER BY depth;

-- case: recursive_team_payroll
-- category: cte
WITH RECURSIVE team AS (
  SELECT id, salary FROM employees WHERE id = 4
  UNION ALL
  SELECT e.id, e.salary FROM employees e JOIN team t ON e.manager_id = t.id
) SELECT count(*), sum(salary) FROM team;

-- case: recursive_series
-- category: cte
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5) SELECT i, i * i FROM n ORDER BY i;

-- case: recursive_union_dedups
-- category: cte
WITH RECURSIVE up(id) AS (SELECT 5 UNION SELECT e.manager_id FROM employees e JOIN up ON e.id = up.id WHERE e.manager_id IS NOT NULL) SELECT id FROM up ORDER BY id;

-- case: recursive_with_depth_limit
-- category: cte
WITH RECURSIVE sub AS (
  SELECT id, 0 AS depth FROM employees WHERE id = 1
  UNION ALL
  SELECT e.id, s.depth + 1 FROM employees e JOIN sub s ON e.manager_id = s.id WHERE s.depth < 1
) SELECT id, depth FROM sub ORDER BY id;

-- case: recursive_cycle_detection_with_array
-- category: cte
UPDATE employees SET manager_id = 10 WHERE id = 1;
WITH RECURSIVE walk AS (
  SELECT id, manager_id, ARRAY[id] AS seen, false AS cycle FROM employees WHERE id = 5
  UNION ALL
  SELECT e.id, e.manager_id, w.seen || e.id, e.id = ANY (w.seen) FROM employees e JOIN walk w ON e.id = w.manager_id WHERE NOT w.cycle
) SELECT id, seen, cycle FROM walk ORDER BY cardinality(seen);

-- case: recursive_cycle_clause
-- category: cte
WITH RECURSIVE walk AS (
  SELECT id, manager_id FROM employees WHERE id = 5
  UNION ALL
  SELECT e.id, e.manager_id FROM employees e JOIN walk w ON e.id = w.manager_id
) CYCLE id SET is_cycle USING path
SELECT id, is_cycle, path FROM walk ORDER BY path;

-- case: recursive_search_depth_first
-- category: cte
UPDATE employees SET manager_id = NULL WHERE id = 1;
WITH RECURSIVE tree AS (
  SELECT id, name FROM employees WHERE id = 1
  UNION ALL
  SELECT e.id, e.name FROM employees e JOIN tree t ON e.manager_id = t.id
) SEARCH DEPTH FIRST BY id SET ord
SELECT name FROM tree ORDER BY ord;

-- case: cte_with_dml_returning
-- category: cte
WITH raised AS (UPDATE employees SET salary = salary * 1.05 WHERE dept_id = 3 RETURNING id, salary) SELECT id, salary FROM raised;

-- case: delete_manager_sets_null
-- category: constraints
DELETE FROM employees WHERE id = 4;
SELECT id, manager_id FROM employees WHERE id IN (5, 6) ORDER BY id;

-- case: recursive_non_recursive_error
-- category: cte
WITH RECURSIVE bad AS (SELECT 1 AS x UNION ALL SELECT x + 1 FROM bad, bad b2) SELECT * FROM bad;
