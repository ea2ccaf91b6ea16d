#!/usr/bin/python3
"""bench/gen-1c.py DIR MB - a 1C exchange of about MB megabytes.

Writes DIR/import.xml (CommerceML 2.07: a classifier of 60 groups two
levels deep and a catalogue of products, each with an article, a barcode,
a base unit, its group, requisites and a description of about 1.5 KB, as
1C's site exchange writes them) and DIR/offers.xml (two price types, one
offer per product with per-warehouse stock).  Deterministic: the same MB
gives the same bytes.  Streams what it writes: memory stays small.
"""
import os, random, sys

out, mb = sys.argv[1], int(sys.argv[2])
rnd = random.Random(1700)
os.makedirs(out, exist_ok=True)
words = ("гель концентрат средство чистящее для посуды стекол пола ванной кухни "
         "лимон яблоко алоэ лаванда хвоя морской бриз без запаха антибактериальный "
         "профессиональный канистра флакон дозатор пакет ведро").split()
units = [("796", "шт", "Штука", "PCE"), ("166", "кг", "Килограмм", "KGM"), ("112", "л", "Литр", "LTR")]

def text(n):
    return " ".join(rnd.choice(words) for _ in range(n))

head = ('<?xml version="1.0" encoding="UTF-8"?>\n'
        '<КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_2" ВерсияСхемы="2.07" '
        'ДатаФормирования="2026-11-20T10:00:00">\n')
groups = []
with open(os.path.join(out, "import.xml"), "w", encoding="utf-8") as f:
    f.write(head + "\t<Классификатор>\n\t\t<Ид>cls</Ид>\n\t\t<Наименование>Каталог</Наименование>\n\t\t<Группы>\n")
    for g in range(6):
        f.write(f"\t\t\t<Группа>\n\t\t\t\t<Ид>g{g}</Ид>\n\t\t\t\t<Наименование>Раздел {g + 1}</Наименование>\n\t\t\t\t<Группы>\n")
        for h in range(10):
            groups.append(f"g{g}-{h}")
            f.write(f"\t\t\t\t\t<Группа><Ид>g{g}-{h}</Ид><Наименование>Группа {g + 1}.{h + 1}</Наименование></Группа>\n")
        f.write("\t\t\t\t</Группы>\n\t\t\t</Группа>\n")
    f.write("\t\t</Группы>\n\t</Классификатор>\n\t<Каталог СодержитТолькоИзменения=\"false\">\n"
            "\t\t<Ид>cat</Ид>\n\t\t<ИдКлассификатора>cls</ИдКлассификатора>\n\t\t<Наименование>Каталог</Наименование>\n\t\t<Товары>\n")
    n = 0
    while f.tell() < mb << 20:
        code, short, full, intl = rnd.choice(units)
        f.write(f"""\t\t\t<Товар>
\t\t\t\t<Ид>{n:08d}-1c00-11e7-80c2-0cc47ab29cd1</Ид>
\t\t\t\t<Штрихкод>46{n:011d}</Штрихкод>
\t\t\t\t<Артикул>BT-{n:07d}</Артикул>
\t\t\t\t<Наименование>{text(4).capitalize()} №{n}</Наименование>
\t\t\t\t<БазоваяЕдиница Код="{code} " НаименованиеПолное="{full}" МеждународноеСокращение="{intl}">{short}</БазоваяЕдиница>
\t\t\t\t<Группы><Ид>{rnd.choice(groups)}</Ид></Группы>
\t\t\t\t<Описание>{text(110)}</Описание>
\t\t\t\t<ЗначенияРеквизитов>
\t\t\t\t\t<ЗначениеРеквизита><Наименование>ВидНоменклатуры</Наименование><Значение>Товар</Значение></ЗначениеРеквизита>
\t\t\t\t\t<ЗначениеРеквизита><Наименование>Полное наименование</Наименование><Значение>{text(8)}</Значение></ЗначениеРеквизита>
\t\t\t\t</ЗначенияРеквизитов>
\t\t\t</Товар>
""")
        n += 1
    f.write("\t\t</Товары>\n\t</Каталог>\n</КоммерческаяИнформация>\n")
with open(os.path.join(out, "offers.xml"), "w", encoding="utf-8") as f:
    f.write(head + "\t<ПакетПредложений СодержитТолькоИзменения=\"false\">\n\t\t<Ид>cat#</Ид>\n\t\t<ТипыЦен>\n"
            "\t\t\t<ТипЦены><Ид>opt</Ид><Наименование>Оптовая</Наименование><Валюта>RUB</Валюта></ТипЦены>\n"
            "\t\t\t<ТипЦены><Ид>ret</Ид><Наименование>Розничная</Наименование><Валюта>RUB</Валюта></ТипЦены>\n"
            "\t\t</ТипыЦен>\n\t\t<Предложения>\n")
    for i in range(n):
        p = rnd.randrange(1000, 10000000)
        f.write(f"""\t\t\t<Предложение>
\t\t\t\t<Ид>{i:08d}-1c00-11e7-80c2-0cc47ab29cd1</Ид>
\t\t\t\t<Цены>
\t\t\t\t\t<Цена><ИдТипаЦены>opt</ИдТипаЦены><ЦенаЗаЕдиницу>{p // 100}.{p % 100:02d}</ЦенаЗаЕдиницу><Валюта>RUB</Валюта><Коэффициент>1</Коэффициент></Цена>
\t\t\t\t\t<Цена><ИдТипаЦены>ret</ИдТипаЦены><ЦенаЗаЕдиницу>{p * 12 // 1000}</ЦенаЗаЕдиницу><Валюта>RUB</Валюта><Коэффициент>1</Коэффициент></Цена>
\t\t\t\t</Цены>
\t\t\t\t<Склад ИдСклада="w1" КоличествоНаСкладе="{rnd.randrange(500)}"/>
\t\t\t\t<Склад ИдСклада="w2" КоличествоНаСкладе="{rnd.randrange(50)}"/>
\t\t\t</Предложение>
""")
    f.write("\t\t</Предложения>\n\t</ПакетПредложений>\n</КоммерческаяИнформация>\n")
print(n)
