-- title: Динамика продаж
-- Выигранные лиды (этап «Заказ») по месяцам (--by week: по неделям ISO), в
-- которые они пришли: их число и сумма.  Индекс не хранит даты перехода в
-- «Заказ», поэтому месяц — месяц создания лида.  --from, --to: период по
-- дате создания; --manager LOGIN.
-- column: month date Период
-- column: won int Заказов
-- column: amount money Сумма заказов
-- column: leads int Всего лидов
-- column: conversion percent Конверсия
-- total: won amount leads
-- chart: line month amount
SELECT CASE coalesce(:by, 'month')
         -- the Monday of the week, a date
         WHEN 'week' THEN date(substr(created, 1, 10), '-' ||
                               ((CAST(strftime('%w', substr(created, 1, 10)) AS INTEGER) + 6) % 7) ||
                               ' days')
         ELSE substr(created, 1, 7) END AS month,
       coalesce(sum(stage = 'won'), 0) AS won,
       coalesce(sum(CASE WHEN stage = 'won' THEN amount END), 0) AS amount,
       count(*) AS leads,
       round(100.0 * sum(stage = 'won') / count(*), 1) AS conversion
FROM lead
WHERE (:from IS NULL OR substr(created, 1, 10) >= :from)
  AND (:to IS NULL OR substr(created, 1, 10) <= :to)
  AND (:manager IS NULL OR manager = :manager)
GROUP BY month ORDER BY month
