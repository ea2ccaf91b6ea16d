-- Задачи по менеджерам за период: поставлено, выполнено из них, просрочено (--from, --to: текущий месяц; --manager)
WITH p AS (
  SELECT coalesce(:from, date(:today, 'start of month')) AS first,
         coalesce(:to, date(:today, 'start of month', '+1 month', '-1 day')) AS last),
t AS (
  SELECT task.* FROM task, p
  WHERE substr(task.created, 1, 10) BETWEEN p.first AND p.last)
SELECT e.login AS manager, e.name AS name,
       count(t.id) AS created,
       coalesce(sum(t.done = 1), 0) AS done,
       coalesce(sum(coalesce(t.done, 0) = 0 AND t.due < :today), 0) AS overdue
FROM employee e LEFT JOIN t ON t.assignee = e.login
WHERE (e.role = 'manager' AND coalesce(e.active, 1) = 1 OR t.id IS NOT NULL)
  AND (:manager IS NULL OR e.login = :manager)
GROUP BY e.login
ORDER BY e.login
