#!/usr/bin/env bash
# pnpm scan: checkov (pinned, from PyPI, in a cached virtual environment) over every synthesized
# stack of every environment. Fails on any failed check that stacks/scan/skips.yaml does not
# list. The last line is "N passed, N failed, N skipped".
#   BF_SCAN_SYNTH=always|never   re-synthesize first (default: only when sources are newer)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
stacks="$(dirname "$here")"
root="$(dirname "$stacks")"
requirements="$here/requirements.txt"
checkov_version="$(sed -n 's/^checkov==//p' "$requirements")"
venv="${XDG_CACHE_HOME:-$HOME/.cache}/bun-fargate/checkov-$checkov_version"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"

if [ ! -x "$venv/bin/checkov" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "scan: installing checkov $checkov_version into $venv (once)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-input -r "$requirements"
  echo "$want" > "$stamp"
fi

manifest="$root/cdktf.out/manifest.json"
case "${BF_SCAN_SYNTH:-auto}" in
  always) synth=1 ;;
  never) synth=0 ;;
  *)
    synth=0
    if [ ! -f "$manifest" ] || [ -n "$(find "$root/packages" "$root/stacks/src" -path '*/node_modules' -prune -o -name '*.ts' -newer "$manifest" -print -quit)" ]; then
      synth=1
    fi
    ;;
esac
if [ "$synth" = 1 ]; then
  echo "scan: synthesizing first (cdktf.out is missing or older than the sources)"
  node "$root/scripts/synth.mjs"
fi

exec "$stacks/node_modules/.bin/bun" "$here/run.ts" --checkov "$venv/bin/checkov" --outdir "$root/cdktf.out" --skips "$here/skips.yaml"
