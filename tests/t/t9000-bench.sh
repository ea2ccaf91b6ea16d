#!/bin/sh
# The benchmark at its small size, once: every command it measures must
# succeed (speed is reported by make bench, never judged by a test).
top=$(cd "$(dirname "$0")/../.." && pwd)
KONTORA=$top/kontora exec sh "$top/bench/smoke.sh"
