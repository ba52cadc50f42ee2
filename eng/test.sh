#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine: installs what the tests need (Debian's PostgreSQL),
# starts a private PostgreSQL cluster on a free loopback port, runs `dotnet test`, stops the cluster,
# and ends with one line "N passed, N failed" counted from the test results (dotnet test's summary, else the TRX files).
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
results="$root/artifacts/test-results"
pg_bin=/usr/lib/postgresql/15/bin
pg_dir=""

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

ensure_packages() {
  local missing=()
  for package in "$@"; do dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package"); done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing ${missing[*]}…"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

free_port() {
  local port
  for port in $(seq 55432 55999); do
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
  return 1
}

start_postgres() {
  pg_dir=$(mktemp -d /tmp/llmobs-pg.XXXXXX)
  chown postgres:postgres "$pg_dir"
  local port; port=$(free_port)
  as_root runuser -u postgres -- "$pg_bin/initdb" -D "$pg_dir/data" -U postgres -A trust -E UTF8 >/dev/null
  as_root runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
    -o "-p $port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=on" start >/dev/null
  export LLMOBS_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
  export LLMOBS_TEST_POSTGRES_DATA="$pg_dir/data" # lets the fault tests restart the cluster (pg_ctl restart)
  echo "PostgreSQL running on 127.0.0.1:$port"
}

stop_postgres() {
  if [ -n "$pg_dir" ] && [ -d "$pg_dir/data" ]; then
    as_root runuser -u postgres -- "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
  fi
}
trap stop_postgres EXIT

ensure_packages postgresql chromium
start_postgres

rm -rf "$results"
cd "$root"
mkdir -p "$results"
log="$results/dotnet-test.log"
dotnet test --solution LlmObs.sln --results-directory "$results" --report-xunit-trx "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# The counts of dotnet test's closing summary (the last "failed:/succeeded:" lines it prints); the TRX files are the
# fallback only: with --solution, projects' TRX files can share a name, and one run here kept three of four.
last() { grep -E "^[[:space:]]+$1:[[:space:]]+[0-9]+" "$log" | tail -n 1 | grep -oE '[0-9]+'; }
passed=$(last succeeded); failed=$(last failed)
if [ -z "$passed" ] || [ -z "$failed" ]; then
  passed=0; failed=0
  for trx in "$results"/*.trx; do
    [ -f "$trx" ] || continue
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
    p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  done
fi
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed"
exit "$status"
