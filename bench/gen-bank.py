#!/usr/bin/env python3
"""bench/gen-bank.py FILE [N] - a bank statement of N incoming payments.

Writes a 1CClientBankExchange 1.03 statement in Windows-1251, as banks
give it: N payment orders (10,000 by default) from 500 payers with valid
INNs, amounts in kopecks, dates over one month, purposes in the ways
people write them ("Оплата по счету № 1042 от 05.11.2026", "сч.1042",
free text).  Deterministic (a fixed seed).  For bench/README.md's
measure of kontora import bank against sqlite3 .import of the rows it
writes (issue 16)."""
import random
import sys

OURS = "40702810938000012345"


def inn10(rng):
    d = [rng.randrange(10) for _ in range(9)]
    w = [2, 4, 10, 3, 5, 9, 4, 6, 8]
    d.append(sum(a * b for a, b in zip(d, w)) % 11 % 10)
    return "".join(map(str, d))


def main():
    path = sys.argv[1]
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 10000
    rng = random.Random(1042)
    forms = ["ООО «Ромашка {}»", "АО «Химпром {}»", "ИП Петров А. {}", "ООО \"Лотос {}\""]
    payers = [(forms[i % 4].format(i), inn10(rng), "407028101%011d" % rng.randrange(10**11))
              for i in range(500)]
    out = ["1CClientBankExchange", "ВерсияФормата=1.03", "Кодировка=Windows",
           "ДатаНачала=01.11.2026", "ДатаКонца=30.11.2026", "РасчСчет=" + OURS, ""]
    for i in range(n):
        name, inn, acct = payers[rng.randrange(len(payers))]
        inv = rng.randrange(1000, 99999)
        day = 1 + i * 30 // n
        purpose = rng.choice([
            "Оплата по счету № {} от {:02d}.11.2026, в т.ч. НДС 20%".format(inv, max(1, day - 3)),
            "сч.{}".format(inv),
            "Оплата счет N{} за товар".format(inv),
            "Предоплата по договору поставки"])
        out += ["СекцияДокумент=Платежное поручение", "Номер={}".format(100000 + i),
                "Дата={:02d}.11.2026".format(day),
                "Сумма={}.{:02d}".format(rng.randrange(1000, 500000), rng.randrange(100)),
                "ПлательщикСчет=" + acct, "Плательщик=" + name, "ПлательщикИНН=" + inn,
                "ПолучательСчет=" + OURS, "Получатель1=ООО «Батискаф»",
                "ПолучательИНН=5024045017", "ДатаПоступило={:02d}.11.2026".format(day),
                "НазначениеПлатежа=" + purpose, "КонецДокумента", ""]
    out.append("КонецФайла")
    with open(path, "wb") as f:
        f.write("\r\n".join(out).encode("cp1251") + b"\r\n")


main()
