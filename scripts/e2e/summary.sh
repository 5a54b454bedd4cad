#!/usr/bin/env bash
# Writes the steps recorded by timed.sh as a Markdown table to $GITHUB_STEP_SUMMARY (or stdout),
# and exits non-zero if any step failed or none was recorded.
set -euo pipefail

timings="${E2E_TIMINGS:-e2e-timings.txt}"
out="${GITHUB_STEP_SUMMARY:-/dev/stdout}"

if [ ! -s "$timings" ]; then
  echo "no step was recorded in ${timings}" >&2
  printf '### Azure end-to-end\n\nNo step ran.\n' >> "$out"
  exit 1
fi

failed=0
total=0
{
  printf '### Azure end-to-end: stack %s\n\n' "${STACK:-?}"
  printf '| step | outcome | time |\n| --- | --- | ---: |\n'
  while IFS='|' read -r name outcome seconds status; do
    total=$(( total + seconds ))
    if [ "$outcome" != passed ]; then failed=$(( failed + 1 )); outcome="failed (exit ${status})"; fi
    printf '| %s | %s | %d min %02d s |\n' "$name" "$outcome" $(( seconds / 60 )) $(( seconds % 60 ))
  done < "$timings"
  printf '\n%d step(s) failed; %d min %02d s in all.\n' "$failed" $(( total / 60 )) $(( total % 60 ))
} >> "$out"

[ "$failed" -eq 0 ]
