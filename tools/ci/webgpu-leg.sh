#!/usr/bin/env bash
# The webgpu leg of CI: the PyTorch-parity, layer and gradient specs and one end-to-end run
# (extract → train → eval → predict) again, on MER_BACKEND=webgpu (tfjs-backend-webgpu on Dawn).
#
# Default: SwiftShader, the software Vulkan driver Debian's chromium ships (no GPU needed; ~50× slower
# than wasm, so the specs keep small shapes). MER_WEBGPU_ICD=system: the machine's own Vulkan driver
# (a hardware GPU). Each project's specs run through its own `test` command (project.json, jest --ci);
# counts go to test-results/counts/webgpu__*.json for tools/ci/count-tests.js. Fails when a spec fails,
# when the specs did not run on webgpu, or when Dawn reports an invalid GPU object.
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
START=$SECONDS
COUNTS=test-results/counts
LOGS=test-results/webgpu-leg
mkdir -p "$COUNTS" "$LOGS"
rm -f "$COUNTS"/webgpu__*.json "$LOGS"/*

# project → the spec files that run on webgpu (everything they assert, read asynchronously).
SPECS=(
  "packages/backend:src/gradients/conv2d-grad.spec.ts src/gradients/depthwise-conv2d-grad.spec.ts src/layer-norm.spec.ts src/adamw.spec.ts"
  "packages/attention-fusion:src/multi-head-attention.spec.ts src/additive-attention.spec.ts src/additive-scores.spec.ts src/beit-encoder-layer.spec.ts src/maven-fusion.spec.ts src/avt-ca-blocks.spec.ts src/temporal-conv-net.spec.ts src/efficient-face.spec.ts src/fusion-utils.spec.ts src/weights-io.spec.ts"
  "packages/heads:src/heads.spec.ts"
  "packages/feature-extractors:src/onnx-execution.webgpu.spec.ts"
  "apps/maven:src/fidelity.spec.ts"
  "apps/tcn-fusion:src/fidelity.spec.ts"
  "apps/avt-ca:src/fidelity.spec.ts"
  "apps/pipelines:src/workflow-backend.spec.ts src/raw-crops.spec.ts"
)

# One check of the leg itself, counted like a test in the closing line.
check() { # name passed|failed
  printf '{"passed":%d,"failed":%d,"skipped":0}' "$([ "$2" = passed ] && echo 1 || echo 0)" "$([ "$2" = failed ] && echo 1 || echo 0)" >"$COUNTS/webgpu__$1.json"
}

# The Vulkan loader where Dawn looks for it (the folders of webgpu-adapter.ts), else in ldconfig's cache
# (read whole: `grep -q` would end the pipe early and pipefail would call that a miss).
vulkan_loader() {
  local d
  for d in ${LD_LIBRARY_PATH:+${LD_LIBRARY_PATH//:/ }} /usr/lib/*-linux-gnu /usr/lib64 /usr/lib /lib/*-linux-gnu /lib64 /usr/local/lib; do
    [ -e "$d/libvulkan.so.1" ] && return 0
  done
  { /sbin/ldconfig -p 2>/dev/null || true; } | grep 'libvulkan\.so\.1 ' >/dev/null
}

# (a) The driver: SwiftShader's ICD and the Vulkan loader, installed here when missing and root.
ICD=/usr/lib/chromium/vk_swiftshader_icd.json
if [ "${MER_WEBGPU_ICD:-}" = system ]; then
  missing=(); vulkan_loader || missing=(libvulkan1)
else
  missing=(); { [ -f "$ICD" ] && vulkan_loader; } || missing=(chromium libvulkan1)
fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "webgpu leg: installing ${missing[*]} (SwiftShader's Vulkan ICD / the Vulkan loader) with apt-get"
    apt-get update && apt-get install -y --no-install-recommends "${missing[@]}" || true
  else
    echo "webgpu leg: needs ${missing[*]} (not root, so not installed): apt-get install --no-install-recommends ${missing[*]}"
  fi
fi

# (b) The environment: webgpu by name (auto never takes a software adapter), no inherited probe.
export MER_BACKEND=webgpu CI=true FORCE_COLOR=0
unset MER_WEBGPU_PROBE
if [ "${MER_WEBGPU_ICD:-}" = system ]; then
  export MER_WEBGPU_ADAPTER=hardware
  [ -n "${XDG_RUNTIME_DIR:-}" ] || export XDG_RUNTIME_DIR="$(mktemp -d)"
  echo "webgpu leg: the machine's own Vulkan driver (MER_WEBGPU_ICD=system)"
else
  export MER_WEBGPU_ADAPTER=software VK_ICD_FILENAMES="$ICD"
  export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$(mktemp -d)}"
  echo "webgpu leg: SwiftShader ($ICD)"
fi

# A project's test command from its project.json (`jest --ci`), run in its root with the given specs.
run_project() { # project spec-files... [jest options]
  local project=$1; shift
  local cmd
  cmd=$(node -e 'const p=require(process.argv[1]);const t=p.targets.test.options;if(!/^jest\b/.test(t.command)||(t.cwd&&t.cwd!=="{projectRoot}"))process.exit(1);console.log(t.command)' "$ROOT/$project/project.json") || {
    echo "webgpu leg: $project/project.json has no 'jest ...' test command run in its root"; return 1; }
  (cd "$project" && PATH="$ROOT/node_modules/.bin:$PATH" $cmd "$@")
}

status=0
# (d) The guard first: the specs see webgpu (its title names the backend), on the adapter asked for.
echo "== webgpu leg: guard (packages/backend/src/webgpu-leg.spec.ts)"
if MER_TEST_COUNTS_PREFIX=webgpu-guard run_project packages/backend src/webgpu-leg.spec.ts --json --outputFile="$ROOT/$LOGS/guard.json" 2>&1 | tee "$LOGS/guard.log" \
  && node -e 'const r=require(process.argv[1]);const ok=r.testResults.flatMap((f)=>f.assertionResults).some((a)=>a.status==="passed"&&/initBackend starts webgpu/.test(a.fullName));process.exit(ok?0:1)' "$ROOT/$LOGS/guard.json"; then
  mv "$COUNTS/webgpu-guard__packages__backend.json" "$COUNTS/webgpu__guard.json"
else
  echo "webgpu leg: FAILED: the specs do not run on webgpu (see $LOGS/guard.log); the other specs were not run"
  rm -f "$COUNTS/webgpu-guard__packages__backend.json"
  check guard failed
  exit 1
fi

# (c) The specs, project by project.
# MER_WEBGPU_LEG_SKIP: projects left out, for tools/device/gpu-check.sh on a copy that lacks what their
# specs need (its device kit carries no ONNX Runtime and no ffmpeg); CI never sets it.
for entry in "${SPECS[@]}"; do
  project=${entry%%:*}
  case " ${MER_WEBGPU_LEG_SKIP:-} " in
    *" $project "*) echo "== webgpu leg: $project SKIPPED (${MER_WEBGPU_LEG_SKIP_WHY:-MER_WEBGPU_LEG_SKIP})"; continue ;;
  esac
  echo "== webgpu leg: $project"
  # shellcheck disable=SC2086
  MER_TEST_COUNTS_PREFIX=webgpu run_project "$project" ${entry#*:} 2>&1 | tee "$LOGS/${project//\//__}.log" || status=1
done

# Dawn reports an invalid pipeline or a lost device on stderr and tfjs carries on with unwritten
# results: any such line fails the leg.
if grep -hE '\[Invalid [A-Za-z]+|is invalid due to a previous error|Device was lost|Error while parsing WGSL' "$LOGS"/*.log | sort | uniq -c | head -20 | grep .; then
  echo "webgpu leg: FAILED: Dawn reported GPU errors (above; logs in $LOGS)"
  check dawn-errors failed
  status=1
else
  check dawn-errors passed
fi

echo "webgpu leg: $((SECONDS - START)) s"
exit "$status"
