-- Клиенты, требующие внимания: нет событий N дней, просроченная задача или долг (--days: 14; --manager)
WITH rec(client, id) AS (
  SELECT id, id FROM client
  UNION ALL SELECT client, id FROM lead WHERE client IS NOT NULL
  UNION ALL SELECT client, id FROM contact WHERE client IS NOT NULL),
seen AS (
  SELECT rec.client, max(coalesce(a.at, a.created)) AS at
  FROM rec JOIN activity a ON a."on" = rec.id GROUP BY rec.client),
late AS (
  SELECT rec.client, count(*) AS n
  FROM rec JOIN task t ON t."on" = rec.id
  WHERE coalesce(t.done, 0) = 0 AND t.due < :today GROUP BY rec.client),
c AS (
  SELECT client.id, client.name, client.manager,
         substr(coalesce(seen.at, client.created), 1, 10) AS last_activity,
         coalesce(late.n, 0) AS overdue_tasks,
         0 AS debt  -- invoiced - paid, in kopecks: 0 until payments are kept
  FROM client
  LEFT JOIN seen ON seen.client = client.id
  LEFT JOIN late ON late.client = client.id)
SELECT id, name, manager, last_activity,
       CAST(julianday(:today) - julianday(last_activity) AS INTEGER) AS quiet_days,
       overdue_tasks, debt
FROM c
WHERE (last_activity <= date(:today, '-' || coalesce(:days, 14) || ' days')
       OR overdue_tasks > 0 OR debt > 0)
  AND (:manager IS NULL OR manager = :manager)
ORDER BY manager, name COLLATE ru
