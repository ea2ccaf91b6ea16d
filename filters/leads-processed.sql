-- Лиды по менеджерам за период: новые, обработанные, необработанные, заказы, отказы (--from, --to: текущий месяц; --manager)
WITH p AS (
  SELECT coalesce(:from, date(:today, 'start of month')) AS first,
         coalesce(:to, date(:today, 'start of month', '+1 month', '-1 day')) AS last),
l AS (
  SELECT lead.* FROM lead, p
  WHERE substr(lead.created, 1, 10) BETWEEN p.first AND p.last)
SELECT e.login AS manager, e.name AS name,
       count(l.id) AS leads,
       coalesce(sum(l.processed = 1), 0) AS processed,
       coalesce(sum(l.processed = 0), 0) AS unprocessed,
       coalesce(sum(l.stage = 'won'), 0) AS won,
       coalesce(sum(l.stage = 'lost'), 0) AS lost
FROM employee e LEFT JOIN l ON l.manager = e.login
WHERE (e.role = 'manager' AND coalesce(e.active, 1) = 1 OR l.id IS NOT NULL)
  AND (:manager IS NULL OR e.login = :manager)
GROUP BY e.login
ORDER BY e.login
