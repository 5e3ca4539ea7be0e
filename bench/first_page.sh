#!/usr/bin/env bash
# How long `make run` takes, on a fresh clone, until the home page answers 200.
# Usage: bench/first_page.sh [repo-dir]   (port 5000 must be free)
# Prints one line: seconds from `make run` to the first 200, and the same for a second start
# (venv and database already there), which is what a returning developer waits.
set -euo pipefail
src=$(cd "${1:-$(dirname "$0")/..}" && pwd)
work=$(mktemp -d)
trap 'kill -- -$pid 2>/dev/null || true; rm -rf "$work"' EXIT
git clone -q "$src" "$work/site"

measure() {
  local start end
  start=$(date +%s.%N)
  (cd "$work/site" && setsid make run >"$work/run.log" 2>&1) &
  pid=$!
  until curl -fsS -o /dev/null http://127.0.0.1:5000/ 2>/dev/null; do
    if ! kill -0 $pid 2>/dev/null; then cat "$work/run.log"; exit 1; fi
    sleep 0.2
  done
  end=$(date +%s.%N)
  kill -- -$pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
  python3 -c "print(round($end - $start, 1))"
}

first=$(measure)
second=$(measure)
echo "make run to first page: fresh clone ${first}s, second start ${second}s"
