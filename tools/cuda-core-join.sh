#!/usr/bin/env bash
# Puts an onnxruntime CUDA core back together from the pieces `daydream-scope cuda-core split` made, on a machine
# that reaches no registry (a lent GPU machine, the pieces carried a few calls at a time: docs/gpu.md). Needs bash,
# coreutils, tar and xz; no Node. Every piece and the whole stream are checked against their sha256 first; the core
# appears whole or not at all.
#   bash tools/cuda-core-join.sh [pieces folder] [parent folder of the core]
# Defaults: .cuda-core/pieces, and <models dir>/ort-core. It prints the lines that point the server and the benches
# at the core: DAYDREAM_SCOPE_ORT_CORE, and LD_LIBRARY_PATH with the lib folders of python's nvidia-* packages.
set -euo pipefail
pieces=${1:-.cuda-core/pieces}
models=${DAYDREAM_SCOPE_MODELS_DIR:-$HOME/.daydream-scope/models}
parent=${2:-$models/ort-core}
stream=cuda-core.tar.xz
say() { echo "cuda-core-join: $*" >&2; }

[ -f "$pieces/cuda-core.sha256" ] && [ -f "$pieces/cuda-core.name" ] || {
  say "no cuda-core.sha256 or cuda-core.name in $pieces: carry them with the pieces"
  exit 2
}
name=$(cat "$pieces/cuda-core.name")
[ -n "$name" ] && [ "${name#*/}" = "$name" ] || {
  say "cuda-core.name in $pieces is empty or not a folder name"
  exit 2
}
mapfile -t wanted < <(awk '{print $2}' "$pieces/cuda-core.sha256" | grep -v "^$stream\$")
missing=()
for p in "${wanted[@]}"; do [ -f "$pieces/$p" ] || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  say "${#missing[@]} of ${#wanted[@]} pieces are not in $pieces yet: ${missing[*]}"
  exit 3
fi
(cd "$pieces" && grep -v "  $stream\$" cuda-core.sha256 | sha256sum -c --quiet) || {
  say "a piece does not match its sha256 (cut short in the carrying?); carry it again"
  exit 4
}
expected=$(awk -v s="$stream" '$2 == s {print $1}' "$pieces/cuda-core.sha256")
actual=$(cd "$pieces" && cat "${wanted[@]}" | sha256sum | cut -d' ' -f1)
[ "$actual" = "$expected" ] || {
  say "the joined stream's sha256 is $actual, expected $expected"
  exit 4
}
mkdir -p "$parent"
work=$(mktemp -d "$parent/.joining-XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd "$pieces" && cat "${wanted[@]}") | xz -dc | tar -x --no-same-owner -C "$work"
[ -f "$work/$name/core.json" ] || {
  say "the stream holds no $name/core.json"
  exit 4
}
rm -rf "${parent:?}/$name"
mv "$work/$name" "$parent/$name"
say "the core is in $parent/$name"
echo "export DAYDREAM_SCOPE_ORT_CORE=$parent/$name"
# pip's CUDA libraries (nvidia-cublas, nvidia-cuda-runtime, nvidia-curand, nvidia-cudnn-cu13...) live in
# site-packages/nvidia/*/lib; the provider finds them only through the library path.
site=$(python3 -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' 2>/dev/null || true)
if [ -n "$site" ] && [ -d "$site/nvidia" ]; then
  libs=$(find "$site/nvidia" -maxdepth 3 -name 'lib*.so*' -printf '%h\n' | sort -u | paste -sd:)
  if [ -n "$libs" ]; then echo "export LD_LIBRARY_PATH=$libs\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}"; fi
fi
