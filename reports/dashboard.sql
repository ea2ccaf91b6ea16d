-- title: Сводка по менеджерам
-- За период (--from, --to; по умолчанию текущий месяц) по каждому менеджеру:
-- план на месяц начала периода (plan.ГГГГ-ММ.LOGIN в kontora.conf, иначе поле
-- plan_month сотрудника) и факт — сумма выигранных лидов, пришедших за период;
-- новые и обработанные лиды; задачи, поставленные за период, выполненные и
-- просроченные сейчас; открытые заявки в лабораторию.  --manager LOGIN.
-- column: manager text Менеджер
-- column: plan money План
-- column: fact money Факт
-- column: done percent Выполнение
-- column: new_leads int Новых лидов
-- column: processed int Обработано
-- column: tasks int Задач поставлено
-- column: tasks_done int Выполнено
-- column: overdue int Просрочено
-- column: lab_open int Заявок в лаборатории
-- alert: overdue
-- total: plan fact new_leads processed tasks tasks_done overdue lab_open
-- chart: bar manager plan fact
WITH p AS (
  SELECT coalesce(:from, date(:today, 'start of month')) AS first,
         coalesce(:to, date(:today, 'start of month', '+1 month', '-1 day')) AS last),
e AS (
  SELECT employee.login, employee.name,
         coalesce(json_extract(:plans, '$."' || substr(p.first, 1, 7) || '.' || employee.login || '"'),
                  employee.plan_month, 0) AS plan
  FROM employee, p
  WHERE (employee.role = 'manager' AND coalesce(employee.active, 1) = 1)
    AND (:manager IS NULL OR employee.login = :manager)
    -- A manager sees the row of no other manager, the plan included.
    AND (coalesce(:role, '') <> 'manager' OR employee.login = :user)),
l AS (
  SELECT lead.* FROM lead, p WHERE substr(lead.created, 1, 10) BETWEEN p.first AND p.last),
t AS (
  SELECT task.* FROM task, p WHERE substr(task.created, 1, 10) BETWEEN p.first AND p.last),
lab AS (
  SELECT manager FROM calc_request WHERE status IN ('sent', 'in_work', 'rework')
  UNION ALL SELECT manager FROM sample_request WHERE status IN ('sent', 'in_work', 'ready', 'rework'))
SELECT e.name AS manager, e.plan AS plan,
       (SELECT coalesce(sum(amount), 0) FROM l WHERE l.manager = e.login AND l.stage = 'won') AS fact,
       round(100.0 * (SELECT coalesce(sum(amount), 0) FROM l
                      WHERE l.manager = e.login AND l.stage = 'won') / nullif(e.plan, 0), 1) AS done,
       (SELECT count(*) FROM l WHERE l.manager = e.login) AS new_leads,
       (SELECT count(*) FROM l WHERE l.manager = e.login AND l.processed = 1) AS processed,
       (SELECT count(*) FROM t WHERE t.assignee = e.login) AS tasks,
       (SELECT count(*) FROM t WHERE t.assignee = e.login AND t.done = 1) AS tasks_done,
       (SELECT count(*) FROM task WHERE task.assignee = e.login AND coalesce(task.done, 0) = 0
          AND task.due < :today) AS overdue,
       (SELECT count(*) FROM lab WHERE lab.manager = e.login) AS lab_open
FROM e ORDER BY e.name COLLATE ru
