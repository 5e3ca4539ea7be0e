#!/usr/bin/env bash
# How long `make run` takes, on a fresh clone, until the home page answers 200.
# Usage: bench/first_page.sh [repo-dir]   (port 5000 must be free)
# Prints seconds from `make run` to the first 200 on a fresh clone (venv, install, catalogs, migrate, seed),
# and again for a second start, which is what a returning developer waits.
set -euo pipefail
src=$(cd "${1:-$(dirname "$0")/..}" && pwd)
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill -- -"$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
if curl -fsS -o /dev/null http://127.0.0.1:5000/ 2>/dev/null; then
  echo "something already answers on port 5000; stop it first" >&2
  exit 1
fi
git clone -q "$src" "$work/site"

measure() {
  local start
  start=$(date +%s.%N)
  setsid bash -c "cd '$work/site' && exec make run" >"$work/run.log" 2>&1 </dev/null &
  pid=$!
  until curl -fsS -o /dev/null http://127.0.0.1:5000/ 2>/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then cat "$work/run.log"; exit 1; fi
    sleep 0.2
  done
  elapsed=$(python3 -c "import time; print(round(time.time() - $start, 1))")
  kill -- -"$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  pid=""
}

measure; first=$elapsed
measure; second=$elapsed
echo "make run to first page: fresh clone ${first}s, second start ${second}s"
