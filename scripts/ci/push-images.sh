#!/usr/bin/env bash
# Pushes each service's image, built once for the whole pipeline, from its OCI archive into this
# environment's repository without changing a byte (skopeo --preserve-digests): every environment
# runs the same digest. Tags it sha-<git sha>. Writes {"<service>": {image, version,
# acceptDigests}} to <release.json> for deploy-services.sh.
# Usage: push-images.sh <artifacts dir> <target.json> <release.json>
set -euo pipefail

images=$1 target=$2 release=$3
fail() { echo "::error::push-images: $*" >&2; exit 1; }
command -v skopeo >/dev/null || { sudo apt-get update -q && sudo apt-get install -y -q skopeo; }

registry=$(jq -r '.registry' "$target")
echo '{}' >"$release"
for service in $(jq -r '.services[].name' "$target"); do
  dir="$images/image-$service"
  [[ -f "$dir/image.json" && -f "$dir/image.tar" ]] || fail "no image artifact for $service in $dir"
  digest=$(jq -r '.digest' "$dir/image.json")
  revision=$(jq -r '.revision' "$dir/image.json")
  repo=$(jq -r --arg s "$service" '.services[] | select(.name == $s) | .repository' "$target")

  if aws ecr describe-images --repository-name "$repo" --image-ids "imageDigest=$digest" >/dev/null 2>&1; then
    echo "$service: $digest is already in $repo"
  else
    tag="sha-$revision"
    # Tags are immutable: a re-run that rebuilt the same commit gets its own tag.
    if aws ecr describe-images --repository-name "$repo" --image-ids "imageTag=$tag" >/dev/null 2>&1; then
      tag="sha-$revision-$GITHUB_RUN_ID"
    fi
    skopeo copy --all --preserve-digests --retry-times 3 "oci-archive:$dir/image.tar" "docker://$registry/$repo:$tag"
  fi
  pushed=$(aws ecr describe-images --repository-name "$repo" --image-ids "imageDigest=$digest" --query 'imageDetails[0].imageDigest' --output text)
  [[ "$pushed" == "$digest" ]] || fail "$service: $repo holds $pushed, expected $digest"

  jq --arg s "$service" --arg image "$registry/$repo@$digest" --arg version "$revision" \
    --arg accept "$(jq -r '.platformDigests | join(",")' "$dir/image.json")" \
    '.[$s] = {image: $image, version: $version, acceptDigests: $accept}' "$release" >"$release.next"
  mv "$release.next" "$release"
  echo "$service: $registry/$repo@$digest (version $revision)"
done
