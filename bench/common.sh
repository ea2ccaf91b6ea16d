# bench/common.sh - sourced by bench/import.sh and bench/intake.sh once
# they have set ROOT and DIR (their scratch directory): what a measurement
# needs first.  Commands act as the admin kontora init makes of git's
# identity (a private HOME under DIR when git has none), never as a user
# of the environment; bench/timeit is built here.
TIMEIT=$ROOT/bench/timeit
FAILED=0
unset KONTORA_USER KONTORA_BOOKS KONTORA_NOW 2>/dev/null || true

say() { echo "bench: $*" >&2; }

mkdir -p "$DIR" || exit 1
identity_dir=$DIR identity_name=kontora-bench identity_email=bench@example.ru
. "$ROOT/tools/git-identity.sh"
cc -O2 -o "$TIMEIT" "$ROOT/bench/timeit.c" || exit 1
