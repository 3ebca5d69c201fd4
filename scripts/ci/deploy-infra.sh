#!/usr/bin/env bash
# Plans and deploys the environment's shared stacks one after the other, in dependency order:
# a stack's plan reads the outputs of the one before, which must exist first.
# Usage: deploy-infra.sh <stack>...   (from the repository root, after the synth)
set -euo pipefail

for stack in "$@"; do
  echo "::group::plan ${stack}"
  bash scripts/ci/plan.sh "$stack"
  echo "::endgroup::"
  pnpm exec cdktf deploy "$stack" --skip-synth --auto-approve --ignore-missing-stack-dependencies
done
