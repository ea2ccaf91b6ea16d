-- title: Дебиторская задолженность
-- Неоплаченные остатки выставленных счетов (не черновики и не отмененные)
-- по клиентам на дату (--to, без него сегодня): сумма счета минус разнесенные
-- на него оплаты, поступившие к этой дате, по возрасту от даты счета: 0–30,
-- 31–60, 61–90 и более 90 дней.  Переплата — поступления клиента, не разнесенные ни на один счет;
-- из долга она не вычитается.  --manager LOGIN: клиенты одного менеджера.
-- column: client text Клиент
-- column: manager text Менеджер
-- column: invoices int Счетов
-- column: debt money Долг
-- column: d0_30 money 0–30 дней
-- column: d31_60 money 31–60 дней
-- column: d61_90 money 61–90 дней
-- column: d90 money Более 90 дней
-- column: overpaid money Переплата
-- total: invoices debt d0_30 d31_60 d61_90 d90 overpaid
-- chart: bar client d0_30 d31_60 d61_90 d90
WITH paid AS (
  SELECT a.invoice, sum(a.amount) AS amount
  FROM allocation a JOIN payment pm ON pm.id = a.payment
  WHERE pm.date <= coalesce(:to, :today) GROUP BY a.invoice),
open AS (
  SELECT i.client, i.total - coalesce(p.amount, 0) AS rest,
         CAST(julianday(coalesce(:to, :today)) - julianday(i.date) AS INTEGER) AS age
  FROM invoice i LEFT JOIN paid p ON p.invoice = i.id
  WHERE i.status IN ('issued', 'partly_paid', 'paid') AND i.total > coalesce(p.amount, 0)
    AND i.date <= coalesce(:to, :today)),
used AS (
  SELECT payment, sum(amount) AS amount FROM allocation GROUP BY payment),
over AS (
  SELECT pm.client, sum(pm.amount - coalesce(u.amount, 0)) AS amount
  FROM payment pm LEFT JOIN used u ON u.payment = pm.id
  WHERE pm.direction = 'in' AND pm.client IS NOT NULL AND pm.amount > coalesce(u.amount, 0)
    AND pm.date <= coalesce(:to, :today)
  GROUP BY pm.client),
d AS (
  SELECT client, count(*) AS invoices, sum(rest) AS debt,
         sum(CASE WHEN age <= 30 THEN rest ELSE 0 END) AS d0_30,
         sum(CASE WHEN age BETWEEN 31 AND 60 THEN rest ELSE 0 END) AS d31_60,
         sum(CASE WHEN age BETWEEN 61 AND 90 THEN rest ELSE 0 END) AS d61_90,
         sum(CASE WHEN age > 90 THEN rest ELSE 0 END) AS d90
  FROM open GROUP BY client)
SELECT c.name AS client, c.manager AS manager, coalesce(d.invoices, 0) AS invoices,
       coalesce(d.debt, 0) AS debt, coalesce(d.d0_30, 0) AS d0_30,
       coalesce(d.d31_60, 0) AS d31_60, coalesce(d.d61_90, 0) AS d61_90,
       coalesce(d.d90, 0) AS d90, coalesce(over.amount, 0) AS overpaid
FROM client c LEFT JOIN d ON d.client = c.id LEFT JOIN over ON over.client = c.id
WHERE (d.debt > 0 OR over.amount > 0)
  AND (:manager IS NULL OR c.manager = :manager)
ORDER BY debt DESC, c.name COLLATE ru
