#!/usr/bin/env python3
"""Checks books written by bench/gen against docs/foundation.md "Storage".

    python3 bench/verify.py DIR [LEADS.csv [CLIENTS.csv]]

Independent of kontora: parses every shard with the csv module and checks the
header, the canonical bytes (quoting only when needed, LF, no BOM), sorted and
unique ids, created within the shard's month, stored forms (money, bool,
phone, e-mail, INN checksums), dictionaries and references.  A type whose
schema says "split id" (lead) must keep each month in data/TYPE/YYYY-MM/XY.csv,
XY the first two characters of every id in the file; the others in
data/TYPE/YYYY-MM.csv.  A shard over 2 MiB must have been split into a
directory of shards one id character longer (YYYY-MM/XY/XYZ.csv,
YYYY-MM/CX.csv for a month file).  Prints counts; exit 1 with the problems if any.
"""
import csv
import io
import os
import re
import sys

ID = re.compile(r'^[A-Z][0-9ABCDEFGHJKMNPQRSTVWXYZ]{7}$')
MONEY = re.compile(r'^-?[0-9]+\.[0-9]{2}$')
PHONE = re.compile(r'^\+7[0-9]{10}$')
CREATED = re.compile(r'^(\d{4}-\d{2})-\d{2}T\d{2}:\d{2}:\d{2}Z$')
MONTH = re.compile(r'^\d{4}-(0[1-9]|1[0-2])$')
CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
# kontora's SHARD_SPLIT_BYTES (lib/model/model.h): a bigger shard is split.
SPLIT_BYTES = 2 << 20
problems = []


def bad(where, msg):
    problems.append(f'{where}: {msg}')


def inn_ok(s):
    if not s.isdigit():
        return False
    d = [int(c) for c in s]
    if len(s) == 10:
        w = [2, 4, 10, 3, 5, 9, 4, 6, 8]
        return sum(a * b for a, b in zip(d, w)) % 11 % 10 == d[9]
    if len(s) == 12:
        w1 = [7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
        w2 = [3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8]
        return (sum(a * b for a, b in zip(d, w1)) % 11 % 10 == d[10] and
                sum(a * b for a, b in zip(d, w2)) % 11 % 10 == d[11])
    return False


def account_ok(bik, acc):
    s = bik[6:9] + acc
    w = [7, 1, 3]
    return sum(int(c) * w[i % 3] for i, c in enumerate(s)) % 10 == 0


def field(v):
    if v and (any(c in v for c in ',"\r\n') or v[0] == ' ' or v[-1] == ' '):
        return '"' + v.replace('"', '""') + '"'
    return v


def schema(books, t):
    fields = {}
    order = []
    with open(os.path.join(books, 'schemas', t + '.schema'), encoding='utf-8') as f:
        for line in f:
            p = line.split()
            if len(p) >= 3 and p[0] == 'field':
                order.append(p[1])
                fields[p[1]] = p[2]
    return order, fields


def is_split(books, t):
    """True if the schema of t says "split id"."""
    with open(os.path.join(books, 'schemas', t + '.schema'), encoding='utf-8') as f:
        return any(line.split()[:2] == ['split', 'id'] for line in f)


def prefix_dir(books, t, rel, prefix, out):
    """Appends to out the shards below data/TYPE/rel, a directory of files
    and directories named by prefix and one more character (a month: the
    type's letter; a shard split past SPLIT_BYTES: its name)."""
    path = os.path.join(books, 'data', t, rel)
    for sub in sorted(os.listdir(path)):
        p = os.path.join(path, sub)
        isdir = os.path.isdir(p)
        name = sub if isdir else sub[:-4] if sub.endswith('.csv') else ''
        if not (len(name) == len(prefix) + 1 and name.startswith(prefix) and
                name[-1] in CROCKFORD):
            bad(f'data/{t}/{rel}/{sub}', f'not a shard ({prefix}?.csv or {prefix}?/)')
        elif isdir:
            if os.path.exists(p + '.csv'):
                bad(f'data/{t}/{rel}/{sub}.csv', 'both a shard and its split directory')
            prefix_dir(books, t, f'{rel}/{sub}', name, out)
        else:
            out.append((f'{rel}/{sub}', rel[:7], name))


def shard_files(books, t):
    """Returns [(name under data/TYPE, month, id prefix or None)] in the
    order of the names at every level; reports what is not a shard."""
    d = os.path.join(books, 'data', t)
    split = is_split(books, t)
    out = []
    for name in sorted(os.listdir(d)):
        path = os.path.join(d, name)
        if (not split and re.match(r'^\d{4}-\d{2}\.csv$', name) and
                os.path.isfile(path)):
            out.append((name, name[:7], None))
        elif MONTH.match(name) and os.path.isdir(path):
            prefix_dir(books, t, name, t[0].upper(), out)
        else:
            bad(f'data/{t}/{name}', 'not a shard (YYYY-MM.csv) nor a month directory')
    return out


def dict_ids(books, name):
    with open(os.path.join(books, 'dicts', name + '.csv'), encoding='utf-8') as f:
        return {r[0] for i, r in enumerate(csv.reader(f)) if i and r}


def read_type(books, t):
    """Returns (header, rows as dicts with '_where') of every shard of t."""
    d = os.path.join(books, 'data', t)
    out = []
    header = None
    for name, month, start in shard_files(books, t):
        path = os.path.join(d, name)
        raw = open(path, 'rb').read()
        where = f'data/{t}/{name}'
        if len(raw) > SPLIT_BYTES and len(start or '') < 8:
            bad(where, f'{len(raw)} bytes, over the split size {SPLIT_BYTES}')
        if raw.startswith(b'\xef\xbb\xbf'):
            bad(where, 'BOM')
        if b'\r' in raw:
            bad(where, 'CR in file')
        text = raw.decode('utf-8')
        rows = list(csv.reader(io.StringIO(text, newline='')))
        h = rows[0]
        header = header or h
        if h != header:
            bad(where, 'header differs from the other shards')
        canon = ','.join(h) + '\n' + ''.join(
            ','.join(field(v) for v in r) + '\n' for r in rows[1:])
        if canon != text:
            bad(where, 'bytes are not the canonical form')
        ids = [r[0] for r in rows[1:]]
        if ids != sorted(ids, key=lambda s: s.encode()):
            bad(where, 'rows not sorted by id')
        if start is not None and not rows[1:]:
            bad(where, 'a split file without rows')
        for i in ids:
            if start is not None and not i.startswith(start):
                bad(where, f'id {i} does not start with {start}')
        for i, r in enumerate(rows[1:], 2):
            if len(r) != len(h):
                bad(f'{where}:{i}', f'{len(r)} fields, header has {len(h)}')
                continue
            rec = dict(zip(h, r))
            rec['_where'] = f'{where}:{i}'
            m = CREATED.match(rec.get('created', ''))
            if not m or m.group(1) != month:
                bad(rec['_where'], f'created {rec.get("created")!r} not in {month}')
            out.append(rec)
    return header, out


def check_type(books, t, rows, header, dicts, refs):
    order, fields = schema(books, t)
    if header != ['id'] + order + ['created']:
        bad(f'data/{t}', f'header {header} is not id, schema fields, created')
    seen = {}
    uniq = {}
    prefix = {'lead': 'L', 'client': 'C', 'employee': 'E'}[t]
    for r in rows:
        w = r['_where']
        if not ID.match(r['id']) or r['id'][0] != prefix:
            bad(w, f'bad id {r["id"]!r}')
        if r['id'] in seen:
            bad(w, f'duplicate id {r["id"]} ({seen[r["id"]]})')
        seen[r['id']] = w
        for f, ty in fields.items():
            v = r.get(f, '')
            if v == '':
                continue
            if ty == 'money' and not MONEY.match(v):
                bad(w, f'{f}: money {v!r}')
            elif ty == 'bool' and v not in ('true', 'false'):
                bad(w, f'{f}: bool {v!r}')
            elif ty == 'phone' and not PHONE.match(v):
                bad(w, f'{f}: phone {v!r}')
            elif ty == 'email' and (v != v.lower() or '@' not in v):
                bad(w, f'{f}: email {v!r}')
            elif ty == 'inn' and not inn_ok(v):
                bad(w, f'{f}: INN checksum {v!r}')
            elif ty.startswith('dict:') and v not in dicts[ty[5:]]:
                bad(w, f'{f}: {v!r} not in dicts/{ty[5:]}.csv')
            elif ty.startswith('enum:') and v not in ty[5:].split('|'):
                bad(w, f'{f}: {v!r} not in {ty[5:]}')
            elif ty.startswith('ref:') and v not in refs.get(ty[4:], {v}):
                bad(w, f'{f}: no {ty[4:]} {v!r}')
        if t == 'client' and r.get('account') and not account_ok(r['bik'], r['account']):
            bad(w, f'account checksum {r["account"]}')
    return seen


def main():
    books = sys.argv[1]
    leads_csv = sys.argv[2] if len(sys.argv) > 2 else os.path.join(books, '..', 'leads.csv')
    clients_csv = (sys.argv[3] if len(sys.argv) > 3 else
                   os.path.join(os.path.dirname(leads_csv), 'clients.csv'))
    dicts = {n[:-4]: dict_ids(books, n[:-4])
             for n in os.listdir(os.path.join(books, 'dicts')) if n.endswith('.csv')}
    eh, emp = read_type(books, 'employee')
    ch, cli = read_type(books, 'client')
    lh, lead = read_type(books, 'lead')
    refs = {'employee': {r['login'] for r in emp},
            'client': {r['id'] for r in cli},
            'contact': set()}
    unique = {'client': ['inn', 'onec_id'], 'lead': ['external_id'],
              'employee': ['login', 'email']}
    for t, h, rows in (('employee', eh, emp), ('client', ch, cli), ('lead', lh, lead)):
        check_type(books, t, rows, h, dicts, refs)
        for f in unique[t]:
            vals = [r[f] for r in rows if r.get(f)]
            if len(vals) != len(set(vals)):
                bad(f'data/{t}', f'{f}: {len(vals) - len(set(vals))} duplicates')
    for path, h, rows in ((leads_csv, lh, lead), (clients_csv, ch, cli)):
        with open(path, encoding='utf-8', newline='') as f:
            got = list(csv.reader(f))
        if got[0] != h:
            bad(path, 'header differs from the shards')
        if [r[0] for r in got[1:]] != [r['id'] for r in rows]:
            bad(path, 'rows are not the shards\' rows in shard order')
    linked = sum(1 for r in lead if r.get('client'))
    months = len({r['created'][:7] for r in lead})
    files = len({r['_where'].rsplit(':', 1)[0] for r in lead})
    print(f'employees {len(emp)}, clients {len(cli)}, leads {len(lead)} '
          f'in {months} months ({files} files), '
          f'{linked / max(len(lead), 1):.0%} of leads with a client, '
          f'managers {sorted(refs["employee"])[:2]}..')
    for p in problems[:50]:
        print(p)
    if problems:
        print(f'{len(problems)} problems')
        return 1
    print('ok')
    return 0


if __name__ == '__main__':
    sys.exit(main())
