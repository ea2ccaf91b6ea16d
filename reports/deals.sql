-- title: Маржинальность по сделкам
-- Выставленные счета (выставлен, оплачен частично, оплачен) с датой в периоде
-- (--from, --to; без них все): выручка по строкам с товаром, себестоимость по
-- последнему выполненному расчету лаборатории для каждого товара (как в
-- отчете margin), валовая прибыль и маржа.  Счет, в котором у какого-то
-- товара нет выполненного расчета, показан без себестоимости и прибыли.
-- --manager LOGIN: счета менеджера.
-- column: invoice text Счет
-- column: date date Дата
-- column: client text Клиент
-- column: manager text Менеджер
-- column: revenue money Выручка
-- column: cost money Себестоимость
-- column: profit money Валовая прибыль
-- column: margin percent Маржа
-- total: revenue cost profit
-- chart: bar invoice revenue profit
WITH done AS (
  SELECT product, cost, created FROM calc_request
  WHERE status = 'done' AND cost IS NOT NULL),
unit AS (
  SELECT d.product, d.cost FROM done d
  WHERE d.created = (SELECT max(created) FROM done d2 WHERE d2.product = d.product)
  GROUP BY d.product),
i AS (
  SELECT * FROM invoice
  WHERE status IN ('issued', 'partly_paid', 'paid')
    AND (:from IS NULL OR date >= :from) AND (:to IS NULL OR date <= :to)
    AND (:manager IS NULL OR manager = :manager)),
d AS (
  SELECT i.id, sum(dl.sum) AS revenue,
         -- quantities are thousandths in the index: a kopeck rounded half up
         CASE WHEN count(unit.cost) = count(*)
              THEN sum((dl.qty * unit.cost + 500) / 1000) END AS cost
  FROM i JOIN doc_line dl ON dl.document = i.id
  LEFT JOIN unit ON unit.product = dl.product
  WHERE dl.product IS NOT NULL GROUP BY i.id)
SELECT i.number AS invoice, i.date AS date, client.name AS client, i.manager AS manager,
       d.revenue, d.cost, d.revenue - d.cost AS profit,
       round(100.0 * (d.revenue - d.cost) / nullif(d.revenue, 0), 1) AS margin
FROM i JOIN d ON d.id = i.id LEFT JOIN client ON client.id = i.client
ORDER BY i.date, i.number
