-- title: Воронка продаж
-- Лиды, пришедшие за период (--from, --to; без них все), по этапам воронки:
-- сколько лидов стоит на этапе, сколько до него дошло (стоят на нем или
-- дальше), их сумма, конверсия из предыдущего этапа и от входа.  Лиды в
-- отказе дошли только до первого этапа и в таблицу этапов не входят.
-- --manager LOGIN: лиды одного менеджера.
-- column: stage text Этап
-- column: leads int Лидов на этапе
-- column: reached int Дошли до этапа
-- column: amount money Сумма лидов на этапе
-- column: step percent Из предыдущего этапа
-- column: overall percent От входа
-- total: leads amount
-- chart: funnel stage reached
WITH st(rank, code, name) AS (
  VALUES (1, 'new', 'Новый'), (2, 'qualified', 'Квалифицирован'),
         (3, 'proposal', 'КП отправлено'), (4, 'sample', 'Образец'),
         (5, 'negotiation', 'Переговоры'), (6, 'won', 'Заказ')),
l AS (
  SELECT coalesce(st.rank, 0) AS rank, lead.stage = 'lost' AS lost,
         coalesce(lead.amount, 0) AS amount
  FROM lead LEFT JOIN st ON st.code = lead.stage
  WHERE (:from IS NULL OR substr(lead.created, 1, 10) >= :from)
    AND (:to IS NULL OR substr(lead.created, 1, 10) <= :to)
    AND (:manager IS NULL OR lead.manager = :manager)),
-- One pass over the leads: a row per rank, so that the stages below add
-- up a handful of rows rather than scan the leads again for each.
g AS MATERIALIZED (
  SELECT rank, count(*) AS n, sum(lost) AS nlost, sum(amount) AS amount FROM l GROUP BY rank),
c AS (
  SELECT st.rank, st.name,
         coalesce((SELECT n FROM g WHERE g.rank = st.rank), 0) AS leads,
         coalesce((SELECT sum(n) FROM g WHERE g.rank >= st.rank), 0) +
           CASE st.rank WHEN 1 THEN coalesce((SELECT sum(nlost) FROM g), 0) ELSE 0 END
           AS reached,
         coalesce((SELECT amount FROM g WHERE g.rank = st.rank), 0) AS amount
  FROM st)
SELECT name AS stage, leads, reached, amount,
       round(100.0 * reached / nullif(lag(reached) OVER (ORDER BY rank), 0), 1) AS step,
       round(100.0 * reached / nullif(first_value(reached) OVER (ORDER BY rank), 0), 1) AS overall
FROM c ORDER BY rank
