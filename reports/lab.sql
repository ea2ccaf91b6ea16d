-- title: Лаборатория
-- Заявки на расчет и на образец по товарам: сколько открыто сейчас
-- (отправлено, в работе, на доработке; образцы еще и готовые к отправке),
-- из них просрочено (срок прошел), сколько создано и сколько выполнено
-- (расчет выполнен, образец отправлен или доставлен) из созданных за период
-- (--from, --to; без них все).  --manager LOGIN: заявки менеджера.
-- column: product text Товар
-- column: kind text Заявка
-- column: open int Открыто
-- column: overdue int Просрочено
-- column: created int Создано за период
-- column: done int Выполнено из них
-- alert: overdue
-- total: open overdue created done
-- chart: bar product open overdue
WITH r AS (
  SELECT 'расчет' AS kind, product, status, due, created,
         status IN ('sent', 'in_work', 'rework') AS open, status = 'done' AS done
  FROM calc_request WHERE :manager IS NULL OR manager = :manager
  UNION ALL
  SELECT 'образец', product, status, due, created,
         status IN ('sent', 'in_work', 'ready', 'rework'), status IN ('shipped', 'delivered')
  FROM sample_request WHERE :manager IS NULL OR manager = :manager),
inp AS (
  SELECT r.*, (:from IS NULL OR substr(created, 1, 10) >= :from)
              AND (:to IS NULL OR substr(created, 1, 10) <= :to) AS inp
  FROM r)
SELECT product.name AS product, inp.kind AS kind,
       coalesce(sum(inp.open), 0) AS open,
       coalesce(sum(inp.open AND inp.due < :today), 0) AS overdue,
       coalesce(sum(inp.inp), 0) AS created,
       coalesce(sum(inp.inp AND inp.done), 0) AS done
FROM inp JOIN product ON product.id = inp.product
GROUP BY inp.product, inp.kind
HAVING sum(inp.open) > 0 OR sum(inp.inp) > 0
ORDER BY open DESC, product.name COLLATE ru, kind
