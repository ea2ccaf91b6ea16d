-- title: Клиенты, требующие внимания
-- Клиенты без событий (звонков, писем, встреч, заметок по клиенту, его лидам
-- и контактам) --days дней (по умолчанию 14), с просроченными задачами или
-- с долгом по выставленным счетам, по менеджерам.  --manager LOGIN.
-- column: client text Клиент
-- column: manager text Менеджер
-- column: last_activity date Последнее событие
-- column: quiet_days int Дней без событий
-- column: overdue_tasks int Просрочено задач
-- column: debt money Долг
-- alert: overdue_tasks
-- total: overdue_tasks debt
-- chart: bar client quiet_days
-- The client of what an event or a task is on: the client itself, its
-- lead or its contact.  Driven from the events and tasks, so that the cost
-- goes with them and not with every lead of the books.
WITH seen AS (
  SELECT coalesce(l.client, ct.client, a."on") AS client, max(coalesce(a.at, a.created)) AS at
  FROM activity a LEFT JOIN lead l ON l.id = a."on" LEFT JOIN contact ct ON ct.id = a."on"
  GROUP BY 1),
late AS (
  SELECT coalesce(l.client, ct.client, t."on") AS client, count(*) AS n
  FROM task t LEFT JOIN lead l ON l.id = t."on" LEFT JOIN contact ct ON ct.id = t."on"
  WHERE coalesce(t.done, 0) = 0 AND t.due < :today GROUP BY 1),
paid AS (
  SELECT invoice, sum(amount) AS amount FROM allocation GROUP BY invoice),
owed AS (
  SELECT i.client, sum(i.total - coalesce(p.amount, 0)) AS amount
  FROM invoice i LEFT JOIN paid p ON p.invoice = i.id
  WHERE i.status IN ('issued', 'partly_paid') GROUP BY i.client),
c AS (
  SELECT client.name, client.manager,
         substr(coalesce(seen.at, client.created), 1, 10) AS last_activity,
         coalesce(late.n, 0) AS overdue_tasks, coalesce(owed.amount, 0) AS debt
  FROM client
  LEFT JOIN seen ON seen.client = client.id
  LEFT JOIN late ON late.client = client.id
  LEFT JOIN owed ON owed.client = client.id
  WHERE :manager IS NULL OR client.manager = :manager)
SELECT name AS client, manager, last_activity,
       CAST(julianday(:today) - julianday(last_activity) AS INTEGER) AS quiet_days,
       overdue_tasks, debt
FROM c
WHERE last_activity <= date(:today, '-' || coalesce(:days, 14) || ' days')
   OR overdue_tasks > 0 OR debt > 0
ORDER BY manager, quiet_days DESC, name COLLATE ru
