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
-- The source as people see it (its name in dicts/lead_source.csv or its
-- label in kontora.conf, :dicts), what is no entry of it as it is.
SELECT coalesce(json_extract(:dicts, '$.lead_source."' || replace(g.source, '"', '') || '"'),
                nullif(g.source, ''), 'без источника') ||
         coalesce(' / ' || nullif(g.campaign, ''), '') AS source,
       sum(g.leads) AS leads, sum(g.won) AS won,
       round(100.0 * sum(g.won) / sum(g.leads), 1) AS conversion,
       sum(g.amount) AS amount
FROM (SELECT source, utm_campaign AS campaign, count(*) AS leads,
             coalesce(sum(stage = 'won'), 0) AS won,
             coalesce(sum(CASE WHEN stage = 'won' THEN amount END), 0) AS amount
      FROM lead
      WHERE (:from IS NULL OR substr(created, 1, 10) >= :from)
        AND (:to IS NULL OR substr(created, 1, 10) <= :to)
        AND (:manager IS NULL OR manager = :manager)
      GROUP BY source, campaign) AS g
GROUP BY 1 ORDER BY leads DESC, source COLLATE ru
