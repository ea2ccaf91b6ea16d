-- title: Источники лидов
-- Лиды за период (--from, --to; без них все) по источнику и кампании UTM:
-- сколько пришло, сколько выиграно, конверсия и сумма заказов.
-- --manager LOGIN: лиды одного менеджера.
-- column: source text Источник / кампания
-- column: leads int Лидов
-- column: won int Заказов
-- column: conversion percent Конверсия
-- column: amount money Сумма заказов
-- total: leads won amount
-- chart: bar source leads won
SELECT coalesce(nullif(source, ''), 'без источника') ||
         coalesce(' / ' || nullif(utm_campaign, ''), '') AS source,
       count(*) AS leads,
       coalesce(sum(stage = 'won'), 0) AS won,
       round(100.0 * sum(stage = 'won') / count(*), 1) AS conversion,
       coalesce(sum(CASE WHEN stage = 'won' THEN amount END), 0) AS amount
FROM lead
WHERE (:from IS NULL OR substr(created, 1, 10) >= :from)
  AND (:to IS NULL OR substr(created, 1, 10) <= :to)
  AND (:manager IS NULL OR manager = :manager)
GROUP BY 1 ORDER BY leads DESC, source COLLATE ru
