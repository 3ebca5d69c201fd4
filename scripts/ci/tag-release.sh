#!/usr/bin/env bash
# Adds a tag to an image already in ECR without re-pushing it: the manifest is read back and put
# again byte for byte under the new tag, and ECR is asked to confirm the digest. `release-` tags
# mark what passed verification in this environment; rollbacks choose among them.
# Usage: tag-release.sh <repository> <sha256:digest> <tag>
set -euo pipefail

repo=$1 digest=$2 tag=$3
existing=$(aws ecr describe-images --repository-name "$repo" --image-ids "imageTag=$tag" \
  --query 'imageDetails[0].imageDigest' --output text 2>/dev/null || true)
if [[ "$existing" == "$digest" ]]; then
  echo "$repo: $tag already names $digest"
  exit 0
fi
if [[ -n "$existing" && "$existing" != "None" ]]; then
  echo "::warning::$repo: $tag already names $existing; tags are immutable, so it stays"
  exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
aws ecr batch-get-image --repository-name "$repo" --image-ids "imageDigest=$digest" \
  --accepted-media-types application/vnd.oci.image.manifest.v1+json application/vnd.oci.image.index.v1+json \
  application/vnd.docker.distribution.manifest.v2+json application/vnd.docker.distribution.manifest.list.v2+json \
  --output json >"$work/image.json"
jq -j '.images[0].imageManifest' "$work/image.json" >"$work/manifest.json"
media=$(jq -r '.images[0].imageManifestMediaType' "$work/image.json")
tagged=$(aws ecr put-image --repository-name "$repo" --image-tag "$tag" --image-digest "$digest" \
  --image-manifest "file://$work/manifest.json" --image-manifest-media-type "$media" \
  --query 'image.imageId.imageDigest' --output text)
[[ "$tagged" == "$digest" ]] || { echo "::error::$repo: tagging $tag produced $tagged, not $digest" >&2; exit 1; }
echo "$repo: tagged $digest as $tag"
