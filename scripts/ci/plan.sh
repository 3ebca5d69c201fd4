#!/usr/bin/env bash
# Plans one stack (`cdktf diff`, from the synthesized cdktf.out) and shows the plan in the job
# summary, collapsed under its change count. Extra arguments go to cdktf (e.g. --var=image=...).
# Usage: plan.sh <stack> [cdktf diff arguments]
set -euo pipefail

stack=$1
shift
log=$(mktemp)
set +e
pnpm exec cdktf diff "$stack" --skip-synth --no-color "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
  changes=$(grep -Eo 'Plan: [0-9]+ to add, [0-9]+ to change, [0-9]+ to destroy' "$log" | tail -1 || true)
  if [[ -z "$changes" ]]; then
    if grep -q 'No changes' "$log"; then changes="no changes"; else changes="plan failed (exit $status)"; fi
  fi
  {
    echo "<details><summary><b>${stack}</b>: ${changes}</summary>"
    echo
    echo '```'
    # The summary is capped at 1 MiB per step; the end of a plan holds the summary line.
    sed 's/\x1b\[[0-9;]*m//g' "$log" | tail -c 60000
    echo '```'
    echo '</details>'
  } >>"$GITHUB_STEP_SUMMARY"
fi
rm -f "$log"
exit "$status"
