// A bench-only dataset module, plain CommonJS so that the built `mer` loads it as it is:
// `mer --dataset-module tools/bench/emodb-any-audio-dataset.cjs extract --dataset emodb-any:<folder>`.
// EmoDB-named files in any container ffmpeg reads (03a01Fa.mp3, .flac, .m4a, .ogg, .wav). bench:extract's
// `--format` converts the EmoDB WAVs into such a folder to measure decoding that is not in-process.
const fs = require('node:fs');
const path = require('node:path');
const { EMODB_EMOTIONS, parseEmoDbName } = require('@mer/datasets');

/** @type {import('@mer/datasets').DatasetDefinition} */
const emoDbAnyAudioDataset = {
  name: 'emodb-any',
  title: 'EmoDB (any audio container)',
  about: 'EmoDB-named audio files in any container (03a01Fa.mp3, .flac, .m4a, .ogg, .wav)',
  labels: 'classes',
  classes: EMODB_EMOTIONS,
  split: "every item 'train'",
  read: (root) => ({
    items: fs
      .readdirSync(root)
      .filter((n) => /^\d\d[ab]\d\d[A-Z][a-z]\.(wav|mp3|flac|m4a|ogg)$/i.test(n))
      .sort()
      .map((n) => {
        const it = parseEmoDbName(n.replace(/\.[^.]+$/, '.wav'));
        return { id: it.id, file: path.join(root, n), classLabel: it.emotion, speaker: it.speaker, split: 'train' };
      }),
  }),
};

module.exports = { emoDbAnyAudioDataset };
