#!/usr/bin/env bash
# The GPU device check (issue #24): on a Linux machine with an NVIDIA GPU, from the repository root of
# a fresh copy, in at most 8 minutes (GPU_CHECK_BUDGET_S, default 465 s; every step under `timeout`):
#   1. npm ci                                    (≤ 150 s; skipped when node_modules is already there;
#      with .device-kit/kit.tar.xz from tools/device/make-kit.sh, that kit unpacked instead, ≤ 120 s)
#   2. probe: Vulkan ICD files, the Vulkan loader, nvidia-smi, torch and CUDA        (≤ 45 s)
#   3. libvulkan1 when the loader is missing and we are root: the kit's .deb, else apt-get (≤ 45 s, only then)
#   4. the adapter Dawn sees: mer --backend webgpu info (--json and text)           (≤ 40 s)
#   5. the webgpu spec leg on the machine's driver: MER_WEBGPU_ICD=system bash tools/ci/webgpu-leg.sh
#                                                (≤ 180 s, and never into the bench's 150 s)
#   6. bench:models (tools/bench/models.ts through tsx) --backend webgpu,wasm --only lite,paper, with the PyTorch CUDA eager
#      peer when some python's torch sees CUDA (else no peer)                       (the rest, ≥ 150 s)
#   7. a summary block (also summary.txt)
# A step that fails or runs out of time is reported and the others still run. Everything is written under
# $OUT when set (the device runner collects it), else ./gpu-check-out.
#
# Usage: bash tools/device/gpu-check.sh [--dry-run] [--no-ci]
#   On a machine that reaches no registry and has no Node (this workplace's GPU machines): first, here,
#   bash tools/device/make-kit.sh; then run this script there with `.device-kit` carried along.
#   --dry-run: run the read-only probes (2, 4), print the other steps' commands and budgets, run nothing else.
#   --no-ci:   never run npm ci.
# Environment: GPU_CHECK_BUDGET_S (total seconds), GPU_CHECK_BENCH_ARGS (bench:models arguments in
# place of `--backend webgpu,wasm --only lite,paper`), VK_ICD_FILENAMES is passed through (e.g.
# SwiftShader's, to try the non-GPU path: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json).
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
ROOT=$PWD
OUT=${OUT:-$ROOT/gpu-check-out}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
BUDGET=${GPU_CHECK_BUDGET_S:-465}
BENCH_MIN_S=150
SUMMARY_S=15
START=$(date +%s)
DRY=0 NO_CI=0
for a in "$@"; do
  case $a in
    --dry-run) DRY=1 ;;
    --no-ci) NO_CI=1 ;;
    *) echo "gpu-check: unknown argument $a (--dry-run, --no-ci)" >&2; exit 2 ;;
  esac
done
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-/tmp} FORCE_COLOR=0
unset MER_WEBGPU_PROBE MER_BACKEND
# What this script writes (the folder itself may hold other things: the runner's $OUT).
rm -rf "$OUT"/{steps.tsv,summary.txt,icd.txt,vulkan-loader.txt,nvidia-smi.txt,nvidia-smi-query.txt,torch.txt,adapter.json,adapter.txt,adapter.log,npm-ci.log,apt-vulkan.log,webgpu-leg.log,webgpu-leg,bench.log,bench-models.json,nvidia_icd.json}
: >"$OUT/steps.tsv"

elapsed() { echo $(($(date +%s) - START)); }
left() { echo $((BUDGET - $(elapsed))); }
say() { echo "gpu-check [$(elapsed) s] $*"; }

# step NAME CAP_S RESERVE_S COMMAND: runs COMMAND (a bash string) under timeout, for at most CAP_S
# seconds and never into the last RESERVE_S seconds of the budget; output in $OUT/NAME.log; one line
# `name status seconds` in steps.tsv. Returns the command's status (124: timed out).
step() {
  local name=$1 cap=$2 reserve=$3 cmd=$4 t rc s0
  t=$(($(left) - reserve))
  [ "$t" -gt "$cap" ] && t=$cap
  if [ "$DRY" = 1 ]; then
    say "$name (dry run, would get ${t} s): $cmd"
    printf '%s\tdry-run\t0\n' "$name" >>"$OUT/steps.tsv"
    return 0
  fi
  if [ "$t" -lt 10 ]; then
    say "$name: skipped, no time left in the ${BUDGET} s budget"
    printf '%s\tskipped (no time left)\t0\n' "$name" >>"$OUT/steps.tsv"
    return 125
  fi
  say "$name (≤ ${t} s): $cmd"
  s0=$(date +%s)
  timeout -k 5 "$t" bash -c "$cmd" >"$OUT/$name.log" 2>&1
  rc=$?
  local st=ok
  [ "$rc" = 124 ] || [ "$rc" = 137 ] && st="timed out after ${t} s"
  [ "$st" = ok ] && [ "$rc" != 0 ] && st="failed (exit $rc)"
  printf '%s\t%s\t%s\n' "$name" "$st" "$(($(date +%s) - s0))" >>"$OUT/steps.tsv"
  say "$name: $st ($(($(date +%s) - s0)) s; log $OUT/$name.log)"
  return "$rc"
}

vulkan_loader() { # prints where libvulkan.so.1 is, fails when nowhere (Dawn's folders, then ldconfig)
  local d
  for d in ${LD_LIBRARY_PATH:+${LD_LIBRARY_PATH//:/ }} /usr/lib/*-linux-gnu /usr/lib64 /usr/lib /lib/*-linux-gnu /lib64 /usr/local/lib; do
    [ -e "$d/libvulkan.so.1" ] && { echo "$d/libvulkan.so.1"; return 0; }
  done
  { /sbin/ldconfig -p 2>/dev/null || true; } | awk '/libvulkan\.so\.1 / {print $NF; found=1} END {exit !found}'
}

adapter_failure() { # the line of mer info's output that says why there is no adapter
  local f=$OUT/adapter.log
  { grep -E '^ *(mer:|@tensorflow|[A-Za-z]*Error)' "$f" | tail -n 1 || grep -v '^\s*$' "$f" | tail -n 1; } 2>/dev/null | sed 's/^ *//'
}

# 7. The summary: runs at the end, and also when the script is stopped from outside.
summary() {
  trap - EXIT INT TERM
  {
    echo
    echo "==================== gpu-check summary ($(elapsed) s of ${BUDGET} s) ===================="
    echo "machine: $(nproc) cores, $(uname -sr), node $(node -v 2>/dev/null || echo missing) ($(command -v node || true))"
    if [ -s "$OUT/nvidia-smi.txt" ]; then echo "GPU: $(head -n 3 "$OUT/nvidia-smi-query.txt" 2>/dev/null | paste -sd ';')"; else echo "GPU: nvidia-smi not found"; fi
    local loader
    loader=$(vulkan_loader | head -n 1)
    echo "Vulkan loader: ${loader:-missing}"
    echo "Vulkan ICD files: $(grep -h '^/' "$OUT/icd.txt" 2>/dev/null | paste -sd ' ' | sed 's/^$/none/')"
    [ -n "${VK_ICD_FILENAMES:-}" ] && echo "VK_ICD_FILENAMES=$VK_ICD_FILENAMES (set by the caller or step 3)"
    if [ -s "$OUT/adapter.txt" ]; then echo "Dawn adapter: $(head -n 1 "$OUT/adapter.txt" | sed 's/^backend: //')"
    else echo "Dawn adapter: none: $(adapter_failure)"; fi
    echo "torch: $(cat "$OUT/torch.txt" 2>/dev/null || echo 'not probed')"
    echo "steps:"
    awk -F'\t' '{printf "  %-12s %-28s %5s s\n", $1, $2, $3}' "$OUT/steps.tsv"
    if [ -f "$OUT/webgpu-leg.log" ]; then
      echo "webgpu leg (MER_WEBGPU_ICD=system):"
      grep -E '^(== webgpu leg|Tests:|webgpu leg:)' "$OUT/webgpu-leg.log" | grep -vE '^webgpu leg: (installing|needs)' | sed 's/^/  /' | tail -n 30
    fi
    if [ -s "$OUT/bench-models.json" ]; then
      echo "bench:models ($OUT/bench-models.json):"
      (cd "$ROOT" && timeout 60 node node_modules/tsx/dist/cli.mjs tools/bench/models.ts --table "$OUT/bench-models.json" 2>&1 | sed 's/^/  /')
    fi
    echo "files: $OUT"
    echo "=============================================================================="
  } | tee "$OUT/summary.txt"
  # The exit status: 1 when a step failed or ran out of time.
  if cut -f2 "$OUT/steps.tsv" | grep -qE '^(failed|timed out)'; then exit 1; fi
  exit 0
}
[ "$DRY" = 1 ] || trap summary EXIT INT TERM

# 1. Dependencies. A copy that already has node_modules (carried along) keeps it: npm ci would delete
# it first, and this machine may have no registry to fetch it again. A copy with the device kit
# (tools/device/make-kit.sh: Node and node_modules packed, for machines that reach no registry and
# have no Node, as this workplace's GPU machines) unpacks it; its node goes first on the PATH.
KIT=$ROOT/.device-kit
if [ "$NO_CI" = 1 ]; then
  printf 'npm-ci\tskipped (--no-ci)\t0\n' >>"$OUT/steps.tsv"
elif [ -d node_modules/@tensorflow/tfjs-core ] && [ -d node_modules/tsx ]; then
  say "npm-ci: skipped, node_modules is there"
  printf 'npm-ci\tskipped (node_modules present)\t0\n' >>"$OUT/steps.tsv"
elif [ -f "$KIT/kit.tar.xz" ]; then
  step kit 120 $((BENCH_MIN_S + SUMMARY_S)) "rm -rf '$KIT/unpacked' && mkdir -p '$KIT/unpacked' && tar -xJf '$KIT/kit.tar.xz' -C '$KIT/unpacked' && for d in \$(cd '$KIT/unpacked' && ls -d node_modules apps/*/node_modules packages/*/node_modules 2>/dev/null); do mv \"$KIT/unpacked/\$d\" \"$ROOT/\$d\"; done"
else
  step npm-ci 150 $((BENCH_MIN_S + SUMMARY_S)) 'npm ci --no-audit --no-fund --prefer-offline'
fi
[ -x "$KIT/unpacked/bin/node" ] && export PATH="$KIT/unpacked/bin:$PATH"
command -v node >/dev/null || say "no node on this machine and no device kit: make one here with tools/device/make-kit.sh and carry .device-kit"

# 2. Probes (read-only; run in a dry run too).
probe() {
  local d f
  {
    for d in /usr/share/vulkan/icd.d /etc/vulkan/icd.d /usr/local/share/vulkan/icd.d /usr/local/nvidia/share/vulkan/icd.d; do
      echo "# $d"
      for f in "$d"/*.json; do [ -e "$f" ] && { echo "$f"; sed 's/^/    /' "$f"; echo; }; done
    done
    echo "# VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-} (when set, the loader reads only these)"
  } >"$OUT/icd.txt" 2>&1
  vulkan_loader >"$OUT/vulkan-loader.txt" 2>&1 || echo "missing" >"$OUT/vulkan-loader.txt"
  if command -v nvidia-smi >/dev/null; then
    timeout 20 nvidia-smi >"$OUT/nvidia-smi.txt" 2>&1
    timeout 20 nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader >"$OUT/nvidia-smi-query.txt" 2>&1
  else
    : >"$OUT/nvidia-smi.txt"
  fi
  # The Python whose torch sees CUDA (the peer's), else what torch there is.
  : >"$OUT/torch.txt"
  TORCH_PY=
  local py seen=
  for py in /usr/bin/python3 "$(command -v python3 || true)"; do
    [ -x "$py" ] || continue
    [ "$py" = "$seen" ] && continue
    seen=$py
    local r
    r=$(timeout 30 "$py" -c 'import torch; c = torch.cuda.is_available(); print(f"{torch.__version__} cuda={c}" + (f" ({torch.cuda.get_device_name(0)})" if c else ""))' 2>/dev/null | tail -n 1)
    [ -n "$r" ] || r="no torch"
    echo "$py: $r" >>"$OUT/torch.txt"
    case $r in *cuda=True*) [ -n "$TORCH_PY" ] || TORCH_PY=$py ;; esac
  done
  [ -s "$OUT/torch.txt" ] || echo "no python3" >"$OUT/torch.txt"
}
s0=$(date +%s)
probe
printf 'probe\tok\t%s\n' "$(($(date +%s) - s0))" >>"$OUT/steps.tsv"
say "probe: ICD files $(grep -c '^/' "$OUT/icd.txt") · loader $(head -n 1 "$OUT/vulkan-loader.txt") · nvidia-smi $([ -s "$OUT/nvidia-smi.txt" ] && echo yes || echo no) · torch: $(paste -sd ';' "$OUT/torch.txt")"

# The NVIDIA driver's ICD file where the loader does not look (this workplace's GPU machines mount the
# driver under /usr/local/nvidia): point the loader at it.
NV_ICD=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -s "$OUT/nvidia-smi.txt" ] && [ -f "$NV_ICD" ] && [ -z "${VK_ICD_FILENAMES:-}" ] \
  && ! ls /usr/share/vulkan/icd.d/*nvidia* /etc/vulkan/icd.d/*nvidia* >/dev/null 2>&1; then
  export VK_ICD_FILENAMES=$NV_ICD
  say "the NVIDIA Vulkan ICD file is under /usr/local/nvidia: VK_ICD_FILENAMES=$VK_ICD_FILENAMES"
fi
# An NVIDIA driver without its Vulkan ICD file (containers started without the 'graphics' driver
# capability often lack it) but with the library the file would name: write the file and point the
# loader at it.
if [ -s "$OUT/nvidia-smi.txt" ] && ! grep -qi nvidia "$OUT/icd.txt" && [ -z "${VK_ICD_FILENAMES:-}" ]; then
  if { /sbin/ldconfig -p 2>/dev/null || true; } | grep 'libGLX_nvidia\.so\.0 ' >/dev/null; then
    printf '{"file_format_version":"1.0.0","ICD":{"library_path":"libGLX_nvidia.so.0","api_version":"1.3.0"}}\n' >"$OUT/nvidia_icd.json"
    export VK_ICD_FILENAMES=$OUT/nvidia_icd.json
    say "no NVIDIA Vulkan ICD file, but libGLX_nvidia.so.0 is there: VK_ICD_FILENAMES=$VK_ICD_FILENAMES"
  else
    say "NVIDIA driver but no NVIDIA Vulkan ICD file nor libGLX_nvidia.so.0: Dawn will not see the GPU (a container needs NVIDIA_DRIVER_CAPABILITIES to include graphics)"
  fi
fi

# 3. The Vulkan loader.
if [ "$(head -n 1 "$OUT/vulkan-loader.txt")" = missing ]; then
  if [ "$(id -u)" = 0 ] && ls "$KIT"/unpacked/debs/libvulkan1_*.deb >/dev/null 2>&1 && command -v dpkg >/dev/null; then
    step vulkan-kit 30 $((BENCH_MIN_S + SUMMARY_S)) "dpkg -x $KIT/unpacked/debs/libvulkan1_*.deb / && ldconfig"
  elif [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    step apt-vulkan 45 $((BENCH_MIN_S + SUMMARY_S)) 'apt-get install -y --no-install-recommends libvulkan1 || { apt-get update && apt-get install -y --no-install-recommends libvulkan1; }'
  else
    say "apt-vulkan: the Vulkan loader is missing and this is not root with apt-get: install libvulkan1"
    printf 'apt-vulkan\tskipped (not root / no apt-get)\t0\n' >>"$OUT/steps.tsv"
  fi
fi

# 4. The adapter Dawn sees (mer info from source).
TSX="node $ROOT/node_modules/tsx/dist/cli.mjs"
step adapter 40 $((BENCH_MIN_S + SUMMARY_S)) "$TSX apps/cli/src/main.ts --backend webgpu info --json >'$OUT/adapter.json' && $TSX apps/cli/src/main.ts --backend webgpu info >'$OUT/adapter.txt'"
if [ "$DRY" = 1 ]; then
  timeout 40 $TSX apps/cli/src/main.ts --backend webgpu info >"$OUT/adapter.txt" 2>"$OUT/adapter.log" || true
  if [ -s "$OUT/adapter.txt" ]; then say "adapter: $(head -n 1 "$OUT/adapter.txt")"; else say "adapter: none: $(adapter_failure)"; fi
fi

# 5. The webgpu spec leg on the machine's own driver. What the copy lacks (the device kit carries
# neither ONNX Runtime nor ffmpeg) skips the projects whose specs need it, named in the leg's output.
SKIP= WHY=
[ -d node_modules/onnxruntime-node ] || { SKIP+=" packages/feature-extractors"; WHY+="no onnxruntime-node (ONNX Runtime's WebGPU provider not checked); "; }
$TSX -e "require('@mer/media').locateFfmpeg()" >/dev/null 2>&1 || { SKIP+=" apps/pipelines"; WHY+="no ffmpeg (the end-to-end and face-crop runs not checked); "; }
[ -n "$SKIP" ] && say "webgpu-leg: skipping${SKIP}: ${WHY%; }"
if [ -f tools/ci/webgpu-leg.sh ]; then
  export MER_WEBGPU_LEG_SKIP="${SKIP# }" MER_WEBGPU_LEG_SKIP_WHY="${WHY%; }"
  step webgpu-leg 180 $((BENCH_MIN_S + SUMMARY_S)) 'MER_WEBGPU_ICD=system bash tools/ci/webgpu-leg.sh'
  [ -d test-results/webgpu-leg ] && [ "$DRY" = 0 ] && cp -r test-results/webgpu-leg "$OUT/webgpu-leg" && { cp -r test-results/counts "$OUT/webgpu-leg/counts" 2>/dev/null || true; }
else
  say "webgpu-leg: tools/ci/webgpu-leg.sh is not in this copy: the webgpu spec leg was not run"
  printf 'webgpu-leg\tnot run (tools/ci/webgpu-leg.sh missing)\t0\n' >>"$OUT/steps.tsv"
fi

# 6. The benchmark: no row starts in its last 60 s; the JSON file is rewritten after every row.
if [ -n "$TORCH_PY" ]; then PEER="--torch-python $TORCH_PY --torch-device cuda"; else PEER="--no-torch"; fi
[ -n "$TORCH_PY" ] || say "bench: no python with torch that sees CUDA: no PyTorch peer (pip install is not possible offline)"
BENCH_T=$(($(left) - SUMMARY_S))
step bench "$BENCH_T" "$SUMMARY_S" "$TSX tools/bench/models.ts ${GPU_CHECK_BENCH_ARGS:---backend webgpu,wasm --only lite,paper} $PEER --json '$OUT/bench-models.json' --budget-s $((BENCH_T > 90 ? BENCH_T - 60 : BENCH_T / 2))"

[ "$DRY" = 1 ] && { say "dry run: nothing else was run; probes in $OUT"; exit 0; }
summary
