#!/usr/bin/env bash
# Runs the test suite (or the files named) several times in a row, optionally beside busy loops that load the
# CPUs as a crowded CI machine would, and collects every test that failed, per run and in total.
#
#   tools/flake-hunt.sh [--runs N] [--load K] [--out DIR] [--] [vitest filters...]
#
#   --runs N   runs in a row (default 5)
#   --load K   K busy-loop processes beside the runs (default 0; one per core loads the machine fully)
#   --out DIR  where the logs, the JSON reports and summary.txt go (default: a new folder under $TMPDIR)
#   filters    passed to `vitest run` as they are: file name filters (outputs/whip-push), -t "name", ...
#
# Exits 0 when every run passed, 1 when any test failed (or a run ended without a report), 2 on bad arguments.
# A test that fails even once is a flake to fix at its root: no retries, no longer timeouts, no skips.
set -u

runs=5
load=0
out=""
usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="${2:-}"; shift 2 ;;
    --load) load="${2:-}"; shift 2 ;;
    --out) out="${2:-}"; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    --) shift; break ;;
    *) break ;;
  esac
done
case "$runs" in '' | *[!0-9]* | 0) echo "flake-hunt: --runs wants a whole number of at least 1, got '$runs'" >&2; exit 2 ;; esac
case "$load" in '' | *[!0-9]*) echo "flake-hunt: --load wants a whole number of busy loops, got '$load'" >&2; exit 2 ;; esac
[ -n "$out" ] || out="$(mktemp -d "${TMPDIR:-/tmp}/flake-hunt-XXXXXX")"
mkdir -p "$out" || { echo "flake-hunt: cannot create $out" >&2; exit 2; }
cd "$(dirname "$0")/.." || exit 2

# The busy loops are this script's own children, ended by their ids when it ends (however it ends).
busy=()
stop_load() {
  for pid in "${busy[@]}"; do kill "$pid" 2>/dev/null; done
  busy=()
}
trap stop_load EXIT
trap 'stop_load; exit 130' INT TERM
for _ in $(seq 1 "$load"); do
  sh -c 'while :; do :; done' &
  busy+=("$!")
done

summary="$out/summary.txt"
{
  echo "flake hunt: $runs run(s), $load busy loop(s), filters: ${*:-(whole suite)}"
  echo "started $(date -u '+%Y-%m-%d %H:%M:%S') UTC on $(nproc) core(s), $(git rev-parse --short HEAD 2>/dev/null)"
} >"$summary"

# Lists the failures of one vitest JSON report, one line each: "file > suite > test<TAB>first line of the error".
failures_of() {
  node -e '
    const fs = require("node:fs");
    const path = require("node:path");
    const [report, cwd] = process.argv.slice(1);
    const r = JSON.parse(fs.readFileSync(report, "utf8"));
    const first = (s) => String(s ?? "").split("\n").find((l) => l.trim()) ?? "";
    for (const file of r.testResults ?? []) {
      const name = path.relative(cwd, file.name);
      const failed = (file.assertionResults ?? []).filter((a) => a.status === "failed");
      for (const a of failed) console.log(`${name} > ${a.fullName}\t${first(a.failureMessages?.[0]).slice(0, 300)}`);
      // A file that failed without a failing test: an import error, a hook that threw, a worker that died.
      if (failed.length === 0 && file.status === "failed") console.log(`${name} (the file)\t${first(file.message).slice(0, 300)}`);
    }
  ' "$1" "$PWD"
}

failed_runs=0
for i in $(seq 1 "$runs"); do
  report="$out/run-$i.json"
  log="$out/run-$i.log"
  rm -f "$report"
  started=$(date +%s)
  npx vitest run --reporter=dot --reporter=json --outputFile.json="$report" "$@" >"$log" 2>&1
  code=$?
  took=$(($(date +%s) - started))
  if [ -s "$report" ]; then
    list="$(failures_of "$report")"
  else
    list="(no report)	vitest exited $code; see $log"
  fi
  if [ "$code" -ne 0 ] && [ -z "$list" ]; then
    list="(no failing test)	vitest exited $code: an unhandled error? see $log"
  fi
  if [ -n "$list" ]; then
    failed_runs=$((failed_runs + 1))
    echo "run $i: FAILED in ${took}s" | tee -a "$summary"
    printf '%s\n' "$list" | sed 's/^/  /; s/\t/: /' | tee -a "$summary"
    printf '%s\n' "$list" >>"$out/failures.txt"
  else
    echo "run $i: passed in ${took}s" | tee -a "$summary"
  fi
done

{
  echo
  if [ "$failed_runs" -eq 0 ]; then
    echo "every run passed ($runs of $runs)"
  else
    echo "$failed_runs of $runs run(s) failed; failing tests, by the number of runs they failed in:"
    cut -f1 "$out/failures.txt" | sort | uniq -c | sort -rn
  fi
  echo "logs and reports: $out"
} | tee -a "$summary"
[ "$failed_runs" -eq 0 ]
