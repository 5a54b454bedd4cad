#!/usr/bin/env bash
# Runs one step of the Azure end-to-end workflow and records its outcome and duration.
#   scripts/e2e/timed.sh "<step name>" <command> [args...]
# Appends "<name>|<passed|failed>|<seconds>|<exit code>" to $E2E_TIMINGS (default e2e-timings.txt),
# prints the duration, and exits with the command's own status so the workflow sees the failure.
set -uo pipefail

if [ "$#" -lt 2 ]; then
  echo "usage: $0 <step name> <command> [args...]" >&2
  exit 64
fi
name="$1"
shift
timings="${E2E_TIMINGS:-e2e-timings.txt}"

started=$(date +%s)
"$@"
status=$?
seconds=$(( $(date +%s) - started ))

outcome=passed
if [ "$status" -ne 0 ]; then outcome=failed; fi
printf '%s|%s|%s|%s\n' "$name" "$outcome" "$seconds" "$status" >> "$timings"
echo "== ${name}: ${outcome} in ${seconds} s (exit ${status})"
exit "$status"
