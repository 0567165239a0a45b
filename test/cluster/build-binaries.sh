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

command -v go >/dev/null || { echo "Go is required to build the test control plane (install Go >= 1.26)" >&2; exit 1; }
# Fail fast instead of silently downloading another Go toolchain.
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS="-trimpath -buildvcs=false"

# The version a go.mod requires of a module (`require m v` or a line of a require block).
module_version() { awk -v m="$2" '($1 == m && $2 ~ /^v/) { print $2; exit } ($1 == "require" && $2 == m) { print $3; exit }' "$1/go.mod"; }
kube_version="$(module_version "$kube_mod" k8s.io/kubernetes)"
etcd_version="$(module_version "$etcd_mod" go.etcd.io/etcd/server/v3)"
if [ -z "$kube_version" ] || [ -z "$etcd_version" ]; then
  echo "cannot read pinned versions from $kube_mod/go.mod and $etcd_mod/go.mod" >&2
  exit 1
fi

minor="${kube_version#v1.}"; minor="${minor%%.*}"
version_ldflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  version_ldflags+=" -X $pkg.gitVersion=$kube_version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
done
build_tags="selinux,notest"

# The cache key covers everything that changes the binaries: pinned modules, Go version and build flags.
key_hash="$( (cat "$kube_mod/go.mod" "$kube_mod/go.sum" "$etcd_mod/go.mod" "$etcd_mod/go.sum"; go version; echo "$GOFLAGS $CGO_ENABLED $build_tags $version_ldflags") | sha256sum | cut -c1-12)"
out="$cache_root/k8s-$kube_version-etcd-$etcd_version-$key_hash"
binaries=(kube-apiserver kube-controller-manager kube-scheduler etcd)

all_present() { for b in "${binaries[@]}"; do [ -x "$out/$b" ] || return 1; done; }

if all_present; then
  echo "control-plane binaries cached: $out" >&2
  echo "$out"
  exit 0
fi

tmp="$out.partial.$$"
rm -rf "$tmp"; mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT

started=$SECONDS
echo "building kube-apiserver, kube-controller-manager, kube-scheduler $kube_version (cold builds take a while on 2 cores)..." >&2
(cd "$kube_mod" && go build -tags="$build_tags" -ldflags="-s -w$version_ldflags" -o "$tmp/" \
  k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler)
echo "building etcd $etcd_version..." >&2
(cd "$etcd_mod" && go build -ldflags="-s -w" -o "$tmp/etcd" go.etcd.io/etcd/server/v3)

mkdir -p "$cache_root"
rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
echo "control-plane binaries built in $((SECONDS - started))s: $out" >&2
echo "$out"
