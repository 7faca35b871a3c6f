#!/usr/bin/env bash
# Debian's simple-whip-server (a WHIP front for janus's VideoRoom) and the Debian node-* packages it runs on,
# unpacked into one folder without installing them: apt would pull Debian's nodejs, which conflicts with the
# Node.js this project runs on. The tests run it from there with NODE_PATH (outputs/whip-push/sfu/janus-rig.ts).
# Usage: fetch-simple-whip-server.sh [folder]   (default node_modules/.cache/simple-whip-server)
set -euo pipefail
cd "$(dirname "$0")/../../.."
dest=${1:-node_modules/.cache/simple-whip-server}
[ -f "$dest/.complete" ] && [ -d "$dest/root/node_modules" ] && exit 0
# The package and its runtime closure as Debian bookworm resolves it (virtual packages named by their provider).
packages=(
  simple-whip-server
  libjs-async libjs-inherits libjs-is-typedarray libjs-typedarray-to-buffer
  node-accepts node-array-flatten node-async node-body-parser node-bytes node-colors node-content-disposition
  node-content-type node-cookie node-cookie-signature node-core-util-is node-cors node-d
  node-debbundle-es-to-primitive node-debug node-deep-equal node-depd node-encodeurl node-es5-ext
  node-es6-iterator node-es6-symbol node-escape-html node-etag node-express node-finalhandler node-fresh
  node-function-bind node-http-errors node-iconv-lite node-inherits node-ipaddr.js node-is-typedarray
  node-isarray node-media-typer node-merge-descriptors node-methods node-mime node-mime-types node-ms
  node-negotiator node-object-assign node-object-inspect node-on-finished node-parseurl node-path-to-regexp
  node-process-nextick-args node-proxy-addr node-qs node-range-parser node-raw-body node-readable-stream
  node-safe-buffer node-send node-serve-static node-setprototypeof node-statuses node-string-decoder
  node-toidentifier node-type-is node-typedarray-to-buffer node-unpipe node-util-deprecate node-utils-merge
  node-vary node-websocket
)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# apt-get download runs as the _apt user where it can; a folder it may write to avoids the warning.
chmod 777 "$work"
(cd "$work" && apt-get download -qq "${packages[@]}") || {
  echo "apt-get download failed; run apt-get update first" >&2
  exit 1
}
rm -rf "$dest" && mkdir -p "$dest"
for deb in "$work"/*.deb; do dpkg-deb -x "$deb" "$dest/root"; done
# Node looks for a package in every node_modules above the requiring file before it reads NODE_PATH, and the
# unpacked tree lies inside this project's node_modules: Debian's express would load the project's own (newer,
# incompatible) depd. A node_modules at the top of the unpacked tree, linking Debian's packages, is found first.
mkdir -p "$dest/root/node_modules"
for pkg in "$dest"/root/usr/share/nodejs/* "$dest"/root/usr/lib/*/nodejs/*; do
  [ -L "$dest/root/node_modules/${pkg##*/}" ] || ln -s "../${pkg#"$dest/root/"}" "$dest/root/node_modules/${pkg##*/}"
done
touch "$dest/.complete"
echo "simple-whip-server unpacked in $dest"
