#!/bin/sh
# bench/growth.sh - how each figure of bench/run.sh grows with the books:
# joins the results files of runs at different sizes into one table.
#
#   sh bench/growth.sh SMALL.tsv FULL.tsv HUGE.tsv
#
# Each FILE is a BENCH_DIR/results.tsv written by bench/run.sh: "# key<TAB>
# value" lines (size, leads, date, load, ...), then "measure<TAB>seconds<TAB>
# rss_mb" and one line per measure.  Prints a Markdown table on stdout: a
# row per measure (in the order the files first name them), its seconds in
# each file, the ratio of each file's seconds to the previous file's, and
# its RSS in each file; the files' key lines first.  Any number of files
# (at least two) may be given, smallest books first.  Exits 2 on a usage
# error, 1 if a file cannot be read or is not a results file.
set -u

if [ $# -lt 2 ]; then
	echo "usage: growth.sh RESULTS.tsv RESULTS.tsv..." >&2
	exit 2
fi
for f in "$@"; do
	if [ ! -r "$f" ]; then
		echo "growth.sh: $f: cannot read" >&2
		exit 1
	fi
	if ! grep -q "^measure	seconds	rss_mb\$" "$f"; then
		echo "growth.sh: $f: not a bench/run.sh results file (no 'measure<TAB>seconds<TAB>rss_mb' line)" >&2
		exit 1
	fi
done

awk -F '\t' '
FNR == 1 { nf++ }
/^# / {
	k = substr($1, 3)
	if (!(k in seenkey)) { seenkey[k] = 1; keys[++nk] = k }
	meta[k, nf] = $2
	next
}
$1 == "measure" && $2 == "seconds" { next }
NF >= 2 {
	if (!($1 in seen)) { seen[$1] = 1; order[++nm] = $1 }
	sec[$1, nf] = $2
	rss[$1, nf] = $3
}
function num(s) { return s ~ /^[0-9]+(\.[0-9]+)?$/ }
function cell(s) { return s == "" ? "-" : s }
END {
	# the heading: the sizes, or the file numbers
	h = "| measure"; sep = "|---"
	for (i = 1; i <= nf; i++) {
		name[i] = ((("size", i) in meta) ? meta["size", i] : "file " i)
		h = h " | " name[i] " (s)"; sep = sep "|---:"
	}
	for (i = 2; i <= nf; i++) {
		h = h " | " name[i] "/" name[i - 1]; sep = sep "|---:"
	}
	for (i = 1; i <= nf; i++) {
		h = h " | RSS " name[i] " (MB)"; sep = sep "|---:"
	}
	print h " |"
	print sep "|"
	for (j = 1; j <= nk; j++) {
		k = keys[j]
		if (k == "size")
			continue
		line = "| " k
		for (i = 1; i <= nf; i++)
			line = line " | " cell(meta[k, i])
		for (i = 2; i <= nf; i++) {
			a = meta[k, i - 1]; b = meta[k, i]
			# a number and its unit ("740 KB"), not a list ("0.9 1.2 ..")
			if (a !~ /^[0-9.]+( [A-Za-z ]+)?$/ || b !~ /^[0-9.]+( [A-Za-z ]+)?$/)
				a = b = ""
			sub(/ .*/, "", a); sub(/ .*/, "", b)
			line = line " | " (num(a) && num(b) && a > 0 ? sprintf("%.1f", b / a) : "")
		}
		for (i = 1; i <= nf; i++)
			line = line " | "
		print line " |"
	}
	for (j = 1; j <= nm; j++) {
		m = order[j]
		line = "| " m
		for (i = 1; i <= nf; i++)
			line = line " | " cell(sec[m, i])
		for (i = 2; i <= nf; i++) {
			a = sec[m, i - 1]; b = sec[m, i]
			line = line " | " (num(a) && num(b) && a > 0 ? sprintf("%.2f", b / a) : "-")
		}
		for (i = 1; i <= nf; i++)
			line = line " | " cell(rss[m, i])
		print line " |"
	}
}' "$@"
