#!/usr/bin/env bash
# Builds (or reuses) the real control-plane binaries the integration tests run:
# kube-apiserver, kube-controller-manager, kube-scheduler (from k8s.io/kubernetes) and etcd.
#
# Binaries are cached outside the repository, keyed by the pinned module versions and the
# build flags, so a second run on the same machine costs nothing. Prints the cache directory
# as its last line of output.
#
#   AICR_CONTROL_PLANE_CACHE  cache root (default: ${XDG_CACHE_HOME:-$HOME/.cache}/aicr-studio/control-plane)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
kube_mod="$here/go/kube"
etcd_mod="$here/go/etcd"
cache_root="${AICR_CONTROL_PLANE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/aicr-studio/control-plane}"

# Fail fast instead of silently downloading another Go toolchain.
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-trimpath

module_version() { awk -v m="$2" '$1 == m { print $2; exit }' "$1/go.mod"; }
kube_version="$(module_version "$kube_mod" 'k8s.io/kubernetes')"
[ -n "$kube_version" ] || kube_version="$(awk '/^require k8s.io\/kubernetes/ { print $3 }' "$kube_mod/go.mod")"
etcd_version="$(awk '/^require go.etcd.io\/etcd\/server\/v3/ { print $3 }' "$etcd_mod/go.mod")"
if [ -z "$kube_version" ] || [ -z "$etcd_version" ]; then
  echo "cannot read pinned versions from $kube_mod/go.mod and $etcd_mod/go.mod" >&2
  exit 1
fi

build_flags_id="v1-static-trimpath-sw"
key_hash="$(cat "$kube_mod/go.mod" "$kube_mod/go.sum" "$etcd_mod/go.mod" "$etcd_mod/go.sum" "$0" | sha256sum | cut -c1-12)"
out="$cache_root/k8s-$kube_version-etcd-$etcd_version-$build_flags_id-$key_hash"
binaries=(kube-apiserver kube-controller-manager kube-scheduler etcd)

all_present() { for b in "${binaries[@]}"; do [ -x "$out/$b" ] || return 1; done; }

if all_present; then
  echo "control-plane binaries cached: $out" >&2
  echo "$out"
  exit 0
fi

command -v go >/dev/null || { echo "Go is required to build the test control plane (apt-get install golang or https://go.dev/dl)" >&2; exit 1; }
tmp="$out.partial.$$"
rm -rf "$tmp"; mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT

minor="${kube_version#v1.}"; minor="${minor%%.*}"
version_ldflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  version_ldflags+=" -X $pkg.gitVersion=$kube_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
done

started=$SECONDS
echo "building kube-apiserver, kube-controller-manager, kube-scheduler $kube_version (cold builds take a while on 2 cores)..." >&2
(cd "$kube_mod" && go build -tags=selinux,notest -ldflags="-s -w$version_ldflags" -o "$tmp/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler)
echo "building etcd $etcd_version..." >&2
(cd "$etcd_mod" && go build -ldflags="-s -w" -o "$tmp/etcd" go.etcd.io/etcd/server/v3)

mkdir -p "$cache_root"
rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
echo "control-plane binaries built in $((SECONDS - started))s: $out" >&2
echo "$out"
