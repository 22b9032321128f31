import { describeBackend, GRADIENT_FILLS, initBackend } from '@mer/backend';
import { describeOnnxExecution, onnxExecution } from '@mer/feature-extractors';

/**
 * What `mer info` prints: the active backend, why others were not used, where the ONNX models (VAD,
 * face graphs, hub encoders) run, and the gradient fills.
 */
export async function runInfo(json: boolean): Promise<void> {
  const info = await initBackend();
  const onnx = onnxExecution();
  if (json) {
    console.log(JSON.stringify({ ...info, onnx, gradientFills: GRADIENT_FILLS }));
    return;
  }
  console.log(`backend: ${describeBackend(info)} (chosen by ${info.requestedBy})`);
  if (info.adapter?.software) console.log('  (a software adapter: results are correct, but slower than wasm; for checks, not for work)');
  for (const a of info.attempts) console.log(`  ${a.ok ? 'used    ' : 'not used'} ${a.package}${a.reason ? `: ${a.reason}` : ''}`);
  console.log(`onnx models: ${describeOnnxExecution(onnx)}${onnx.requestedBy === 'backend' ? ' (MER_ONNX_EP=cpu|webgpu overrides)' : ''}`);
  console.log('gradient and kernel fills:');
  for (const f of GRADIENT_FILLS) console.log(`  - ${f}`);
}
