#!/usr/bin/env bash
# Prints the path of Debian's kubectl (package kubernetes-client), fetching it when needed.
#
# Why not /usr/bin/kubectl: this machine's kubectl is a non-Debian wrapper that conflicts with
# Debian's package, and installing the package would fight it. So the .deb is only downloaded and
# unpacked into node_modules/.cache/debian-kubectl/ — the system's kubectl is never touched.
# Everything this prints on stdout is the path; progress goes to stderr (apt's "download is
# performed unsandboxed as root" notice there is harmless).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/node_modules/.cache/debian-kubectl"
bin="$dest/usr/bin/kubectl"

if [[ -x "$bin" ]]; then
  echo "$bin"
  exit 0
fi

mkdir -p "$dest"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"

# apt-get download needs package lists; a fresh machine may have none or stale ones.
if ! apt-get download kubernetes-client >&2; then
  echo "ensure-kubectl: apt-get download failed; running apt-get update and retrying" >&2
  apt-get update >&2
  apt-get download kubernetes-client >&2
fi

deb="$(ls -1 "$work"/kubernetes-client_*.deb | head -n 1)"
dpkg -x "$deb" "$dest"

if [[ ! -x "$bin" ]]; then
  echo "ensure-kubectl: $deb did not contain usr/bin/kubectl" >&2
  exit 1
fi
echo "$bin"
