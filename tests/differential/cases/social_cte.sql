-- setup
CREATE TABLE users (id integer PRIMARY KEY, handle text NOT NULL UNIQUE, joined date NOT NULL, verified boolean NOT NULL DEFAULT false);
CREATE TABLE follows (
  follower integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  followee integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  since date NOT NULL,
  PRIMARY KEY (follower, followee),
  CHECK (follower <> followee)
);
CREATE TABLE posts (id integer PRIMARY KEY, author integer NOT NULL REFERENCES users (id), body text NOT NULL, likes integer NOT NULL DEFAULT 0, posted timestamptz NOT NULL);
INSERT INTO users VALUES
  (1, 'ann', '2023-01-01', true), (2, 'ben', '2023-02-01', false), (3, 'cat', '2023-03-01', true),
  (4, 'dan', '2023-04-01', false), (5, 'eva', '2023-05-01', false), (6, 'fay', '2023-06-01', true),
  (7, 'gus', '2023-07-01', false);
INSERT INTO follows VALUES
  (1, 2, '2023-02-10'), (2, 3, '2023-03-10'), (3, 1, '2023-03-11'), (3, 4, '2023-04-10'),
  (4, 5, '2023-05-10'), (5, 6, '2023-06-10'), (1, 4, '2023-04-11'), (6, 4, '2023-06-11');
INSERT INTO posts VALUES
  (1, 1, 'hello world', 10, '2024-01-01 09:00:00+00'),
  (2, 3, 'graphs are neat', 25, '2024-01-02 10:30:00+01'),
  (3, 3, 'recursive CTEs!', 7, '2024-01-03 23:15:00-05'),
  (4, 5, 'first post', 0, '2024-01-04 12:00:00+00'),
  (5, 6, 'kuzu + postgres', 42, '2024-01-05 08:45:00+00');

-- case: followers_of_user
-- category: joins
SELECT u.handle FROM follows f JOIN users u ON u.id = f.follower WHERE f.followee = 4 ORDER BY u.handle;

-- case: mutual_follows
-- category: joins
SELECT a.follower, a.followee FROM follows a JOIN follows b ON a.follower = b.followee AND a.followee = b.follower ORDER BY 1, 2;

-- case: follower_counts_including_zero
-- category: aggregates
SELECT u.handle, count(f.follower) AS followers FROM users u LEFT JOIN follows f ON f.followee = u.id GROUP BY u.handle ORDER BY followers DESC, u.handle;

-- case: friends_of_friends
-- category: joins
SELECT DISTINCT f2.followee FROM follows f1 JOIN follows f2 ON f2.follower = f1.followee WHERE f1.follower = 1 AND f2.followee <> 1 ORDER BY 1;

-- case: timestamptz_rendering_utc
-- category: queries
SELECT id, posted FROM posts ORDER BY posted;

-- case: timestamptz_in_other_zone
-- category: queries
SET TIME ZONE 'America/New_York';
SELECT id, posted, posted::date FROM posts ORDER BY id;

-- case: timestamptz_at_time_zone
-- category: queries
SET TIME ZONE 'UTC';
SELECT id, posted AT TIME ZONE 'Asia/Tokyo', date_trunc('day', posted) FROM posts ORDER BY id;

-- case: reachable_from_ann
-- category: cte
WITH RECURSIVE reach(id) AS (
  SELECT followee FROM follows WHERE follower = 1
  UNION
  SELECT f.followee FROM follows f JOIN reach r ON f.follower = r.id
) SELECT id FROM reach ORDER BY id;

-- case: reachable_with_min_hops
-- category: cte
WITH RECURSIVE reach(id, hops) AS (
  SELECT followee, 1 FROM follows WHERE follower = 1
  UNION ALL
  SELECT f.followee, r.hops + 1 FROM follows f JOIN reach r ON f.follower = r.id WHERE r.hops < 4
) SELECT id, min(hops) FROM reach GROUP BY id ORDER BY id;

-- case: paths_up_to_three_hops
-- category: cte
WITH RECURSIVE p(last, path) AS (
  SELECT followee, ARRAY[follower, followee] FROM follows WHERE follower = 3
  UNION ALL
  SELECT f.followee, p.path || f.followee FROM follows f JOIN p ON f.follower = p.last
  WHERE cardinality(p.path) < 4 AND NOT f.followee = ANY (p.path)
) SELECT path FROM p ORDER BY cardinality(path), path;

-- case: cycle_safe_traversal
-- category: cte
WITH RECURSIVE walk(id, path, is_cycle) AS (
  SELECT 4, ARRAY[4], false
  UNION ALL
  SELECT f.followee, w.path || f.followee, f.followee = ANY (w.path) FROM follows f JOIN walk w ON f.follower = w.id WHERE NOT w.is_cycle
) SELECT path, is_cycle FROM walk ORDER BY cardinality(path), path;

-- case: cycle_clause_on_graph
-- category: cte
WITH RECURSIVE walk(id) AS (
  SELECT 1
  UNION ALL
  SELECT f.followee FROM follows f JOIN walk w ON f.follower = w.id
) CYCLE id SET is_cycle USING path
SELECT id, is_cycle, path FROM walk ORDER BY path;

-- case: unreachable_users
-- category: cte
WITH RECURSIVE reach(id) AS (SELECT 4 UNION SELECT f.followee FROM follows f JOIN reach r ON f.follower = r.id)
SELECT handle FROM users WHERE id NOT IN (SELECT id FROM reach) ORDER BY handle;

-- case: feed_of_followed_posts
-- category: cte
WITH followed AS (SELECT followee FROM follows WHERE follower = 1)
SELECT p.id, u.handle, p.body FROM posts p JOIN users u ON u.id = p.author WHERE p.author IN (SELECT followee FROM followed) OR p.author = 1 ORDER BY p.posted DESC;

-- case: follow_self_check
-- category: constraints
INSERT INTO follows VALUES (7, 7, '2024-01-01');

-- case: follow_twice_duplicate
-- category: constraints
INSERT INTO follows VALUES (1, 2, '2024-01-01');

-- case: follow_unknown_user
-- category: constraints
INSERT INTO follows VALUES (7, 70, '2024-01-01');

-- case: follow_on_conflict_do_nothing
-- category: dml
INSERT INTO follows VALUES (1, 2, '2024-01-01'), (7, 1, '2024-01-01') ON CONFLICT (follower, followee) DO NOTHING RETURNING follower, followee, since;

-- case: delete_user_cascades_follows
-- category: constraints
DELETE FROM users WHERE id = 7;
SELECT count(*) FROM follows WHERE 7 IN (follower, followee);

-- case: delete_user_with_posts_restricted
-- category: constraints
DELETE FROM users WHERE id = 5;

-- case: top_posts_window
-- category: window
SELECT author, id, likes, row_number() OVER (PARTITION BY author ORDER BY likes DESC) FROM posts ORDER BY author, likes DESC;

-- case: likes_lead_lag_by_time
-- category: window
SELECT id, likes - lag(likes) OVER (ORDER BY posted) AS delta FROM posts ORDER BY posted;

-- case: verified_intersect_followed
-- category: setops
SELECT id FROM users WHERE verified INTERSECT SELECT followee FROM follows ORDER BY 1;
