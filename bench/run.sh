#!/bin/sh
# bench/run.sh - the benchmark of kontora's core (DESIGN.md section 11).
#
#   make bench                       1,000,000 leads, 100,000 clients
#   SIZE=small sh bench/run.sh       20,000 leads, 2,000 clients (smoke test)
#   make bench SIZE=huge             10,000,000 leads, 1,000,000 clients
#
# Environment: SIZE (full|small|huge), BENCH_DIR (default /tmp/kontora-bench; the
# books go to BENCH_DIR/books and are made afresh), KONTORA (the binary,
# default ./kontora), SHAPE (spread|month|day: the leads over 60 months,
# all in the last one, or all on one day of it), RUNS_BIG (3), RUNS_FAST (7), BENCH_TIMEOUT (seconds
# per command).  Prints the machine and a table of medians, and writes the
# figures to BENCH_DIR/results.tsv (bench/growth.sh joins such files); exits
# 1 if a kontora command (or the generator) failed, never because of speed.
# See bench/README.md for what each figure means.
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIZE=${SIZE:-full}
case $SIZE in
small|full|huge) ;;
*) echo "bench: SIZE must be small, full or huge, not '$SIZE'" >&2; exit 2 ;;
esac
SHAPE=${SHAPE:-spread}
case $SHAPE in
spread|month|day) ;;
*) echo "bench: SHAPE must be spread, month or day, not '$SHAPE'" >&2; exit 2 ;;
esac
BENCH_DIR=${BENCH_DIR:-/tmp/kontora-bench}
KONTORA=${KONTORA:-$ROOT/kontora}
RUNS_BIG=${RUNS_BIG:-3}
RUNS_FAST=${RUNS_FAST:-7}
RUNS_STARTUP=${RUNS_STARTUP:-21}
case $SIZE in
small) BENCH_TIMEOUT=${BENCH_TIMEOUT:-60} ;;
full) BENCH_TIMEOUT=${BENCH_TIMEOUT:-900} ;;
huge) BENCH_TIMEOUT=${BENCH_TIMEOUT:-3600} ;;
esac
BOOKS=$BENCH_DIR/books
LEADS_CSV=$BENCH_DIR/leads.csv
CLIENTS_CSV=$BENCH_DIR/clients.csv
RESULTS=$BENCH_DIR/results.tsv
# Commands act as the admin kontora init makes of git's identity: the
# leads edited and shown belong to various managers, and a manager sees
# and changes only their own (kontora-schema(5), ACCESS).
unset KONTORA_USER KONTORA_BOOKS KONTORA_NOW 2>/dev/null || true
mkdir -p "$BENCH_DIR"
identity_dir=$BENCH_DIR identity_name=kontora-bench identity_email=bench@example.ru
. "$ROOT/tools/git-identity.sh"

FAILED=0
TIMEIT=$ROOT/bench/timeit

say() { echo "bench: $*" >&2; }

# ------------------------------------------------------------- helpers

W=$(mktemp -d "${TMPDIR:-/tmp}/kontora-bench-w.XXXXXX") || exit 1
trap 'rm -rf "$W"' EXIT
trap 'exit 130' INT TERM

# measure NAME CMD...: runs CMD once under bench/timeit, which appends its
# wall time (ns) and max RSS (KB) to $W/NAME.r.  Output goes to $W/out and
# $W/err.  Returns CMD's exit status (124 if it ran out of time).
measure() {
	m_name=$1
	shift
	"$TIMEIT" "$W/$m_name.r" "$BENCH_TIMEOUT" "$@" >"$W/out" 2>"$W/err"
}

# kmeasure NAME ARGS...: measure for a kontora command; a failure is
# reported, remembered for the exit status and marks the figure.
kmeasure() {
	k_name=$1
	shift
	measure "$k_name" "$KONTORA" "$@"
	k_rc=$?
	if [ $k_rc != 0 ]; then
		FAILED=1
		touch "$W/$k_name.failed"
		say "FAILED (exit $k_rc): kontora $*"
		sed -n '1,5s/^/bench:   /p' "$W/err" >&2
	fi
	return $k_rc
}

# median NAME: the median of NAME's times, in seconds; empty if none.
median() {
	[ -s "$W/$1.r" ] || return 0
	cut -d' ' -f1 "$W/$1.r" | sort -n | awk '{ a[NR] = $1 }
		END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
		      printf "%.4f\n", m / 1e9 }'
}

# minimum NAME: the smallest of NAME's times, in seconds; empty if none.
minimum() {
	[ -s "$W/$1.r" ] || return 0
	cut -d' ' -f1 "$W/$1.r" | sort -n | awk 'NR == 1 { printf "%.5f\n", $1 / 1e9 }'
}

# maxrss NAME: the largest max RSS of NAME's runs, in MB; empty if unknown.
maxrss() {
	[ -s "$W/$1.r" ] || return 0
	awk '$2 > m { m = $2 } END { if (m) printf "%.1f\n", m / 1024 }' "$W/$1.r"
}

# row LABEL KONTORA_S BASE_S BASE_KIND GOAL RSS_MB [FAILED]: prints a row
# of the table and appends "measure, seconds, RSS" to $RESULTS (on an
# indented row without kontora's figure, a baseline's own, the baseline's
# seconds; FAILED when it failed).
row() {
	case ${7:-}:${2:-}:$1 in
	[!:]*) r_s=FAILED ;;
	::\ *) r_s=${3:-} ;;
	*) r_s=${2:-} ;;
	esac
	printf '%s\t%s\t%s\n' "$(echo "$1" | sed 's/^ *//')" "$r_s" "${6:-}" >>"$RESULTS"

	r_ratio=-
	if [ -n "$2" ] && [ -n "$3" ]; then
		r_ratio=$(awk -v a="$2" -v b="$3" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
	fi
	r_k=${2:--}
	[ -n "${7:-}" ] && r_k=FAILED && r_ratio=-
	printf '%-40s %11s %10s %-8s %6s %6s %9s\n' "$1" "$r_k" "${3:--}" "$4" "$r_ratio" "$5" "${6:--}"
}

# ------------------------------------------------------------- machine

machine() {
	echo "machine:"
	echo "  cpu:      $(nproc) x $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "  memory:   $(awk '/^MemTotal/ { printf "%.1f GB", $2 / 1048576 }' /proc/meminfo)"
	# shellcheck disable=SC1091
	echo "  system:   $( (. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME") || uname -s), $(uname -r)"
	echo "  sqlite3:  $(sqlite3 --version 2>/dev/null | cut -d' ' -f1)   git: $(git --version | cut -d' ' -f3)"
	echo "  kontora:  $(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)"
	echo "  books:    $BOOKS ($SIZE, leads $SHAPE)"
	echo "  load:     $LOAD_START at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end (1, 5, 15 min)"
	echo "  date:     $(date -u '+%Y-%m-%d %H:%M UTC')"
}

# ------------------------------------------------------------- setup

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
say "building the generator and the timer"
cc -O2 -o "$ROOT/bench/gen" "$ROOT/bench/gen.c" || exit 1
cc -O2 -o "$ROOT/bench/timeit" "$ROOT/bench/timeit.c" || exit 1
# shellcheck disable=SC2046
cc -O2 -o "$ROOT/bench/xlsx-base" "$ROOT/bench/xlsx-base.c" \
	$(pkg-config --cflags --libs xlsxwriter) -lcsv || exit 1
if [ ! -x "$KONTORA" ]; then
	say "$KONTORA not found: run 'make kontora' first"
	exit 1
fi

mkdir -p "$BENCH_DIR" || exit 1
if [ -e "$BOOKS" ]; then
	if [ ! -e "$BENCH_DIR/.kontora-bench" ]; then
		say "$BOOKS exists and was not made by the benchmark; not touching it"
		exit 1
	fi
	rm -rf "$BOOKS"
fi
: >"$BENCH_DIR/.kontora-bench"

say "kontora init $BOOKS"
if ! kmeasure init init "$BOOKS"; then
	say "cannot go on without books"
	exit 1
fi
say "generating $SIZE books"
if ! measure gen "$ROOT/bench/gen" --shape="$SHAPE" "$BOOKS" "$SIZE" "$LEADS_CSV" "$CLIENTS_CSV"; then
	cat "$W/err" >&2
	say "the generator failed"
	exit 1
fi
sed 's/^/bench: /' "$W/err" >&2

KC() { name=$1; shift; kmeasure "$name" -C "$BOOKS" "$@"; }

# ------------------------------------------------ a) full reindex

say "a) full reindex x$RUNS_BIG"
i=0
while [ $i -lt "$RUNS_BIG" ]; do
	rm -f "$BOOKS/.git/kontora/index.db" "$BOOKS/.git/kontora/index.db-wal" \
		"$BOOKS/.git/kontora/index.db-shm" "$BOOKS/.git/kontora/index.db-journal" \
		"$BOOKS/.git/kontora/search.db"
	KC reindex reindex
	i=$((i + 1))
done
# The first search after a rebuild, then the later ones (issue 16: the
# first must not wait for the full-text table).
say "i) search for a surname, the first after the reindex, then x$RUNS_FAST"
KC search1 search Иванов --limit 20
i=0
while [ $i -lt "$RUNS_FAST" ]; do
	KC search search Иванов --limit 20
	i=$((i + 1))
done
say "a) baseline: sqlite3 :memory: .import of leads.csv and clients.csv x$RUNS_BIG"
i=0
while [ $i -lt "$RUNS_BIG" ]; do
	measure import sqlite3 :memory: ".import --csv '$LEADS_CSV' lead" \
		".import --csv '$CLIENTS_CSV' client" ||
		{ say "sqlite3 baseline failed: $(head -n 1 "$W/err")"; rm -f "$W/import.r"; break; }
	i=$((i + 1))
done
# If every reindex failed, let the next command build the index.
KC warm lead list --limit 1

# ------------------------------------------------ b) one edit, refresh

# Leads are split by id (schemas/lead.schema says "split id"): a month's
# leads are in data/lead/YYYY-MM/LX.csv, LX the ids' first two characters,
# or deeper (LX/LXY.csv) when a file grew past the split size.
shards=$(cd "$BOOKS/data/lead" && find [0-9][0-9][0-9][0-9]-[0-9][0-9] -name 'L*.csv' | LC_ALL=C sort)
nshards=$(echo "$shards" | wc -l)
nmonths=$(echo "$shards" | cut -d/ -f1 | sort -u | wc -l)
shard1=$BOOKS/data/lead/$(echo "$shards" | sed -n "$((nshards / 2 + 1))p")
shard2=$BOOKS/data/lead/$(echo "$shards" | sed -n "$((nshards * 3 / 4 + 1))p")
if [ ! -f "$shard1" ] || [ ! -f "$shard2" ]; then
	say "no lead shards data/lead/YYYY-MM/L?.csv in $BOOKS"
	exit 1
fi
# the middle id of each shard (rows start with the id; continuation lines
# of quoted multi-line comments never look like one)
pick_mid() { grep -E "$2" "$1" | cut -d, -f1 | awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }'; }
# the lead to edit: an open one (workflows/lead.flow lets a manager edit
# only open leads), of shard1 or of the next file that has one
open_mid() { grep -Ev ',(won|lost),' "$1" | pick_mid /dev/stdin '^L[0-9A-Z]{7},'; }
ID=$(open_mid "$shard1")
k=$((nshards / 2 + 1))
while [ -z "$ID" ] && [ $k -lt "$nshards" ]; do
	k=$((k + 1))
	shard1=$BOOKS/data/lead/$(echo "$shards" | sed -n "${k}p")
	ID=$(open_mid "$shard1")
done
ID2=$(pick_mid "$shard2" '^L[0-9A-Z]{7},.*,manager[0-9][0-9],')
# a split file holds few leads: if none of shard2's has a manager, the next
# file that has one
k=$((nshards * 3 / 4 + 1))
while [ -z "$ID2" ] && [ $k -lt "$nshards" ]; do
	k=$((k + 1))
	shard2=$BOOKS/data/lead/$(echo "$shards" | sed -n "${k}p")
	ID2=$(pick_mid "$shard2" '^L[0-9A-Z]{7},.*,manager[0-9][0-9],')
done
if [ -z "$ID" ] || [ -z "$ID2" ]; then
	say "no lead to edit or show in $shard1 or $shard2"
	exit 1
fi
say "b) lead edit $ID (${shard1#"$BOOKS"/}) x$RUNS_FAST"
i=0
while [ $i -lt "$RUNS_FAST" ]; do
	i=$((i + 1))
	KC edit lead edit "$ID" --set "comment=bench edit $i"
done
if ! grep -q "^$ID,.*bench edit $RUNS_FAST" "$shard1"; then
	say "warning: ${shard1#"$BOOKS"/} does not show the last edit of $ID"
fi
if [ -n "$(git -C "$BOOKS" status --porcelain)" ]; then
	say "warning: git status is not clean after kontora lead edit"
fi

say "b) lead show $ID2 on an up-to-date index x$RUNS_FAST"
KC warm lead show "$ID2"
i=0
while [ $i -lt "$RUNS_FAST" ]; do
	KC show lead show "$ID2"
	i=$((i + 1))
done

# ------------------------------------------------ k) start-up

# A read command against git's own read of the same books (git log -1)
# and the sqlite3 shell's lookup of the same lead in kontora's index
# (issue 16: within 2x of git log -1).  Milliseconds on a shared machine:
# the minimum of RUNS_STARTUP runs, each kind in turn.
say "k) start-up: kontora --version, lead show, lead list -l 10, git log -1, sqlite3 x$RUNS_STARTUP"
KC warm lead show "$ID2"
i=0
while [ $i -lt "$RUNS_STARTUP" ]; do
	kmeasure version --version
	KC startup-show lead show "$ID2"
	KC startup-list lead list --limit 10
	measure gitlog git -C "$BOOKS" log -1 || FAILED=1
	measure sqlite sqlite3 "$BOOKS/.git/kontora/index.db" "SELECT * FROM lead WHERE id = '$ID2'" || FAILED=1
	i=$((i + 1))
done

say "b) lead show $ID2 after a hand commit to ${shard2#"$BOOKS"/} x$RUNS_FAST"
i=0
while [ $i -lt "$RUNS_FAST" ]; do
	cur=$(grep -E "^$ID2," "$shard2" | grep -o -E ',manager[0-9][0-9],' | head -n 1 | tr -dc 0-9)
	new=$(printf 'manager%02d' $(( (${cur#0} % 20) + 1 )))
	sed -i "/^$ID2,/s/,manager$cur,/,$new,/" "$shard2"
	git -C "$BOOKS" -c user.name=kontora-bench -c user.email=bench@example.ru commit -q -a -m "bench: hand edit of $ID2" ||
		{ say "git commit of the hand edit failed"; exit 1; }
	KC refresh lead show "$ID2"
	if ! grep -q "$new" "$W/out"; then
		say "warning: lead show $ID2 does not show the hand edit (manager $new)"
	fi
	i=$((i + 1))
done

# ------------------------------------------------ c) list by manager

say "c) lead list --where manager=manager07 --limit 100 x$RUNS_FAST"
KC warm lead list --where 'manager=manager07' --limit 100
i=0
while [ $i -lt "$RUNS_FAST" ]; do
	KC list lead list --where 'manager=manager07' --limit 100
	i=$((i + 1))
done
nlist=$(wc -l <"$W/out")
[ "$nlist" -ge 100 ] || say "warning: lead list printed $nlist lines, expected 100"

# ------------------------------------------------ c) as a manager
# The run acts as an admin, who sees everything; a manager's reads and
# writes go through the access rules of the schemas.  A task may be on a
# record of any type, so its via rule is the costliest: 0.8-1 s for a
# manager's task list and for a task on their lead given to another at
# 1M leads, before they asked one record or one row at a time.

MLEAD=$("$KONTORA" -C "$BOOKS" lead list --where 'manager=manager07' --limit 1 -f csv 2>/dev/null | sed -n 2p | cut -d, -f1)
say "c) as manager07: task list --limit 100, task add on $MLEAD for manager03 --dry-run x$RUNS_FAST"
export KONTORA_USER=manager07
KC warm task list --limit 100
i=0
while [ $i -lt "$RUNS_FAST" ]; do
	KC mtasks task list --limit 100
	KC mtask task add --on "$MLEAD" --to manager03 --dry-run Позвонить
	i=$((i + 1))
done
unset KONTORA_USER

# ------------------------------------------------ d) show by prefix

PREFIX=$(cd "$BOOKS/data/lead" && echo "$shards" | xargs grep -h -o -E '^L[0-9A-Z]{7},' | cut -c1-5 | sort | uniq -u |
	awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }')
[ -n "$PREFIX" ] || PREFIX=$(echo "$ID" | cut -c1-6)
say "d) lead show $PREFIX x$RUNS_FAST"
KC warm lead show "$PREFIX"
i=0
while [ $i -lt "$RUNS_FAST" ]; do
	KC prefix lead show "$PREFIX"
	i=$((i + 1))
done

# ------------------------------------------------ g) lead add, distributed

# A lead without a client and without a manager: the distribution counts
# the leads of every manager (issue 16), by round robin (the default) and
# by least loaded.  The reindex made the count table of the configured
# rule (round robin); kontora config makes the other's when it sets it (a
# scan of every lead: measured on its own), so the first add counts none.
say "g) lead add without a client, round robin and least loaded x$RUNS_FAST"
for rule in round-robin least-loaded; do
	KC "config-$rule" config assign.rule "$rule"
	KC "add-first-$rule" lead add --name "Пётр Бенчев" --phone "+79990001122" "Заявка бенча"
	i=0
	while [ $i -lt "$RUNS_FAST" ]; do
		KC "add-$rule" lead add --name "Пётр Бенчев $i" --phone "+7999000$((1000 + i))" "Заявка бенча $i"
		i=$((i + 1))
	done
done
KC warm config assign.rule round-robin

# ------------------------------------------------ f) invoice pdf

# A 200-line invoice (20 products, each on 10 lines with its own quantity
# and price), issued, so that it has its number, bank block and QR code,
# and is laid out over several pages with the table's header repeated.
say "f) invoice pdf of a 200-line invoice x$RUNS_FAST"
while read -r key value; do
	"$KONTORA" -C "$BOOKS" config "company.$key" "$value" >/dev/null || FAILED=1
done <<EOF
name Батискаф
legal-name ООО «Батискаф»
inn 5024045017
kpp 502401001
address 143402, Московская обл., г. Красногорск, ул. Заводская, д. 4
bank ПАО Сбербанк
bik 044525225
corr-account 30101810400000000225
account 40702810938000012345
director Смирнов Олег Викторович
accountant Кузнецова Ирина Павловна
EOF
BC=$("$KONTORA" -C "$BOOKS" client add --name "Ромашка" --legal-name "ООО «Ромашка»" \
	--inn 7707083893 --kpp 773601001 --address "Москва, ул. Ленина, 1" 2>/dev/null)
set --
p=0
while [ $p -lt 20 ]; do
	p=$((p + 1))
	g=$("$KONTORA" -C "$BOOKS" product add --name "Средство моющее, концентрат, канистра 5 л, артикул КМ-$p" \
		--unit pcs --price "$((p * 37)),50" 2>/dev/null) || break
	n=0
	while [ $n -lt 10 ]; do
		n=$((n + 1))
		set -- "$@" --line "$g:$((n * p)):$((p * 100 + n)),$((n * 7 % 100))"
	done
done
INV=$("$KONTORA" -C "$BOOKS" invoice new --client "$BC" "$@" 2>"$W/err")
if [ -z "$INV" ] || [ $# != 400 ] || ! "$KONTORA" -C "$BOOKS" invoice issue "$INV" >/dev/null 2>>"$W/err"; then
	FAILED=1
	touch "$W/invoice.failed"
	say "FAILED: the 200-line invoice could not be made: $(head -n 1 "$W/err")"
else
	i=0
	while [ $i -lt "$RUNS_FAST" ]; do
		KC invoice invoice pdf "$INV" -o "$W/invoice.pdf"
		i=$((i + 1))
	done
	npages=$(pdfinfo "$W/invoice.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
	say "f) the PDF: ${npages:-?} pages, $(du -k "$W/invoice.pdf" | cut -f1) KB"
fi

# ------------------------------------------------ h) reports

# Every built-in report (reports/*.sql, kontora-report(1)) on all the
# books as XLSX and as PDF; then one on the books as they were at the
# generator's commit (--at), its cached index removed before each run so
# that it is built from that commit's tree, as against a full reindex.
REPORTS="funnel dynamics sources debts attention dashboard margin deals lab"
say "h) report NAME -f xlsx|pdf, every built-in report x$RUNS_BIG"
for r in $REPORTS; do
	for fmt in xlsx pdf; do
		i=0
		while [ $i -lt "$RUNS_BIG" ]; do
			KC "report-$r-$fmt" report "$r" -f $fmt -o "$W/report.$fmt"
			i=$((i + 1))
		done
	done
done
OLD=$(git -C "$BOOKS" log --format=%H --grep='^bench: synthetic books' | tail -n 1)
say "h) report dynamics --at ${OLD:-?} (the generator's commit), cache removed, x$RUNS_BIG"
i=0
while [ -n "$OLD" ] && [ $i -lt "$RUNS_BIG" ]; do
	rm -rf "$BOOKS/.git/kontora/at"
	KC report-at report dynamics --at "$OLD" -f xlsx -o "$W/report.xlsx"
	i=$((i + 1))
done
[ -n "$OLD" ] || { FAILED=1; touch "$W/report-at.failed"; say "FAILED: no commit 'bench: synthetic books'"; }
KC report-at-again report dynamics --at "${OLD:-HEAD}" -f xlsx -o "$W/report.xlsx"

# ------------------------------------------------ j) list to xlsx

# Every lead to a workbook, against bench/xlsx-base writing the same
# cells: those of kontora's first workbook (bench/xlsx-cells.py reads
# them back into CSV, not timed: titles of references, names of stages
# and sources, the header's labels).  The column letters follow
# schemas/lead.schema's fields, each reference two columns as kontora
# writes them (title, then id).
say "j) lead list --all -f xlsx of every lead, and the bare libxlsxwriter loop, x$RUNS_BIG"
LEAD_TYPES=srrsssssssssmrbssssdt
CELL_TYPES=$(echo "s$LEAD_TYPES" | sed 's/r/ss/g')
if [ "$SIZE" = huge ]; then
	say "j) skipped at SIZE=huge: 10,000,000 rows do not fit an Excel sheet (1,048,576)"
else
	i=0
	while [ $i -lt "$RUNS_BIG" ]; do
		KC xlsx lead list --all -f xlsx -o "$W/leads.xlsx" || break
		if [ ! -s "$W/leads-all.csv" ] &&
		   ! python3 "$ROOT/bench/xlsx-cells.py" "$W/leads.xlsx" "$CELL_TYPES" >"$W/leads-all.csv"; then
			say "xlsx-cells.py failed"; rm -f "$W/leads-all.csv"; break
		fi
		rm -f "$W/leads.xlsx"
		measure xbase "$ROOT/bench/xlsx-base" "$W/base.xlsx" "$CELL_TYPES" <"$W/leads-all.csv" ||
			{ say "xlsx-base failed: $(head -n 1 "$W/err")"; rm -f "$W/xbase.r"; break; }
		rm -f "$W/base.xlsx"
		i=$((i + 1))
	done
fi
rm -f "$W/leads-all.csv"

# ------------------------------------------------------------- report

f() { [ -e "$W/$1.failed" ] && echo 1; }
t_reindex=$(median reindex)
t_import=$(median import)
t_edit=$(median edit)
t_show=$(median show)
t_refresh_show=$(median refresh)
t_refresh=
if [ -n "$t_show" ] && [ -n "$t_refresh_show" ]; then
	t_refresh=$(awk -v a="$t_refresh_show" -v b="$t_show" 'BEGIN { d = a - b; if (d < 0) d = 0; printf "%.4f", d }')
fi
t_list=$(median list)
t_prefix=$(median prefix)
t_invoice=$(median invoice)
largest=$(find "$BOOKS/data" -name '*.csv' -printf '%s %p\n' | sort -n | tail -n 1 | cut -d' ' -f2-)

nleads=$(grep -c -E '^L[0-9A-Z]{7},' "$LEADS_CSV")
echo
machine
echo "  data:     $nleads leads in $nshards shards ($nmonths months split by id), $(grep -c -E '^C[0-9A-Z]{7},' "$CLIENTS_CSV") clients;" \
	"$(du -sm "$BOOKS/data" | cut -f1) MB of CSV, largest shard ${largest#"$BOOKS"/} $(du -k "$largest" | cut -f1) KB"
echo "  generate: $(median gen) s (bench/gen, git add and commit included)"
echo "  runs:     median of $RUNS_BIG (reindex, import) or $RUNS_FAST (the rest)"
echo "  ids:      edit $ID (${shard1#"$BOOKS"/}), show/refresh $ID2 (${shard2#"$BOOKS"/}), prefix $PREFIX"
{
	printf '# size\t%s\n# leads\t%s\n# date\t%s\n# load\t%s .. %s\n# kontora\t%s\n' "$SIZE" "$nleads" \
		"$(date -u '+%Y-%m-%d %H:%M')" "$LOAD_START" "$(cut -d' ' -f1-3 /proc/loadavg)" \
		"$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo unknown)"
	printf '# largest shard\t%s KB\n' "$(du -k "$largest" | cut -f1)"
	printf '# data\t%s MB of CSV\n' "$(du -sm "$BOOKS/data" | cut -f1)"
	printf 'measure\tseconds\trss_mb\n'
	printf 'generate\t%s\t%s\n' "$(median gen)" "$(maxrss gen)"
} >"$RESULTS"
echo
printf '%-40s %11s %10s %-8s %6s %6s %9s\n' measure "kontora (s)" "base (s)" "base is" ratio goal "RSS (MB)"
row "a) full reindex" "$t_reindex" "$t_import" "sqlite3" "<=2" "$(maxrss reindex)" "$(f reindex)"
row "   sqlite3 .import (baseline)" "" "$t_import" "" "" "$(maxrss import)"
row "b) lead edit, end to end" "$t_edit" 0.050 "target" "<=1" "$(maxrss edit)" "$(f edit)"
row "b) index refresh after a commit" "$t_refresh" 0.020 "target" "<=1" "$(maxrss refresh)" "$(f refresh)$(f show)"
row "   lead show, refresh included" "$t_refresh_show" "" "" "" "$(maxrss refresh)" "$(f refresh)"
row "   lead show, index up to date" "$t_show" "" "" "" "$(maxrss show)" "$(f show)"
row "c) lead list --where manager= -l 100" "$t_list" 0.100 "target" "<=1" "$(maxrss list)" "$(f list)"
row "c) manager: task list -l 100" "$(median mtasks)" 0.100 "target" "<=1" "$(maxrss mtasks)" "$(f mtasks)"
row "c) manager: task add for another, dry" "$(median mtask)" 0.025 "target" "<=1" "$(maxrss mtask)" "$(f mtask)"
row "d) lead show 5-char prefix" "$t_prefix" 0.050 "target" "<=1" "$(maxrss prefix)" "$(f prefix)"
row "g) lead add, no client, round robin" "$(median add-round-robin)" 0.050 "target" "<=1" "$(maxrss add-round-robin)" "$(f add-round-robin)"
row "g) lead add, no client, least loaded" "$(median add-least-loaded)" 0.050 "target" "<=1" "$(maxrss add-least-loaded)" "$(f add-least-loaded)"
row "g) first add after reindex, round robin" "$(median add-first-round-robin)" 0.050 "target" "<=1" "$(maxrss add-first-round-robin)" "$(f add-first-round-robin)"
row "g) first add after reindex, least loaded" "$(median add-first-least-loaded)" 0.050 "target" "<=1" "$(maxrss add-first-least-loaded)" "$(f add-first-least-loaded)"
row "   config assign.rule least-loaded" "$(median config-least-loaded)" "" "" "" "$(maxrss config-least-loaded)" "$(f config-least-loaded)"
row "f) invoice pdf, 200 lines" "$t_invoice" "" "" "" "$(maxrss invoice)" "$(f invoice)"
for r in $REPORTS; do
	for fmt in xlsx pdf; do
		row "h) report $r -f $fmt" "$(median "report-$r-$fmt")" 2.000 "target" "<=1" \
			"$(maxrss "report-$r-$fmt")" "$(f "report-$r-$fmt")"
	done
done
row "h) report --at OLD, index built" "$(median report-at)" "$t_reindex" "reindex" "<=2" "$(maxrss report-at)" "$(f report-at)"
row "   report --at OLD, index cached" "$(median report-at-again)" "" "" "" "$(maxrss report-at-again)" "$(f report-at-again)"
row "i) search a surname, first after reindex" "$(median search1)" 0.100 "target" "<=1" "$(maxrss search1)" "$(f search1)"
row "i) search a surname, later" "$(median search)" 0.100 "target" "<=1" "$(maxrss search)" "$(f search)"
row "j) lead list --all -f xlsx" "$(median xlsx)" "$(median xbase)" "xlsx-base" "<=1.2" "$(maxrss xlsx)" "$(f xlsx)"
row "   bare libxlsxwriter loop (baseline)" "" "$(median xbase)" "" "" "$(maxrss xbase)"
t_git=$(minimum gitlog)
row "k) kontora --version (minimum)" "$(minimum version)" "$t_git" "git log" "<=2" "$(maxrss version)" "$(f version)"
row "k) lead show, index up to date (min)" "$(minimum startup-show)" "$t_git" "git log" "<=2" "$(maxrss startup-show)" "$(f startup-show)"
row "k) lead list --limit 10 (minimum)" "$(minimum startup-list)" "$t_git" "git log" "<=2" "$(maxrss startup-list)" "$(f startup-list)"
row "   sqlite3 index.db select by id (min)" "" "$(minimum sqlite)" "" "" "$(maxrss sqlite)"
row "   git log -1 (baseline, minimum)" "" "$t_git" "" "" "$(maxrss gitlog)"
row "k) lead edit, end to end (median)" "$t_edit" 0.025 "target" "<=1" "$(maxrss edit)" "$(f edit)"
echo
if [ $FAILED != 0 ]; then
	echo "bench: some kontora commands failed (see above)"
	exit 1
fi
exit 0
