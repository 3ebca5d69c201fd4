#!/usr/bin/env bash
# Deploys each service of <release.json> by digest, then proves it: plan into the job summary,
# `cdktf deploy` with the image and version as Terraform variables (the same inputs plan to no
# change later), verification (the ECS service deployment followed through shift and bake to its
# verdict, then steady, running the digest, readiness answering the version), and only then the
# release- tag that rollbacks choose from. Sets the step output `url` (the
# environment's link on GitHub) to a web service's URL.
# Usage: deploy-services.sh <target.json> <release.json>   (from the repository root)
set -euo pipefail

target=$(realpath "$1")
release=$(realpath "$2")
root=$(pwd)
if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
  printf '\n| environment | service | strategy | stages | digest | tasks | result |\n|---|---|---|---|---|---|---|\n' >>"$GITHUB_STEP_SUMMARY"
fi

# In the target's order, not the release's (alphabetical): a worker's stack before the stacks of the
# services that send to its queue (packages/config/src/queue.ts, deployOrder).
for service in $(jq -r '.services[].name' "$target"); do
  if [[ "$(jq -r --arg s "$service" 'has($s)' "$release")" != true ]]; then continue; fi
  entry() { jq -r --arg s "$service" ".[\$s].$1" "$release"; }
  image=$(entry image)
  version=$(entry version)
  accept=$(entry acceptDigests)
  stack=$(jq -r --arg s "$service" '.services[] | select(.name == $s) | .stack' "$target")
  repo=$(jq -r --arg s "$service" '.services[] | select(.name == $s) | .repository' "$target")
  vars=("--var=image=$image" "--var=app_version=$version")

  echo "::group::plan ${stack}"
  bash scripts/ci/plan.sh "$stack" "${vars[@]}"
  echo "::endgroup::"
  # The verification follows the ECS service deployment that begins from here, stage by stage.
  since=$(date +%s)
  pnpm exec cdktf deploy "$stack" --skip-synth --auto-approve --ignore-missing-stack-dependencies "${vars[@]}"
  stacks/node_modules/.bin/bun stacks/src/ci/pipeline.ts verify --target "$target" --service "$service" \
    --image "$image" --version "$version" --accept-digests "${accept:-}" --stack-dir "$root/cdktf.out/stacks/$stack" --since "$since"
  bash scripts/ci/tag-release.sh "$repo" "${image##*@}" "release-$version"
  if [[ -n "${GITHUB_OUTPUT:-}" ]] && [[ "$(jq -r --arg s "$service" '.services[] | select(.name == $s) | .kind' "$target")" == web ]]; then
    echo "url=$(terraform -chdir="$root/cdktf.out/stacks/$stack" output -raw Url)" >>"$GITHUB_OUTPUT"
  fi
done
