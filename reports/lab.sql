-- title: Лаборатория
-- Заявки на расчет и на образец по товарам и сотрудникам лаборатории
-- (кто последним взял заявку в работу; «—», пока никто не взял).
-- Сейчас: сколько открыто (отправлено, в работе, на доработке, образец
-- готов) и из них просрочено (срок прошел).  За период (--from, --to;
-- без них все) из заявок, созданных в нем: сколько выполнено (расчет
-- готов, образец отгружен или доставлен) и сколько дней заявки провели
-- в каждом статусе — в среднем на заявку, побывавшую в нем, и всего.
-- Дни — по истории изменений (таблица status_history, kontora-report(5));
-- статус, в котором заявка сейчас, идет до сейчас (:now).
-- --manager LOGIN: заявки менеджера.
-- column: product text Товар
-- column: lab text Лаборант
-- column: open int Открыто
-- column: overdue int Просрочено
-- column: done int Выполнено
-- column: sent_avg decimal Ждет, дн. ср.
-- column: sent_days decimal Ждет, дн. всего
-- column: in_work_avg decimal В работе, дн. ср.
-- column: in_work_days decimal В работе, дн. всего
-- column: rework_avg decimal Доработка, дн. ср.
-- column: rework_days decimal Доработка, дн. всего
-- column: ready_avg decimal Готов, дн. ср.
-- column: ready_days decimal Готов, дн. всего
-- alert: overdue
-- total: open overdue done
-- chart: bar product open overdue
WITH r AS (
  SELECT 'calc_request' AS type, id, product, status, due, created,
         status IN ('sent', 'in_work', 'rework') AS open, status = 'done' AS done
  FROM calc_request WHERE :manager IS NULL OR manager = :manager
  UNION ALL
  SELECT 'sample_request', id, product, status, due, created,
         status IN ('sent', 'in_work', 'ready', 'rework'), status IN ('shipped', 'delivered')
  FROM sample_request WHERE :manager IS NULL OR manager = :manager),
-- The days of each request in each status it was in, the current one
-- until now.
d AS (
  SELECT type, id, status,
         sum(julianday(coalesce(until, :now)) - julianday(since)) AS days
  FROM status_history GROUP BY type, id, status),
-- Who took each request into work last: the author of the move.
taker AS (
  SELECT type, id, author, author_name,
         row_number() OVER (PARTITION BY type, id ORDER BY since DESC) AS n
  FROM status_history WHERE status = 'in_work'),
x AS (
  SELECT r.*,
         (:from IS NULL OR substr(r.created, 1, 10) >= :from)
         AND (:to IS NULL OR substr(r.created, 1, 10) <= :to) AS inp,
         -- An employee without an e-mail commits as LOGIN@kontora.
         coalesce((SELECT name FROM employee
                   WHERE employee.email = t.author OR employee.login || '@kontora' = t.author),
                  t.author_name, '—') AS lab,
         (SELECT days FROM d WHERE d.type = r.type AND d.id = r.id AND d.status = 'sent') AS sent,
         (SELECT days FROM d WHERE d.type = r.type AND d.id = r.id AND d.status = 'in_work') AS in_work,
         (SELECT days FROM d WHERE d.type = r.type AND d.id = r.id AND d.status = 'rework') AS rework,
         (SELECT days FROM d WHERE d.type = r.type AND d.id = r.id AND d.status = 'ready') AS ready
  FROM r LEFT JOIN taker t ON t.type = r.type AND t.id = r.id AND t.n = 1)
SELECT product.name AS product, x.lab AS lab,
       coalesce(sum(x.open), 0) AS open,
       coalesce(sum(x.open AND x.due < :today), 0) AS overdue,
       coalesce(sum(x.inp AND x.done), 0) AS done,
       round(avg(CASE WHEN x.inp THEN x.sent END), 1) AS sent_avg,
       round(sum(CASE WHEN x.inp THEN x.sent END), 1) AS sent_days,
       round(avg(CASE WHEN x.inp THEN x.in_work END), 1) AS in_work_avg,
       round(sum(CASE WHEN x.inp THEN x.in_work END), 1) AS in_work_days,
       round(avg(CASE WHEN x.inp THEN x.rework END), 1) AS rework_avg,
       round(sum(CASE WHEN x.inp THEN x.rework END), 1) AS rework_days,
       round(avg(CASE WHEN x.inp THEN x.ready END), 1) AS ready_avg,
       round(sum(CASE WHEN x.inp THEN x.ready END), 1) AS ready_days
FROM x JOIN product ON product.id = x.product
GROUP BY x.product, x.lab
HAVING sum(x.open) > 0 OR sum(x.inp) > 0
ORDER BY open DESC, product.name COLLATE ru, x.lab COLLATE ru
