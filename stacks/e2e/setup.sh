#!/usr/bin/env bash
# pnpm e2e:setup — build or install the tools the deploy proof needs, once, outside the repository:
#   1. Terraform (go install, MPL-2.0 release),
#   2. moto[server] in a Python virtual environment,
#   3. the AWS provider (built from its Go module) in a filesystem mirror + a Terraform CLI config.
# Idempotent: a step whose result is already in the cache is skipped (and says so). Prints how long
# each step took. Cache: ${XDG_CACHE_HOME:-$HOME/.cache}/bun-fargate/e2e (override: BF_E2E_CACHE).
set -euo pipefail

# Everything is in main(), so bash has read the whole script before running any of it.
main() {
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=stacks/e2e/tools.env
source "$HERE/tools.env"

CACHE=${BF_E2E_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bun-fargate/e2e}
LOGS=$CACHE/logs
mkdir -p "$CACHE/bin" "$LOGS"

# Go state of its own, so the cache is self-contained and a cold run measures a cold build.
export GOPATH=$CACHE/go
export GOMODCACHE=$CACHE/go/mod
export GOCACHE=$CACHE/go/build
export GOFLAGS=-mod=mod
export CGO_ENABLED=0

say() { printf '[e2e:setup] %s\n' "$*"; }
die() { printf '[e2e:setup] ERROR: %s\n' "$*" >&2; exit 1; }
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is required to build the e2e tools ($2)"; }
now() { date +%s; }
took() { local s=$(($(now) - $1)); printf '%dm%02ds' $((s / 60)) $((s % 60)); }

need go "https://go.dev/dl/; Go >= 1.26 for the AWS provider"
need python3 "3.9+ with the venv module, for moto"
# GNU time records the provider build's peak memory; without it the build runs all the same.
TIME=()
[[ -x /usr/bin/time ]] && TIME=(/usr/bin/time -v -o "$LOGS/provider-build.time")

TOTAL_START=$(now)
SUMMARY=()

# --- 1. Terraform ------------------------------------------------------------------------------
TF=$CACHE/bin/terraform
t=$(now)
tf_version() { [[ -x $TF ]] && "$TF" version 2>/dev/null | sed -n 1p; }
if [[ $(tf_version) == "Terraform v$TF_VERSION" ]]; then
  say "terraform v$TF_VERSION: cached ($TF)"
  SUMMARY+=("terraform v$TF_VERSION: cached")
else
  say "terraform v$TF_VERSION: go install github.com/hashicorp/terraform@v$TF_VERSION (log: $LOGS/terraform-install.log)"
  if ! GOBIN=$CACHE/bin nice -n 10 go install -trimpath "github.com/hashicorp/terraform@v$TF_VERSION" \
    >"$LOGS/terraform-install.log" 2>&1; then
    tail -20 "$LOGS/terraform-install.log" >&2
    die "terraform: go install failed, see $LOGS/terraform-install.log"
  fi
  [[ $(tf_version) == "Terraform v$TF_VERSION" ]] || die "terraform: $TF is not v$TF_VERSION"
  say "terraform v$TF_VERSION: built in $(took "$t")"
  SUMMARY+=("terraform v$TF_VERSION: built in $(took "$t")")
fi

# --- 2. moto -------------------------------------------------------------------------------------
VENV=$CACHE/venv
REQ=$HERE/requirements.txt
t=$(now)
if [[ -x $VENV/bin/moto_server && -f $VENV/REQUIREMENTS && $(cat "$VENV/REQUIREMENTS") == "$(cat "$REQ")" ]]; then
  say "moto $MOTO_VERSION: cached ($VENV)"
  SUMMARY+=("moto $MOTO_VERSION: cached")
else
  rm -rf "$VENV"
  python3 -m venv "$VENV" || die "moto: python3 -m venv failed (install the python3 venv module)"
  if ! "$VENV/bin/pip" install --no-input -r "$REQ" >"$LOGS/moto-install.log" 2>&1; then
    tail -20 "$LOGS/moto-install.log" >&2
    die "moto: pip install -r $REQ failed, see $LOGS/moto-install.log"
  fi
  "$VENV/bin/python" -c "import moto, boto3; assert moto.__version__ == '$MOTO_VERSION', moto.__version__"
  cp "$REQ" "$VENV/REQUIREMENTS"
  say "moto $MOTO_VERSION: installed in $(took "$t")"
  SUMMARY+=("moto $MOTO_VERSION: installed in $(took "$t")")
fi

# --- 3. AWS provider -----------------------------------------------------------------------------
MOD=github.com/hashicorp/terraform-provider-aws
BUILT=$CACHE/build/terraform-provider-aws@$AWS_PROVIDER_MODULE_VERSION
t=$(now)
if [[ -x $BUILT/terraform-provider-aws && -f $BUILT/BUILD_LABEL && $(cat "$BUILT/BUILD_LABEL") == "$AWS_PROVIDER_BUILD_LABEL" ]]; then
  say "aws provider $AWS_PROVIDER_BUILD_LABEL: cached ($BUILT)"
  SUMMARY+=("aws provider $AWS_PROVIDER_BUILD_LABEL: cached")
else
  say "aws provider: go mod download $MOD@$AWS_PROVIDER_MODULE_VERSION"
  JSON=$(go mod download -json "$MOD@$AWS_PROVIDER_MODULE_VERSION" 2>"$LOGS/provider-download.log") || {
    cat "$LOGS/provider-download.log" >&2
    die "aws provider: the Go module proxy did not serve $MOD@$AWS_PROVIDER_MODULE_VERSION"
  }
  DIR=$(printf '%s' "$JSON" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [[ -n $DIR && -f $DIR/main.go ]] || die "aws provider: no module directory in: $JSON"
  grep -q 'ProviderVersion' "$DIR/version/version.go" || die "aws provider: version.ProviderVersion not found in $DIR/version"
  SRC=$CACHE/build/src
  rm -rf "$SRC" && mkdir -p "$CACHE/build" && cp -r "$DIR" "$SRC" && chmod -R u+w "$SRC"
  # Parallel compile jobs: each of the provider's largest packages needs several GiB; two at once
  # stay well inside 24 GiB. BF_E2E_BUILD_JOBS=1 halves the peak on a smaller machine.
  JOBS=${BF_E2E_BUILD_JOBS:-2}
  [[ $JOBS =~ ^[1-9][0-9]*$ ]] || die "BF_E2E_BUILD_JOBS=\"$JOBS\": must be a positive integer"
  say "aws provider: downloaded in $(took "$t"); go build -p $JOBS (GOMAXPROCS=$JOBS, nice) — tens of minutes"
  say "aws provider: build log $LOGS/provider-build.log, time/memory $LOGS/provider-build.time"
  tb=$(now)
  rm -rf "$BUILT.tmp" && mkdir -p "$BUILT.tmp"
  if ! (cd "$SRC" && GOMAXPROCS=$JOBS nice -n 10 "${TIME[@]}" \
    go build -p "$JOBS" -trimpath \
      -ldflags "-s -w -X $MOD/version.ProviderVersion=$AWS_PROVIDER_BUILD_LABEL" \
      -o "$BUILT.tmp/terraform-provider-aws" . >"$LOGS/provider-build.log" 2>&1); then
    tail -30 "$LOGS/provider-build.log" >&2
    die "aws provider: go build failed, see $LOGS/provider-build.log"
  fi
  echo "$AWS_PROVIDER_BUILD_LABEL" >"$BUILT.tmp/BUILD_LABEL"
  rm -rf "$BUILT" && mv "$BUILT.tmp" "$BUILT"
  rm -rf "$SRC"
  PEAK="unknown (no /usr/bin/time)"
  if [[ ${#TIME[@]} -gt 0 ]]; then
    PEAK="$(($(sed -n 's/.*Maximum resident set size (kbytes): //p' "$LOGS/provider-build.time") / 1024)) MiB"
  fi
  say "aws provider: built in $(took "$tb") (peak RSS of go build: $PEAK)"
  SUMMARY+=("aws provider $AWS_PROVIDER_BUILD_LABEL: built in $(took "$t"), go build peak RSS $PEAK")
fi

# The Go build and module caches (about 12 GiB after the provider) are not needed once the binaries
# exist; drop them so the cache stays small enough to keep (and to store as a CI cache).
# BF_E2E_KEEP_GO_CACHE=1 keeps them, e.g. to rebuild after changing only the build flags.
if [[ -d $GOPATH && ${BF_E2E_KEEP_GO_CACHE:-} != 1 ]]; then
  go clean -cache -modcache >/dev/null 2>&1 || true
  rm -rf "$GOPATH"
  say "go caches: removed ($GOPATH; BF_E2E_KEEP_GO_CACHE=1 keeps them)"
fi

# Install into the filesystem mirror under the version the synthesized stacks require (exact pin).
# When the build is not that release (AWS_PROVIDER_EXACT=false), it stands in for it, like moto
# stands in for AWS: tools.json records what it really is and `pnpm e2e` prints it on every run.
MIRROR_VERSION=$AWS_PROVIDER_PIN
if [[ $AWS_PROVIDER_EXACT != true ]]; then
  say "aws provider: NOTE the build ($AWS_PROVIDER_BUILD_LABEL) is not the $AWS_PROVIDER_PIN release; it is served as $AWS_PROVIDER_PIN (README.md \"Provider version\")"
fi
MIRROR=$CACHE/providers
PDIR=$MIRROR/registry.terraform.io/hashicorp/aws/$MIRROR_VERSION/linux_amd64
rm -rf "$MIRROR/registry.terraform.io/hashicorp/aws"
mkdir -p "$PDIR"
ln -f "$BUILT/terraform-provider-aws" "$PDIR/terraform-provider-aws_v$MIRROR_VERSION" 2>/dev/null ||
  cp "$BUILT/terraform-provider-aws" "$PDIR/terraform-provider-aws_v$MIRROR_VERSION"
cat >"$CACHE/terraformrc" <<EOF
# Written by stacks/e2e/setup.sh. Terraform installs providers only from the local mirror.
disable_checkpoint = true
provider_installation {
  filesystem_mirror {
    path    = "$MIRROR"
    include = ["registry.terraform.io/hashicorp/*"]
  }
}
EOF
say "aws provider: mirror $PDIR, CLI config $CACHE/terraformrc"

# --- what run.mjs reads ------------------------------------------------------------------------
cat >"$CACHE/tools.json" <<EOF
{
  "terraform": "$TF",
  "terraformVersion": "$TF_VERSION",
  "cliConfig": "$CACHE/terraformrc",
  "providerPin": "$AWS_PROVIDER_PIN",
  "providerMirrorVersion": "$MIRROR_VERSION",
  "providerBuild": "$AWS_PROVIDER_BUILD_LABEL",
  "providerModuleVersion": "$AWS_PROVIDER_MODULE_VERSION",
  "providerExact": $AWS_PROVIDER_EXACT,
  "python": "$VENV/bin/python",
  "motoServer": "$VENV/bin/moto_server",
  "motoVersion": "$MOTO_VERSION"
}
EOF
say "summary:"
for line in "${SUMMARY[@]}"; do say "  $line"; done
say "total $(took "$TOTAL_START"); tools: $CACHE/tools.json"
}

main "$@"
