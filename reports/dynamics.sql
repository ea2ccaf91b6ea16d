-- title: Динамика продаж
-- Выигранные лиды (этап «Заказ») по месяцам, в которые они пришли: их число
-- и сумма.  Индекс не хранит даты перехода в «Заказ», поэтому месяц — месяц
-- создания лида.  --from, --to: период по дате создания; --manager LOGIN.
-- column: month date Месяц
-- column: won int Заказов
-- column: amount money Сумма заказов
-- column: leads int Всего лидов
-- column: conversion percent Конверсия
-- total: won amount leads
-- chart: line month amount
SELECT substr(created, 1, 7) AS month,
       coalesce(sum(stage = 'won'), 0) AS won,
       coalesce(sum(CASE WHEN stage = 'won' THEN amount END), 0) AS amount,
       count(*) AS leads,
       round(100.0 * sum(stage = 'won') / count(*), 1) AS conversion
FROM lead
WHERE (:from IS NULL OR substr(created, 1, 10) >= :from)
  AND (:to IS NULL OR substr(created, 1, 10) <= :to)
  AND (:manager IS NULL OR manager = :manager)
GROUP BY month ORDER BY month
