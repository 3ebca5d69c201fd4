#!/usr/bin/env bash
# Describes an image built once as an OCI archive (buildx `type=oci`), the only artifact every
# environment pushes: prints {"service","revision","digest","platformDigests"} as JSON.
# `digest` is what `skopeo copy --preserve-digests` pushes, so every environment's repository holds
# the same digest; `platformDigests` are the per-platform manifests of a multi-platform index
# (ECS reports the one it pulled).
# Usage: image-digest.sh <image.tar> <service> <git sha>
set -euo pipefail

archive=$1 service=$2 revision=$3
fail() { echo "image-digest: $archive: $*" >&2; exit 1; }

[[ -f "$archive" ]] || fail "not found"
# Archivers differ on whether member names start with "./".
member() { tar -xOf "$archive" "$1" 2>/dev/null || tar -xOf "$archive" "./$1" 2>/dev/null; }
index=$(member index.json) || fail "no index.json: not an OCI archive"
[[ $(jq '.manifests | length' <<<"$index") == 1 ]] || fail "index.json must reference exactly one image (build one tag per archive)"
digest=$(jq -r '.manifests[0].digest' <<<"$index")
media=$(jq -r '.manifests[0].mediaType' <<<"$index")
[[ "$digest" =~ ^sha256:[a-f0-9]{64}$ ]] || fail "unexpected digest \"$digest\""

blob() { member "blobs/sha256/${1#sha256:}" || fail "blob $1 is missing"; }
# The blob's name is its digest; a mismatch means a corrupted or tampered archive.
actual=$(blob "$digest" | sha256sum | cut -d' ' -f1)
[[ "sha256:$actual" == "$digest" ]] || fail "blob $digest hashes to sha256:$actual"

platforms='[]'
case "$media" in
  application/vnd.oci.image.index.v1+json | application/vnd.docker.distribution.manifest.list.v2+json)
    # Attestation manifests are not images; ECS never pulls them.
    platforms=$(blob "$digest" | jq -c '[.manifests[] | select((.annotations["vnd.docker.reference.type"] // "") != "attestation-manifest") | .digest]')
    ;;
  application/vnd.oci.image.manifest.v1+json | application/vnd.docker.distribution.manifest.v2+json) ;;
  *) fail "unexpected media type $media" ;;
esac

jq -n --arg service "$service" --arg revision "$revision" --arg digest "$digest" --argjson platforms "$platforms" \
  '{service: $service, revision: $revision, digest: $digest, platformDigests: $platforms}'
