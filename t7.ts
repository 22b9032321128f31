import { AutoModel, AutoProcessor, AutoTokenizer, env, RawImage } from '@huggingface/transformers';
(async () => {
  env.allowRemoteModels = false;
  env.localModelPath = 'packages/feature-extractors/src/fixtures/hub-models/';
  for (const id of ['tiny-swin', 'tiny-resnet']) {
    const proc = await AutoProcessor.from_pretrained(id);
    const model = await AutoModel.from_pretrained(id, { dtype: 'fp32' });
    const img = new RawImage(new Uint8ClampedArray(40 * 30 * 3).fill(200), 40, 30, 3);
    const inputs = await proc(img);
    const out = await model(inputs);
    console.log(id, Object.keys(out), out.pooler_output.dims, Array.from(out.pooler_output.data).slice(0, 3));
  }
  const fe = await AutoProcessor.from_pretrained('tiny-hubert');
  const hub = await AutoModel.from_pretrained('tiny-hubert', { dtype: 'fp32' });
  const audio = new Float32Array(16000).map((_, i) => Math.sin(i / 10));
  const ai = await fe(audio);
  console.log(Object.keys(ai), ai.input_values.dims);
  const ao = await hub(ai);
  console.log('hubert', ao.last_hidden_state.dims);
  const tok = await AutoTokenizer.from_pretrained('tiny-roberta');
  const enc = tok(['I am so happy today', 'hello'], { padding: true });
  console.log(enc.input_ids.tolist(), enc.attention_mask.tolist());
  const rob = await AutoModel.from_pretrained('tiny-roberta', { dtype: 'fp32' });
  const ro = await rob(enc);
  console.log('roberta', ro.last_hidden_state.dims);
})().catch((e) => console.error('ERR', e.message));
