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
  SELECT lead.stage, coalesce(st.rank, 0) AS rank, coalesce(lead.amount, 0) AS amount
  FROM lead LEFT JOIN st ON st.code = lead.stage
  WHERE (:from IS NULL OR substr(lead.created, 1, 10) >= :from)
    AND (:to IS NULL OR substr(lead.created, 1, 10) <= :to)
    AND (:manager IS NULL OR lead.manager = :manager)),
c AS (
  SELECT st.rank, st.name,
         (SELECT count(*) FROM l WHERE l.rank = st.rank) AS leads,
         (SELECT count(*) FROM l WHERE l.rank >= st.rank) +
           CASE st.rank WHEN 1 THEN (SELECT count(*) FROM l WHERE l.stage = 'lost') ELSE 0 END
           AS reached,
         (SELECT coalesce(sum(amount), 0) FROM l WHERE l.rank = st.rank) AS amount
  FROM st)
SELECT name AS stage, leads, reached, amount,
       round(100.0 * reached / nullif(lag(reached) OVER (ORDER BY rank), 0), 1) AS step,
       round(100.0 * reached / nullif(first_value(reached) OVER (ORDER BY rank), 0), 1) AS overall
FROM c ORDER BY rank
