#!/usr/bin/env bash
# Packs what tools/device/gpu-check.sh needs on a GPU machine that reaches no package registry and has
# no Node.js (this workplace's device machines: `npm ci` cannot run there): this machine's `node` and
# the workspace's node_modules, less what the device check never loads, as .device-kit/kit.tar.xz.
# gpu-check.sh unpacks it when the copy it runs in has no node_modules.
#
# Left out (DROP below): other platforms' native binaries, the browser page's runtimes, build and lint
# tools, ONNX Runtime, ffmpeg and ffprobe (gpu-check.sh then skips the specs that need them, and says
# so), transformers.js, the larger face models, and source maps, type declarations and minified or
# ES2017 bundles.
#
# A device call carries the working tree and this kit, 64 MiB together: the script fails when the kit
# and the tracked files come to more than KIT_LIMIT_MIB (default 60).
#
# Usage: bash tools/device/make-kit.sh        then, with the device tool: run(command: "bash
#        tools/device/gpu-check.sh", carry: [".device-kit"])
set -euo pipefail
cd "$(dirname "$0")/../.."
LIMIT_MIB=${KIT_LIMIT_MIB:-60}
[ -d node_modules/@tensorflow/tfjs-core ] || { echo "make-kit: no node_modules here (npm ci first)" >&2; exit 1; }
[ "$(uname -sm)" = "Linux x86_64" ] || { echo "make-kit: the device machines are Linux x86-64; this is $(uname -sm)" >&2; exit 1; }
mkdir -p .device-kit
STAGE=$(mktemp -d)
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/bin"
cp "$(readlink -f "$(command -v node)")" "$STAGE/bin/node"
strip "$STAGE/bin/node" 2>/dev/null || true
# The Vulkan loader, for a machine without it and without apt's registry (gpu-check.sh unpacks it there).
mkdir -p "$STAGE/debs"
(cd "$STAGE/debs" && apt-get download libvulkan1 >/dev/null) || echo "make-kit: apt-get download libvulkan1 failed: the kit has no Vulkan loader" >&2

# Whole packages the device check never loads: the browser page's and the build's, ONNX Runtime (its
# Linux library alone is 13 MiB packed; the spec of its WebGPU provider is skipped there), ffmpeg,
# transformers.js, HDF5 (CMU-MOSEI) and the WebAssembly fallbacks of native resolvers.
DROP=(
  onnxruntime-node onnxruntime-web onnxruntime-common echarts zrender puppeteer-core chromium-bidi devtools-protocol
  @nx nx typescript tsup rollup @rollup sucrase bundle-require
  eslint 'eslint-*' @eslint @eslint-community @typescript-eslint typescript-eslint
  @ffmpeg-installer @ffprobe-installer @huggingface @img sharp h5wasm @jjhbw @vladmandic/face-api
  @napi-rs/wasm-runtime @emnapi @tootallnate 'bare-*' axios
)
EXCLUDES=()
for d in "${DROP[@]}"; do EXCLUDES+=(--exclude="node_modules/$d"); done
EXCLUDES+=(
  --exclude='node_modules/webgpu/dist/darwin-*' --exclude='node_modules/webgpu/dist/win32-*' --exclude='node_modules/webgpu/dist/linux-arm64'
  # @vladmandic/human: its package.json and Node entry (require.resolve finds the models by it), and the
  # two small models (BlazeFace, the expression CNN).
  --exclude='node_modules/@vladmandic/human/models/[!be]*' --exclude='node_modules/@vladmandic/human/models/e[!m]*'
  --exclude='node_modules/@vladmandic/human/models/b[!l]*' --exclude='node_modules/@vladmandic/human/dist/human.[!n]*'
  --exclude='node_modules/@vladmandic/human/dist/human.node-*' --exclude='node_modules/@vladmandic/human/'{src,demo,assets,types,tfjs,tmp}
  --exclude='*.map' --exclude='*.d.ts' --exclude='*.d.mts' --exclude='*.d.cts' --exclude='*.min.js'
  --exclude='node_modules/@tensorflow/*/dist/*es2017*' --exclude='node_modules/@tensorflow/*/dist/*fesm*'
  --exclude='node_modules/.cache'
  # The build's esbuild; tsx keeps its own (node_modules/tsx/node_modules).
  --anchored --exclude='node_modules/esbuild' --exclude='node_modules/@esbuild' --no-anchored
)
echo "make-kit: packing node $("$STAGE/bin/node" -v) and node_modules (xz, a minute or two)"
# node_modules as it is (the workspace's own packages are links into the working tree, which travels
# too), and bin/node from the stage.
# The workspace's own node_modules folders too (a project's version of a package the root holds in another).
tar -cf - "${EXCLUDES[@]}" node_modules $(ls -d apps/*/node_modules packages/*/node_modules 2>/dev/null) -C "$STAGE" bin debs | xz -T2 -9 >.device-kit/kit.tar.xz.part
mv .device-kit/kit.tar.xz.part .device-kit/kit.tar.xz
kit=$(stat -c %s .device-kit/kit.tar.xz)
tree=$(git ls-files -z | xargs -0 stat -c %s 2>/dev/null | awk '{s += $1} END {print s + 0}')
mib() { awk -v b="$1" 'BEGIN {printf "%.1f", b / 1048576}'; }
echo "make-kit: .device-kit/kit.tar.xz $(mib "$kit") MiB; tracked files $(mib "$tree") MiB; together $(mib $((kit + tree))) MiB (limit ${LIMIT_MIB} MiB)"
if [ $((kit + tree)) -gt $((LIMIT_MIB * 1048576)) ]; then
  echo "make-kit: over the limit: leave more out (DROP above)" >&2
  exit 1
fi
