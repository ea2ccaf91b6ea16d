-- title: Маржинальность по товарам
-- Строки выставленных счетов (выставлен, оплачен частично, оплачен) с датой
-- в периоде (--from, --to; без них все) по товарам: количество, выручка
-- (суммы строк, как в счете), себестоимость — количество, умноженное на
-- себестоимость единицы из последнего выполненного расчета лаборатории по
-- этому товару, валовая прибыль и маржа.  Товар без выполненного расчета
-- показан без себестоимости и прибыли.  --manager LOGIN: счета менеджера.
-- column: product text Товар
-- column: qty int Кол-во
-- column: revenue money Выручка
-- column: unit_cost money Себестоимость единицы
-- column: cost money Себестоимость
-- column: profit money Валовая прибыль
-- column: margin percent Маржа
-- total: revenue cost profit
-- chart: bar product revenue profit
WITH done AS (
  SELECT product, cost, created FROM calc_request
  WHERE status = 'done' AND cost IS NOT NULL),
unit AS (
  SELECT d.product, d.cost FROM done d
  WHERE d.created = (SELECT max(created) FROM done d2 WHERE d2.product = d.product)
  GROUP BY d.product),
l AS (
  SELECT dl.product, dl.qty, dl.sum
  FROM doc_line dl JOIN invoice i ON i.id = dl.document
  WHERE i.status IN ('issued', 'partly_paid', 'paid') AND dl.product IS NOT NULL
    AND (:from IS NULL OR i.date >= :from) AND (:to IS NULL OR i.date <= :to)
    AND (:manager IS NULL OR i.manager = :manager)),
p AS (
  SELECT l.product, sum(l.qty) AS milli, sum(l.sum) AS revenue, unit.cost AS unit_cost,
         -- quantities are thousandths in the index: a kopeck rounded half up
         CASE WHEN unit.cost IS NOT NULL
              THEN sum((l.qty * unit.cost + 500) / 1000) END AS cost
  FROM l LEFT JOIN unit ON unit.product = l.product GROUP BY l.product)
SELECT product.name AS product, CAST((p.milli + 500) / 1000 AS INTEGER) AS qty,
       p.revenue, p.unit_cost, p.cost, p.revenue - p.cost AS profit,
       round(100.0 * (p.revenue - p.cost) / nullif(p.revenue, 0), 1) AS margin
FROM p JOIN product ON product.id = p.product
ORDER BY p.revenue DESC, product.name COLLATE ru
