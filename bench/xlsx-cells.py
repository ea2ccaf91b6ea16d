#!/usr/bin/env python3
"""xlsx-cells.py - the cells of a workbook kontora wrote, as CSV for
bench/xlsx-base.c, so that the baseline writes the very cells kontora
writes (titles of references, names of stages and sources, the header's
labels), not the ids of `kontora list -f csv`.

    xlsx-cells.py BOOK.xlsx TYPES >cells.csv

TYPES has a letter per column of the sheet, as xlsx-base takes them (no
r: a reference is two columns here).  A string is written as it is, a
boolean as true/false, a money or other number as Excel holds it, a date
(d) and a date and time (t) back as YYYY-MM-DD and YYYY-MM-DDTHH:MM:SSZ
from Excel's serial number.  The sheet is read as a stream (sheet1.xml
of a million leads is about 900 MB), a row at a time.
"""
import csv
import datetime
import io
import re
import sys
import zipfile

CELL = re.compile(r'<c r="([A-Z]+)\d+"(?: s="\d+")?(?: t="(\w+)")?>'
                  r'(?:<is><t(?: xml:space="preserve")?>(.*?)</t></is>|<v>(.*?)</v>)</c>',
                  re.S)
ESCAPES = re.compile(r'&(amp|lt|gt|quot|apos);|_x([0-9A-F]{4})_')
ENTITY = {'amp': '&', 'lt': '<', 'gt': '>', 'quot': '"', 'apos': "'"}
EPOCH = datetime.datetime(1899, 12, 30)


def unescape(s):
    """The text of an XML string as libxlsxwriter escaped it."""
    return ESCAPES.sub(lambda m: ENTITY[m.group(1)] if m.group(1) else chr(int(m.group(2), 16)), s)


def col_index(letters):
    """A column's number from 0, from its letters."""
    n = 0
    for c in letters:
        n = n * 26 + ord(c) - 64
    return n - 1


def from_serial(v, kind):
    """An Excel serial date as kontora stores it."""
    t = EPOCH + datetime.timedelta(seconds=round(float(v) * 86400))
    return t.strftime('%Y-%m-%d') if kind == 'd' else t.strftime('%Y-%m-%dT%H:%M:%SZ')


def row_values(xml, types, header):
    """The CSV fields of one <row>."""
    out = [''] * len(types)
    for letters, t, text, v in CELL.findall(xml):
        i = col_index(letters)
        kind = 's' if header else types[i]
        if t == 'inlineStr':
            out[i] = unescape(text)
        elif t == 'b':
            out[i] = 'true' if v == '1' else 'false'
        elif kind in 'dt':
            out[i] = from_serial(v, kind)
        else:
            out[i] = v
    return out


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: xlsx-cells.py BOOK.xlsx TYPES >cells.csv')
    types = sys.argv[2]
    w = csv.writer(sys.stdout, lineterminator='\n')
    with zipfile.ZipFile(sys.argv[1]) as z, z.open('xl/worksheets/sheet1.xml') as raw:
        f = io.TextIOWrapper(raw, encoding='utf-8', newline='')
        rest, header = '', True
        while True:
            chunk = f.read(1 << 22)
            data = rest + chunk
            rows = data.split('</row>')
            rest = rows.pop() if chunk else ''
            for r in rows:
                at = r.find('<row ')
                if at < 0:
                    continue
                w.writerow(row_values(r[at:], types, header))
                header = False
            if not chunk:
                break


main()
