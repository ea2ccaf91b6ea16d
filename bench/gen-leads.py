#!/usr/bin/python3
"""bench/gen-leads.py CLIENTS.csv ROWS - web leads as Tilda exports them.

Writes to standard output a CSV of ROWS submissions with Tilda's column
names (Name, Phone, Email, Comments, formname, tranid, sent, referer):
every row a different person and its own tranid; a third of them are
existing clients of CLIENTS.csv (the one bench/gen writes beside the
books), most by their phone written as people type it, and as many as
the clients' distinct e-mails allow (about 2,000 at full size) by their
e-mail in mixed case, with a new phone.  The others have phones in
+7 999 and e-mails at example.ru, which no generated client has.
Comments hold commas, quotes and line breaks.  Deterministic: the same
input and ROWS give the same bytes.
"""
import csv, random, sys

clients_csv, rows = sys.argv[1], int(sys.argv[2])
rnd = random.Random(1600)
phones, emails, seen = [], [], set()
with open(clients_csv, newline="", encoding="utf-8") as f:
    for c in csv.DictReader(f):
        if c["phone"]:
            phones.append(c["phone"])
        if c["email"] and c["email"] not in seen:
            seen.add(c["email"])
            emails.append(c["email"])
rnd.shuffle(phones)
rnd.shuffle(emails)
by_email = emails[: len(emails) * 9 // 10]

first = "Иван Пётр Алексей Ольга Мария Наталья Сергей Елена Дмитрий Татьяна Артём Юлия".split()
last = "Иванов Петров Сидоров Смирнов Кузнецов Попов Соколов Лебедев Козлов Новиков Фёдоров Морозов".split()
wants = ("Нужно средство для посуды, партия {n} канистр", "Прошу счёт на \"Гель-концентрат\", {n} шт.",
         "Перезвоните после 15:00", "Интересует опт, объём {n} л в месяц;\nдоставка в регион",
         "Есть ли в наличии? Нужно {n} коробок")


def human(phone):
    """+78639478936 as a person types it: 8 (863) 947-89-36."""
    d = phone[2:]
    return f"8 ({d[0:3]}) {d[3:6]}-{d[6:8]}-{d[8:10]}"


out = csv.writer(sys.stdout, lineterminator="\n")
out.writerow(["Name", "Phone", "Email", "Comments", "formname", "tranid", "sent", "referer"])
ie = ip = 0
for i in range(rows):
    name = f"{rnd.choice(first)} {rnd.choice(last)}"
    phone = human(f"+7999{i:07d}")
    email = f"client{i}@example.ru"
    if i % 3 == 0 and ie < len(by_email) and (i // 3) % 16 == 0:
        email = by_email[ie].upper() if ie % 2 else by_email[ie].capitalize()
        ie += 1
    elif i % 3 == 0 and ip < len(phones):
        phone = human(phones[ip])
        ip += 1
    comment = rnd.choice(wants).format(n=rnd.randint(2, 500))
    out.writerow([name, phone, email, comment, rnd.choice(("Заявка", "Обратный звонок", "Опт")),
                  f"{5300000 + i % 997}:{7100000000 + i}", f"2026-11-{1 + i % 28:02d} {8 + i % 12:02d}:{i % 60:02d}:00",
                  "https://batiskaf.ru/opt"])
