#!/usr/bin/env bash
# Makes .gpu-kit/ (git-ignored): what a lent GPU machine needs to run the GPU bench in one call, where nothing can be
# fetched and what travels is the repository plus at most 64 MiB in all. Then, on that machine:
#   device run, carry [".gpu-kit"]:  bash bench/gpu-lease.sh
# It holds:
#   node_modules.tar.xz  the production dependencies for linux-x64 only (npm ci --omit=dev, from package-lock.json),
#                        less the native modules the bench never loads (NDI, WebRTC, MIDI, serial, Ableton Link)
#   node.xz              this machine's node binary, used there only when that machine has no Node 20 or newer
#   gl/*.deb             the Vulkan loader and libglvnd, unpacked there only when its ldconfig knows no libvulkan
# Needs: npm (the registry), apt-get (its lists updated), xz. docs/gpu.md says how the pieces are used.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kit=$root/.gpu-kit
limit=$((56 * 1024 * 1024)) # the repository's own files take the rest of the 64 MiB
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

rm -rf "$kit" && mkdir -p "$kit/gl"
cp "$root/package.json" "$root/package-lock.json" "$tmp/"
(cd "$tmp" && npm ci --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
nm=$tmp/node_modules
# Only linux-x64 runs there; and what the bench does not load would not fit.
rm -rf "$nm"/onnxruntime-node/bin/napi-v6/{darwin,win32,linux/arm64} \
  "$nm"/@grandi "$nm"/@roamhq "$nm"/abletonlink "$nm"/@serialport "$nm"/@julusian
[ -f "$nm/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node" ] || {
  echo "gpu-kit: onnxruntime-node has no linux-x64 binding after the install; nothing was made" >&2
  exit 1
}
tar -C "$tmp" -cf - node_modules | xz -6 -T0 >"$kit/node_modules.tar.xz"
xz -6 -T0 -c "$(command -v node)" >"$kit/node.xz"
node --version >"$kit/node-version"
(cd "$kit/gl" && apt-get download -qq libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2)

size=$(du -cb "$kit" | tail -1 | cut -f1)
echo "gpu-kit: $kit, $((size / 1024 / 1024)) MiB ($(ls "$kit/gl" | wc -l) loader packages, node $(cat "$kit/node-version"))"
if [ "$size" -gt "$limit" ]; then
  echo "gpu-kit: over $((limit / 1024 / 1024)) MiB; with the repository it would not travel" >&2
  exit 1
fi
