#!/bin/sh
# test-lib.sh - a small library for kontora's shell tests, after git's t/test-lib.sh.
#
# A test script starts with
#
#	#!/bin/sh
#	test_description='what this script tests'
#	. "$(dirname "$0")/test-lib.sh"
#
# and then runs test_expect_success 'description' 'commands' ... test_done.
# It prints TAP for prove(1).  Each script gets a fresh temporary directory
# ($TEST_DIR, the current directory when the tests start) with a HOME and a
# git identity of its own; it is removed at the end unless a test failed
# and KEEP is set.  Run a script with -v (or TEST_VERBOSE=1) to see what the
# commands print, on stderr.
#
# Tests are eval'ed in the current shell (so variables they set are seen by
# later tests); the directory is restored after each test, so cd at the top
# level of the script to change it for good.  A script that does not need
# the kontora binary sets test_no_kontora=t before sourcing this file.

# `make check` runs tests/t/t*.sh, which includes this file: say so in TAP.
case $0 in
test-lib.sh|*/test-lib.sh)
	echo "1..0 # SKIP test-lib.sh is the library the t[0-9]*.sh scripts source"
	exit 0 ;;
esac

TEST_ROOT=$(cd "$(dirname "$0")/../.." && pwd) || exit 1
TEST_NAME=$(basename "$0" .sh)
# KONTORA_TEST_BIN_DIR: test the kontora in another directory (an install).
TEST_BIN_DIR=${KONTORA_TEST_BIN_DIR:-$TEST_ROOT}
PATH="$TEST_BIN_DIR:$PATH"
export TEST_ROOT PATH

case " $* " in *" -v "*|*" --verbose "*) TEST_VERBOSE=1 ;; esac

test_count=0 test_failed=0 test_fixed=0 test_broken=0 skip_all=
TEST_FIXTURES=$TEST_ROOT/tests/fixtures

TEST_DIR=$(mktemp -d "${TMPDIR:-/tmp}/kontora-$TEST_NAME.XXXXXX") || exit 1
HOME=$TEST_DIR/home
TZ=UTC LC_ALL=C.UTF-8 LANG=C.UTF-8
KONTORA_NOW=2026-11-23T10:00:00Z
PAGER=cat MANPAGER=cat GIT_PAGER=cat GIT_CONFIG_NOSYSTEM=1
export HOME TZ LC_ALL LANG KONTORA_NOW PAGER MANPAGER GIT_PAGER GIT_CONFIG_NOSYSTEM
unset KONTORA_BOOKS KONTORA_USER XDG_CONFIG_HOME GIT_DIR GIT_WORK_TREE \
	GIT_INDEX_FILE GIT_CONFIG_GLOBAL GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL \
	GIT_AUTHOR_DATE GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_COMMITTER_DATE \
	GIT_CEILING_DIRECTORIES
mkdir "$HOME" && cat >"$HOME/.gitconfig" <<-\EOF || exit 1
	[user]
		name = Тест Тестов
		email = test@example.com
	[init]
		defaultBranch = master
	[commit]
		gpgsign = false
EOF
# kontora must not find books above the temporary directory.
GIT_CEILING_DIRECTORIES=$(dirname "$TEST_DIR")
export GIT_CEILING_DIRECTORIES
cd "$TEST_DIR" || exit 1

test_cleanup_dir () {
	cd / && { test "$test_failed" -gt 0 && test -n "$KEEP" && \
		echo "# kept $TEST_DIR" || rm -rf "$TEST_DIR"; }
}
trap 'echo "Bail out! $TEST_NAME: the script exited before test_done"; test_cleanup_dir' EXIT

if test -z "$test_no_kontora" && ! test -x "$TEST_BIN_DIR/kontora"; then
	skip_all="$TEST_BIN_DIR/kontora is not built (make kontora)"
fi

say_comment () { sed 's/^/# /'; }

# test_run_ 'commands': eval them with output captured; returns their status.
# (A function of its own, so that "return 1" in a test's loop ends the test.)
test_eval_ () { eval "$1"; }
test_run_ () {
	test_out_=$TEST_DIR/.test-output
	test_pwd_=$PWD
	if test -n "$TEST_VERBOSE"; then
		test_eval_ "$1" </dev/null >&2
	else
		test_eval_ "$1" </dev/null >"$test_out_" 2>&1
	fi
	test_status_=$?
	cd "$test_pwd_" || cd "$TEST_DIR"
	return $test_status_
}

test_prereq_ok_ () {
	test $# = 3 || return 0
	# PREREQ or PREREQ,PREREQ...: every one of them.
	test_missing_=
	for test_p_ in $(echo "$1" | tr ',' ' '); do
		case " $test_prereqs " in *" $test_p_ "*) ;; *) test_missing_="$test_missing_${test_missing_:+,}$test_p_" ;; esac
	done
	test -z "$test_missing_" && return 0
	test_count=$((test_count + 1))
	echo "ok $test_count # skip $2 (missing $test_missing_)"
	return 1
}

test_set_prereq () { test_prereqs="$test_prereqs $1"; }
# test_openpyxl: sets XLSX_PY to a python that has openpyxl, and the
# prerequisite OPENPYXL, when one has it (it may live in the system's
# python only, not in a pyenv's).
test_openpyxl () {
	for py in python3 /usr/bin/python3; do
		if "$py" -c 'import openpyxl' 2>/dev/null; then
			XLSX_PY=$py
			test_set_prereq OPENPYXL
			return 0
		fi
	done
}
test_have_prereq () { case " $test_prereqs " in *" $1 "*) return 0 ;; esac; return 1; }

test_expect_success () {
	test -n "$skip_all" && return 0
	test_prereq_ok_ "$@" || return 0
	test $# = 3 && shift
	test_count=$((test_count + 1))
	if test_run_ "$2"; then
		echo "ok $test_count - $1"
	else
		test_failed=$((test_failed + 1))
		echo "not ok $test_count - $1"
		printf '%s\n' "$2" | say_comment
		test -f "$TEST_DIR/.test-output" && test -z "$TEST_VERBOSE" &&
			{ echo "output:"; cat "$TEST_DIR/.test-output"; } | say_comment
	fi
	return 0
}

# A test of behaviour known to be broken: its failure is a TODO, not an error.
test_expect_failure () {
	test -n "$skip_all" && return 0
	test_prereq_ok_ "$@" || return 0
	test $# = 3 && shift
	test_count=$((test_count + 1))
	if test_run_ "$2"; then
		test_fixed=$((test_fixed + 1))
		echo "ok $test_count - $1 # TODO known breakage vanished"
	else
		test_broken=$((test_broken + 1))
		echo "not ok $test_count - $1 # TODO known breakage"
	fi
	return 0
}

# test_must_fail CMD...: CMD must exit 1..125 (a failure, not a crash, a
# signal or a missing command).  A usage error (2) counts as a failure.
test_must_fail () {
	"$@"
	test_code_=$?
	if test $test_code_ = 0; then
		echo >&2 "test_must_fail: command succeeded: $*"; return 1
	elif test $test_code_ -gt 125; then
		echo >&2 "test_must_fail: died (exit $test_code_): $*"; return 1
	fi
	return 0
}

# test_expect_code N CMD...: CMD must exit with status N.
test_expect_code () {
	test_want_=$1; shift
	"$@"
	test_code_=$?
	test $test_code_ = "$test_want_" && return 0
	echo >&2 "test_expect_code: want exit $test_want_, got $test_code_: $*"
	return 1
}

test_cmp () { diff -u "$1" "$2"; }

# test_line_count OP N FILE, e.g. test_line_count = 3 out
test_line_count () {
	test $# = 3 || { echo >&2 "usage: test_line_count OP N FILE"; return 1; }
	test_lines_=$(wc -l <"$3") || return 1
	test "$test_lines_" "$1" "$2" && return 0
	echo >&2 "test_line_count: $3 has $test_lines_ lines, want $1 $2:"
	cat >&2 "$3"
	return 1
}

# test_grep [OPTIONS] PATTERN FILE: like grep, but shows FILE when it fails.
test_grep () {
	for test_last_; do :; done
	grep "$@" >/dev/null && return 0
	echo >&2 "test_grep: no match for: $*"
	test $# -gt 1 && test -f "$test_last_" &&
		{ echo >&2 "--- $test_last_:"; cat >&2 "$test_last_"; }
	return 1
}

test_done () {
	trap - EXIT
	if test -n "$skip_all" && test $test_count = 0; then
		echo "1..0 # SKIP $skip_all"
		test_cleanup_dir
		exit 0
	fi
	echo "1..$test_count"
	test $test_broken -gt 0 && echo "# still have $test_broken known breakage(s)"
	test $test_fixed -gt 0 && echo "# $test_fixed known breakage(s) vanished"
	test_cleanup_dir
	test $test_failed = 0 && exit 0
	echo "# failed $test_failed among $test_count test(s)"
	exit 1
}

# smtp_start: when a python3 with aiosmtpd and msmtp are both here, sets
# the prereqs AIOSMTPD, MSMTP and SMTP, sets PY to that python3, and starts
# tests/smtp-server.py on 127.0.0.1 at a port the system picks: what it
# receives goes to $TEST_DIR/inbox/N.eml, the port to $TEST_DIR/port.  Call
# it at the top level of a test script, never inside a test (a background
# command must not be in a && chain).  The server stops when the script
# ends, however it ends (it watches its parent); smtp_stop stops it before.
smtp_start () {
	for py in python3 /usr/bin/python3; do
		if "$py" -c 'import aiosmtpd' 2>/dev/null; then
			PY=$py
			test_set_prereq AIOSMTPD
			break
		fi
	done
	command -v msmtp >/dev/null && test_set_prereq MSMTP
	test_have_prereq AIOSMTPD && test_have_prereq MSMTP || return 0
	test_set_prereq SMTP
	mkdir "$TEST_DIR/inbox"
	"$PY" "$TEST_ROOT/tests/smtp-server.py" "$TEST_DIR/inbox" "$TEST_DIR/port" \
		2>"$TEST_DIR/smtp.log" &
	smtp_pid=$!
}

# smtp_stop: stops smtp_start's server; fails if it is still running 5 s on.
smtp_stop () {
	kill $smtp_pid &&
	for i in $(seq 50); do
		kill -0 $smtp_pid 2>/dev/null || break
		sleep 0.1
	done &&
	! kill -0 $smtp_pid 2>/dev/null
}

# ---------------------------------------------------------------- kontora

# test_books DIR: new books in DIR with a second employee, anna (manager).
test_books () {
	kontora init "$1" >/dev/null &&
	kontora -C "$1" employee add --login anna --name 'Анна Петрова' \
		--email anna@example.com --role manager >/dev/null
}

# test_company: in the books of the current directory, gives company.*
# of kontora.conf valid requisites (the bank is Sberbank's, as published;
# the INN, OGRN and account have valid check digits) in one commit.
test_company () {
	while read key value
	do
		git config -f kontora.conf "company.$key" "$value" || return 1
	done <<-\EOF &&
	name Батискаф
	legal-name ООО «Батискаф»
	inn 5024045017
	kpp 502401001
	ogrn 1045004456232
	address 143402, Московская обл., г. Красногорск, ул. Заводская, д. 4
	bank ПАО Сбербанк
	bik 044525225
	corr-account 30101810400000000225
	account 40702810938000012345
	director Смирнов Олег Викторович
	accountant Кузнецова Ирина Павловна
	EOF
	git commit -q -m 'company requisites' kontora.conf
}

# test_clean: git status in the current directory shows nothing, but for
# untracked files at the top (the tests' own out, err, expect ...).
test_clean () {
	git status --porcelain >"$TEST_DIR/.status.all" || return 1
	grep -v '^?? [^/]*$' "$TEST_DIR/.status.all" >"$TEST_DIR/.status"
	test -s "$TEST_DIR/.status" || return 0
	echo >&2 "test_clean: the worktree is not clean:"; cat >&2 "$TEST_DIR/.status"
	return 1
}

# test_await FILE PID: waits until the paused command PID has made FILE;
# fails when it is gone or after 30 s.
test_await () {
	i=0
	while ! test -e "$1"
	do
		kill -0 "$2" 2>/dev/null && test $i -lt 600 || return 1
		i=$((i + 1))
		sleep 0.05
	done
}

test_commits () { git rev-list --count HEAD; }

# test_json: stdin is valid JSON.
test_json () { python3 -c 'import json,sys; json.load(sys.stdin)'; }

# test_csv_get ID FIELD: from CSV on stdin (with a header row), print the
# value of FIELD in the row whose id is ID; fails if there is no such row.
test_csv_get () {
	python3 -c '
import csv, sys
rows = [r for r in csv.DictReader(sys.stdin) if r["id"] == sys.argv[1]]
if len(rows) != 1:
    sys.exit("test_csv_get: %d rows with id %s" % (len(rows), sys.argv[1]))
print(rows[0][sys.argv[2]])' "$@"
}

# test_lead_field ID NAME: field NAME of lead ID, as `lead list -f csv` has it
test_lead_field () {
	kontora lead list -f csv --all --where "id=$1" | test_csv_get "$1" "$2"
}

# test_lead_where FIELD=VALUE: the id of the one lead whose FIELD is VALUE
test_lead_where () {
	kontora lead list -f csv --all --where "$1" >lead_where.csv &&
	test_line_count = 2 lead_where.csv &&
	sed -n 2p lead_where.csv | cut -d, -f1
}

# test_leads_csv N FIRST NAME COMMENT: a web-lead CSV of N rows numbered
# from FIRST, row i named "NAME i" with the phone +7999 followed by
# 1000000 + i and the comment "COMMENT i".
test_leads_csv () {
	echo "name,phone,comment"
	i=$2
	while test $i -lt $(($2 + $1))
	do
		echo "$3 $i,+7999$((1000000 + i)),$4 $i"
		i=$((i + 1))
	done
}

test -n "$test_prereqs" || test_prereqs=
command -v setsid >/dev/null && test_set_prereq SETSID
command -v python3 >/dev/null && test_set_prereq PYTHON
# SCRIPT: script(1) that can open a pseudo-terminal.  It may be there and
# still fail (no /dev/pts in a container): try it.
if command -v script >/dev/null 2>&1 && script -qec true /dev/null </dev/null >/dev/null 2>&1; then
	test_set_prereq SCRIPT
fi

# STRACE: strace(1) that can trace (ptrace may be refused in a container).
# LeakSanitizer cannot run under ptrace: under SAN=1 a traced command
# needs ASAN_OPTIONS=detect_leaks=0 (traced(), below).
if command -v strace >/dev/null 2>&1 && strace -o /dev/null true </dev/null >/dev/null 2>&1; then
	test_set_prereq STRACE
fi

# traced TRACE STRACE-OPTION... CMD...: runs CMD under strace(1), its
# trace into the file TRACE; the status is CMD's.
traced () {
	traced_out=$1 && shift &&
	ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" strace -o "$traced_out" "$@"
}

# on_tty CMD: runs the shell command CMD with stdin, stdout and stderr on
# a terminal (script(1)); prints what the terminal got, without carriage
# returns.
on_tty () {
	script -qec "$1" /dev/null </dev/null | tr -d '\r'
}
