#!/usr/bin/env bash
# Issue 25's GPU figures in one call on a lent GPU machine (bare, no network), made ready by tools/gpu-kit.sh:
#   device run, carry [".gpu-kit"], timeout_s 600:  bash bench/gpu-lease.sh
# It unpacks what that machine lacks (the dependencies; Node and the Vulkan loader only where missing), then runs,
# inside about nine minutes: bench/gpu-all.ts on WebGPU (fast tier and SD-Turbo-size stand-ins at 384/448/512,
# txt2img and img2img, passes on and off, per-stage times, interpolation, CUDA beside where it loads, the anchors)
# and bench/loop-depth.ts on WebGPU (neural-field at 512² and 1080p, depth 1 against 2). Everything it prints goes
# to $OUT/gpu-lease.log, the bench's rows to $OUT/gpu-all.json ($OUT is the device tool's folder that comes back;
# ./.bench-out elsewhere). Extra arguments go to gpu-all (`--quick` runs the whole path on tiny graphs).
# GPU_LEASE_KIT_NODE=1 uses the kit's node even where one is installed (to try the kit on this machine).
set -uo pipefail
cd "$(dirname "$0")/.."
kit=.gpu-kit
out=${OUT:-.bench-out}
mkdir -p "$out"
exec > >(tee "$out/gpu-lease.log") 2>&1
started=$(date +%s)
say() { echo "[gpu-lease +$(($(date +%s) - started))s] $*"; }

[ -f "$kit/node_modules.tar.xz" ] || { say "no $kit here: run tools/gpu-kit.sh first, and carry .gpu-kit"; exit 2; }
# (Not `ldconfig -p | grep -q`: with pipefail, grep leaving early makes that pipeline fail.)
if ! grep -q 'libvulkan.so.1' <(ldconfig -p); then
  # Unpacked over / as the device notes say: only loader packages, and only where none is installed.
  for f in "$kit"/gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
  say "Vulkan loader unpacked from the kit"
fi
icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -f "$icd" ] && ! ls /usr/share/vulkan/icd.d/nvidia* /etc/vulkan/icd.d/nvidia* >/dev/null 2>&1; then
  export VK_DRIVER_FILES=$icd
  export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
fi
major=$(node --version 2>/dev/null | sed -n 's/^v\([0-9]*\).*/\1/p')
minor=$(node --version 2>/dev/null | sed -n 's/^v[0-9]*\.\([0-9]*\).*/\1/p')
# --import needs Node 20.6 or newer.
if [ "${GPU_LEASE_KIT_NODE:-0}" = 1 ] || [ "${major:-0}" -lt 20 ] || { [ "$major" = 20 ] && [ "${minor:-0}" -lt 6 ]; }; then
  mkdir -p /tmp/gpu-lease-node
  xz -dc "$kit/node.xz" >/tmp/gpu-lease-node/node && chmod +x /tmp/gpu-lease-node/node
  export PATH=/tmp/gpu-lease-node:$PATH
  say "node from the kit: $(node --version)"
fi
if [ ! -f node_modules/onnxruntime-node/package.json ]; then
  tar -xJf "$kit/node_modules.tar.xz"
  say "dependencies unpacked"
fi
# CUDA beside WebGPU: where earlier calls carried the onnxruntime 1.29 CUDA core's pieces and joined them
# (docs/gpu.md), the bench finds the core in the models folder; its libraries need only the library path.
if [ -f .cuda-core/env ]; then
  . <(grep LD_LIBRARY_PATH .cuda-core/env)
  say "CUDA 13 libraries on the library path, for the core an earlier call joined"
fi
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | sed 's/^/GPU: /'
say "node $(node --version), onnxruntime-node $(node -p "require('onnxruntime-node/package.json').version")"

# The GPU bench's own deadline stops new rows in time for the loop-depth part and the anchors.
# Its lines go to stderr as they are made (the log); stdout repeats them at the end.
# Limits count from the script's start (the unpacking comes out of the same ten minutes); -k ends a process that
# ignores the TERM (a driver stuck in a call).
left() { echo $((${1} - ($(date +%s) - started))); }
timeout -k 5 "$(left 480)" node --import tsx bench/gpu-all.ts --device webgpu --deadline "$(left 360)" \
  --json "$out/gpu-all.json" "$@" >/dev/null
say "gpu-all ended ($?)"
quick=$(printf '%s\n' "$@" | grep -x -- --quick || true)
if [ "$(left 560)" -gt 30 ]; then
  timeout -k 5 "$(left 560)" node --import tsx bench/loop-depth.ts --device webgpu --rounds 2 $quick
  say "loop-depth ended ($?)"
else
  say "loop-depth left out: too little of the ten minutes is left"
fi
# The log's tee is a process of its own: let it write the last lines before the call ends.
exec >&- 2>&-
wait
