#!/bin/sh
# Checks the house rules of the includes (docs/architecture.md):
# - git2.h only in lib/store/, sqlite3.h only in lib/index/;
# - a wing of lib/ includes its own headers, kontora.h, and the face
#   (W/W.h) of the wings below it, never a wing above or beside it nor
#   another wing's private header; no file stands at the top of lib/
#   but kontora.h;
# - cmd/ includes of lib/ only kontora.h.
# Prints each fault as FILE:LINE: what, and exits 1 when there is one.
# Run from the top of the project (make lint).

for file in lib/*.c lib/*.h; do
	[ -f "$file" ] && [ "$file" != lib/kontora.h ] &&
		echo "$file: a file at the top of lib/; it belongs in a wing folder"
done >lint.$$
ls cmd | sed 's/^/cmdfile /' >>lint.$$

awk '
BEGIN {
	# The wings, from the ground up, each with the wings it may use.
	below["util"] = ""
	below["export"] = "util"
	below["model"] = "util"
	below["store"] = "util model"
	below["index"] = "util model store"
	below["books"] = "util model store index"
	below["crm"] = "util model store index books"
	below["intake"] = "util model store index books crm"
	# The wings of the money side (docs/architecture.md).
	below["money"] = "util"
	below["mail"] = "util"
	below["doc"] = "util export model money store index books"
	below["report"] = "util export model money store index books doc"
}
FILENAME ~ /^lint\./ {
	if ($1 == "cmdfile")
		cmdfile[$2] = 1
	else
		print
	next
}
FNR == 1 {
	split(FILENAME, part, "/")
	wing = FILENAME ~ /^lib\// ? part[2] : ""
	if (wing != "" && !(wing in below))
		print FILENAME ": lib/" wing "/ is no wing of docs/architecture.md; add it to tools/lint.sh"
}
!/^[ \t]*#[ \t]*include[ \t]*[<"]/ { next }
{
	h = $0
	sub(/^[ \t]*#[ \t]*include[ \t]*/, "", h)
	if (h ~ /^</) {
		sub(/>.*/, ">", h)
		if (h == "<git2.h>" && wing != "store")
			print FILENAME ":" FNR ": includes git2.h outside lib/store/"
		if (h == "<sqlite3.h>" && wing != "index")
			print FILENAME ":" FNR ": includes sqlite3.h outside lib/index/"
		next
	}
	sub(/^"/, "", h)
	sub(/".*/, "", h)
	if (h == "kontora.h")
		next
	if (wing == "") {
		if (h != "config.h" && !(h in cmdfile))
			print FILENAME ":" FNR ": includes \"" h "\": cmd/ uses lib/ through kontora.h only"
		next
	}
	if (h !~ /\//) {
		print FILENAME ":" FNR ": includes \"" h "\": name the wing (\"" wing "/" h "\")"
		next
	}
	to = h
	sub(/\/.*/, "", to)
	if (to == wing)
		next
	if (h != to "/" to ".h")
		print FILENAME ":" FNR ": includes " h ", a header private to lib/" to "/"
	else if (index(" " below[wing] " ", " " to " ") == 0)
		print FILENAME ":" FNR ": includes " h ": lib/" wing "/ stands below lib/" to "/ (or beside it) and may not use it"
}
' lint.$$ lib/*/*.c lib/*/*.h cmd/*.c cmd/*.h >lint.out.$$
rm -f lint.$$
faults=$(wc -l <lint.out.$$)
cat lint.out.$$
rm -f lint.out.$$
[ "$faults" -eq 0 ] || {
	echo "lint: $faults fault(s) in the includes; see docs/architecture.md" >&2
	exit 1
}
