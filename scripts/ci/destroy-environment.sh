#!/usr/bin/env bash
# Destroys a non-production environment: the operations stack (dashboard, saved queries), the service stacks, then the images in its repositories
# (ECR refuses to delete a repository that holds any), then the cluster and network stacks.
# The state bucket and deploy roles (bootstrap) stay.
# Usage: destroy-environment.sh <target.json>   (from the repository root, after the synth)
set -euo pipefail

target=$1
env=$(jq -r '.environment' "$target")
if [[ "$(jq -r '.protected' "$target")" != "false" ]]; then
  echo "::error::$env is protected (prod or ALB deletion protection); it is not destroyed from the pipeline" >&2
  exit 1
fi
registry=$(jq -r '.registry' "$target")
# Destroy plans still need a value for the required image variable; any valid digest will do.
placeholder="sha256:$(printf '0%.0s' {1..64})"

for stack in $(jq -r '.operationsStacks | reverse | .[]' "$target"); do
  pnpm exec cdktf destroy "$stack" --skip-synth --auto-approve --ignore-missing-stack-dependencies
done

for row in $(jq -r '.services | reverse | .[] | "\(.stack),\(.repository)"' "$target"); do
  stack=${row%%,*} repo=${row#*,}
  pnpm exec cdktf destroy "$stack" --skip-synth --auto-approve --ignore-missing-stack-dependencies \
    "--var=image=$registry/$repo@$placeholder"
done

for repo in $(jq -r '.services[].repository' "$target"); do
  aws ecr describe-repositories --repository-names "$repo" >/dev/null 2>&1 || continue
  for ((round = 1; ; round++)); do
    ids=$(aws ecr list-images --repository-name "$repo" --max-items 100 --query 'imageIds' --output json)
    [[ "$(jq 'length' <<<"$ids")" -gt 0 ]] || break
    ((round <= 100)) || { echo "::error::$repo: images left after 100 rounds of deletion" >&2; exit 1; }
    aws ecr batch-delete-image --repository-name "$repo" --image-ids "$ids" >/dev/null
    echo "$repo: deleted $(jq 'length' <<<"$ids") image IDs"
  done
done

for stack in $(jq -r '.infraStacks | reverse | .[]' "$target"); do
  pnpm exec cdktf destroy "$stack" --skip-synth --auto-approve --ignore-missing-stack-dependencies
done
echo "$env destroyed; its state bucket and deploy role remain (bootstrap)."
