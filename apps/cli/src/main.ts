import * as path from 'node:path';
import { Command, Option } from 'commander';
import { positiveNumber, wholeNumber } from './commands/cli-numbers';
import { runInfo } from './commands/info';
import { loadRecipeModules, recipeModulesFromEnv } from './commands/recipes';
import { cvCommand } from './commands/cv-command';
import { datasetModulesFromEnv, loadDatasetModules } from './commands/dataset-modules';
import { datasetsCommand } from './commands/datasets-command';
import { extractorModulesFromEnv, extractorsCommand } from './commands/extractors-command';
import { listExtractors, loadExtractorModules } from '@mer/feature-extractors';
import { analyzeCommand } from './commands/analyze-command';
import { liveCommand } from './commands/live-command';
import { extractCommand } from './commands/extract-command';
import { mergeCommand } from './commands/merge-command';
import { demoCommand, evalCommand, predictCommand, trainCommand } from './commands/pipeline-commands';


const program = new Command();
const collect = (v: string, all: string[]) => [...all, v];

program
  .name('mer')
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  .version((require('../package.json') as { version: string }).version, '-V, --version', "mer's version (@mer/cli)")
  .description('Multimodal emotion recognition: MAVEN, TCN-fusion and AVT-CA on one tfjs backend')
  .option('--recipe <module>', 'a module exporting your own network recipe(s) to register (repeatable; also MER_RECIPES=a.js,b.js)', collect, [])
  .option('--dataset-module <module>', 'a module exporting (or registering) your own dataset reader(s): --dataset <name>:<root> then reads them (repeatable; also MER_DATASET_MODULES=a.js,b.js)', collect, [])
  .option('--extractor <module>', 'a CommonJS module exporting your own extractor definition(s) to register (repeatable; also MER_EXTRACTORS=a.js,b.js); mer extract records it with the features, so train, eval and predict load it again', collect, [])
  .addOption(new Option('--backend <name>', 'the tensor backend (also MER_BACKEND): auto (default: tensorflow, then webgpu on a hardware GPU, then wasm, then cpu) | tensorflow | webgpu | wasm | cpu').choices(['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu']))
  .hook('preAction', () => {
    // Through the environment, so the processes mer starts (face-track workers, shards) use it too.
    const backend = program.opts<{ backend?: string }>().backend;
    if (backend) process.env.MER_BACKEND = backend;
    loadRecipeModules([...recipeModulesFromEnv(), ...(program.opts<{ recipe: string[] }>().recipe ?? [])]);
    loadDatasetModules([...datasetModulesFromEnv(), ...(program.opts<{ datasetModule: string[] }>().datasetModule ?? [])]);
    const extractors = [...extractorModulesFromEnv(), ...(program.opts<{ extractor: string[] }>().extractor ?? [])].map((m) => path.resolve(m));
    loadExtractorModules(extractors);
    if (extractors.length > 0) process.env.MER_EXTRACTORS = extractors.join(',');
  })
  .addHelpText(
    'after',
    '\nExamples:\n  $ mer analyze clip.mp4\n  $ mer demo\n  $ mer extract --pipeline avt-ca --preset lite --dataset ravdess:/data/RAVDESS --out feats\n  $ mer train --features feats --out run\n  $ mer eval --run run --split test\n  $ mer cv --features feats-emodb --out cv --folds loso --preset lite\n  $ mer predict --run run clip.mp4 --plot\n  $ mer features merge feats-0 feats-1 --out feats',
  );

program
  .command('analyze')
  .description('Your video, no training: per frame and face, the face box and its expression probabilities (the pretrained model shipped with mer), valence/arousal derived from them, speech probability, loudness and F0; a CSV and an HTML report per file, summary.csv over all')
  .argument('<inputs...>', 'video files, folders or globs (quoted: "clips/*.mp4")')
  .option('--out <dir>', 'output folder', 'analysis')
  .option('--recursive', "folders' subfolders too")
  .option('--faces <which>', 'whose faces: largest (default) | main | left | right (one row per frame), or all (every face tracked, a stable face_id each)')
  .option('--face <which>', 'the same as --faces')
  .option('--detect-every <n>', 'run the face detector every n frames (default 5), following the faces in between (every frame is classified)', wholeNumber(1))
  .option('--crop <mode>', "how face crops are turned upright: eyes (default: level eye line) | reference (@vladmandic/human's own rule)")
  .option('--workers <n>', 'processes per video: 1 (default) or 2: decoding, detection and crops in a second process while this one classifies (since the face models run on ONNX Runtime, 2 gains ~3 % on a 62 s clip and loses ~10 % on a 10 s one)', wholeNumber(1, 2))
  .option('--va-table <file>', 'category → valence/arousal table (JSON {"happy": [v, a], …} or CSV class,valence,arousal); default Russell & Mehrabian 1977')
  .option('--overwrite', 'analyse again the files an earlier run into --out finished (default: skip them, keep their rows)')
  .option('--quiet', 'no per-file lines, no progress: only the closing line (and errors)')
  .option('--json', 'one JSON line per file')
  .addHelpText('after', '\nExit status 1 when any file failed; the others are analysed and summary.csv lists every file (ok, skipped, failed).\n\nExamples:\n  $ mer analyze talk.mp4 --out analysis\n  $ mer analyze "interviews/*.mp4" --faces all --va-table my-table.csv')
  .action(analyzeCommand);

program
  .command('demo')
  .description('The main job, offline: synthetic clips → extract → train (lite) → eval → predict, for all three pipelines')
  .option('--out <dir>', 'output folder (data, features, runs, predictions, report.html)', 'mer-demo-output')
  .option('--epochs <n>', 'epochs per pipeline (default: the demo setup, 15)', wholeNumber(1))
  .option('--pipelines <list>', 'comma-separated subset, e.g. maven,avt-ca')
  .option('--json', 'print the result as one JSON line')
  .addHelpText('after', '\nExample:\n  $ mer demo --out demo-output --pipelines avt-ca')
  .action(demoCommand);

program
  .command('extract')
  .description('Extract a dataset’s features for a pipeline (resumable: finished items are skipped)')
  .option('--pipeline <name>', 'a registered network: maven | tcn-fusion | avt-ca | speech-kernel (speech functionals → kernel ridge), or one a --recipe module registers; default on a corpus of audio-only files (WAV, FLAC, MP3, …): speech-kernel, the inner-LOSO winner of bench:real-data')
  .requiredOption('--dataset <kind:root>', 'a registered dataset (mer datasets lists them): affwild2:<root> | ravdess:<root> | crema-d:<root> | emodb:<root> | cmu-mosei:<folder of the SDK .csd files>, or one a --dataset-module registers')
  .requiredOption('--out <dir>', 'features folder')
  .option('--preset <name>', "the preset to extract for (default: the network's default, paper): its streams' extractors — AVT-CA's paper and official-code take face crops, features and lite face embeddings")
  .option('--crop-size <px>', 'side of the face crops a crops stream keeps (AVT-CA paper/official-code; default 224: 150 KB a frame)', wholeNumber(8, 1024))
  .option('--faces <mode>', "detect (BlazeFace + tracking; default) | none (frames are already face crops) | cropped-aligned (the dataset's own crops; default where Aff-Wild2 has cropped_aligned/)")
  .option('--split <how>', "replace the dataset's split: random:0.25 (stratified, seeded) or speaker:03,08 (those speakers/actors are the test set)")
  .option('--fold <n>', "RAVDESS speaker fold 1–6 instead of the AVT-CA split; Aff-Wild2: TCN-fusion's fold 1–6 (1–5 training chunks, 6 the validation set)", wholeNumber(1, 6))
  .option('--limit <n>', 'only the first n items', wholeNumber(1))
  .option('--jobs <n>', 'processes on this machine (default: the number of cores), each loading its models once and taking chunks of items from one queue, writing into the one folder', wholeNumber(1))
  .option('--shard <i/N>', 'extract only shard i (from 0) of N into this folder; join the shards with mer features merge')
  .option('--shards <n>', 'the shard count when the index comes from the scheduler: JOB_COMPLETION_INDEX (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID (Slurm array)', wholeNumber(1))
  .addOption(new Option('--worker').hideHelp())
  .addOption(new Option('--queue').hideHelp())
  .option('--stream <name=extractor>', `another registered extractor for a stream, e.g. audio=egemaps, or utterance=speech-functionals to add an utterance stream that mer train --utterance late-fuses (repeatable; mer extractors lists them; kind (width): ${listExtractors().map((d) => `${d.kind} (${typeof d.width === 'number' ? d.width : 'the model\'s'})`).join(', ')}, and those --extractor registers)`, collect, [])
  .option('--clip-seconds <s>', "clip-timed networks (AVT-CA): seconds per clip instead of the network's 3.6 (shorter recordings are centred and zero-padded to it)", positiveNumber)
  .option('--clip-frames <n>', "clip-timed networks: video frames sampled per clip instead of the network's 15", wholeNumber(1))
  .option('--speed <factors>', 'speed perturbation, e.g. 0.9,1.0,1.1: each item also at the factors other than 1 (audio resampled: tempo and pitch), stored as copies <id>~sp<factor> that training uses with "speedPerturbation"')
  .option('--folds <file>', "CMU-MOSEI: the standard folds, a JSON {train, valid, test} of video ids or the SDK's cmu_mosei_std_folds.py")
  .option('--labels <task>', 'CMU-MOSEI: emotions (six, multi-label; default) | sentiment2 (negative vs non-negative) | sentiment7 (−3 … 3)')
  .option('--steps <n>', "CMU-MOSEI: steps each sequence is averaged onto per segment (default: the network's clip frames)", wholeNumber(1))
  .option('--sequence <stream=file.csd>', 'CMU-MOSEI: the sequence a stream takes, e.g. video=CMU_MOSEI_VisualOpenFace2.csd (repeatable)', collect, [])
  .option('--visual-encoder <id|dir>', 'transformers.js image model instead of the shipped face encoder (e.g. microsoft/swin-base-patch4-window7-224)')
  .option('--audio-encoder <id|dir>', 'MAVEN: transformers.js speech model (e.g. facebook/hubert-base-ls960)')
  .option('--text-encoder <id|dir>', 'MAVEN: transformers.js text model (e.g. FacebookAI/roberta-base)')
  .option('--asr-model <id|dir>', 'MAVEN: transformers.js ASR model for items without a transcript (e.g. onnx-community/whisper-base)')
  .option('--model-dir <dir>', 'folder of local model snapshots (<id>/config.json, onnx/…)')
  .option('--allow-remote', 'allow downloading hub models (needs internet)')
  .option('--overwrite', "replace the features already in --out (written with another extractor or config) instead of refusing")
  .option('--json', 'machine-readable report')
  .addHelpText('after', '\nExamples:\n  $ mer extract --pipeline avt-ca --dataset emodb:/data/emodb --split random:0.25 --out feats-emodb\n  $ mer extract --pipeline avt-ca --dataset cmu-mosei:/data/mosei --folds cmu_mosei_std_folds.py --out feats-mosei')
  .action(extractCommand);

const features = program.command('features').description('Work with features folders');
features
  .command('merge')
  .description("Join the shards of one extraction (or disjoint extractions with one setup) into one folder, checking that they agree and that none is missing")
  .argument('<stores...>', 'features folders')
  .requiredOption('--out <dir>', 'the merged folder')
  .addHelpText('after', '\nExample:\n  $ mer features merge feats-shard-0 feats-shard-1 feats-shard-2 --out feats')
  .action(mergeCommand);

program
  .command('train')
  .description('Train on a features folder: the train split; the validation split, else an inner validation split carved from train, selects the kept epoch (the test split is never read)')
  .requiredOption('--features <dirs...>', 'folder(s) written by mer extract (several: shards, merged into <out>/features first)')
  .requiredOption('--out <dir>', 'run folder: pipeline.json, metrics.jsonl, checkpoint/, best/')
  .option('--preset <name>', "the network's preset: paper | official-code | features | lite (default: the one the features were extracted for)")
  .option('--profile <name>', "the network's training profile: paper (the paper's setup) | small-data (AVT-CA) …; default the network's")
  .option('--config <file>', 'JSON training overrides on top of the profile, e.g. {"learningRate":1e-3,"epochs":30,"model":{"beitDepth":2}}')
  .option('--epochs <n>', 'number of epochs', wholeNumber(1))
  .option('--fold <n>', "RAVDESS speaker fold 1–6 (its actors are the test split), or Aff-Wild2 fold 1–6 (TCN-fusion's protocol)", wholeNumber(1, 6))
  .option('--resume', 'continue an interrupted run from its last checkpoint (with the setup it was started with; a larger --epochs is honoured)')
  .option('--overwrite', 'replace the run already in --out (without --resume or --overwrite, an existing run is refused)')
  .addOption(new Option('--select <what>', "what selects the kept epoch: auto (the validation split, else an inner validation split of train: by speaker, else 15 % stratified) | last (nothing: the last epoch) | test (the test split: OPTIMISTIC, marked so)").choices(['auto', 'last', 'test']).default('auto'))
  .option('--members <n>', 'a committee of n networks, each in <out>/members/<k>: member k selects its epoch on other training speakers (rotated) and has seed + k − 1; eval and predict average their class probabilities (valence/arousal: their mean); --resume continues at the member where it stopped (default 1: one network)', wholeNumber(1))
  .option('--utterance', 'late-fuse the features\' utterance stream (mer extract --stream utterance=speech-functionals) into the class logits: a linear head on the standardised row, trained jointly ({"utterance":{"hidden":64,"dropout":0.2}} in --config sets the head)')
  .option('--json', 'one JSON line per epoch')
  .addHelpText('after', '\nExample:\n  $ mer train --features feats --out run --preset lite --epochs 30\n  $ mer train --features feats --out run --resume\n  $ mer train --features feats --out committee --preset lite --members 3')
  .action(trainCommand);

program
  .command('cv')
  .description('Speaker-independent cross-validation on a features folder: per-fold and mean ± std metrics (resumable per fold)')
  .requiredOption('--features <dir>', 'folder written by mer extract')
  .requiredOption('--out <dir>', 'folder for one run per fold (fold-N/) and cv.json')
  .option('--folds <scheme>', 'loso (leave one speaker out) | ravdess6 (the six RAVDESS actor folds) | <k> speaker groups', 'loso')
  .option('--preset <name>', "the network's preset (default: the recipe's)")
  .option('--profile <name>', "the network's training profile (paper, small-data, …); default the network's")
  .option('--config <file>', 'JSON training overrides, as for mer train')
  .option('--epochs <n>', 'number of epochs', wholeNumber(1))
  .option('--members <n>', 'networks per fold (classification): member m selects its epoch on the training speakers m folds after the held-out ones; the held-out speakers get their mean class probabilities (default 1)', wholeNumber(1))
  .option('--utterance', 'late-fuse the features\' utterance stream (mer extract --stream utterance=speech-functionals) into each fold\'s network, as mer train --utterance')
  .option('--overwrite', 'start over when --out holds folds run with other settings (without it they are refused; with the same settings finished folds are reused)')
  .addOption(new Option('--estimator <kind>', "network (default: the features' network, trained by gradient descent) | kernel (RBF kernel ridge on an utterance-level stream such as audio=speech-functionals, speakers standardised, γ and λ by inner leave-one-speaker-out on the training speakers)").choices(['network', 'kernel']))
  .option('--json', 'one JSON line per fold, then the summary')
  .addHelpText('after', '\nEach fold: its speakers are held out, the next fold\'s speakers select the epoch, the rest train.\n\nExample:\n  $ mer cv --features feats-emodb --out cv-emodb --folds loso --preset lite\n  $ mer cv --features feats-functionals --out cv-kernel --estimator kernel   # features from --stream audio=speech-functionals')
  .action(cvCommand);

program
  .command('eval')
  .description("A run's metrics on one split: CCC/PCC/RMSE (ABAW pooling) or accuracy/F1/UAR/confusion matrix")
  .requiredOption('--run <dir>', 'run folder')
  .option('--split <name>', 'train | validation | test', 'test')
  .option('--features <dir>', 'another features folder (default: the one the run was trained on)')
  .option('--json', 'machine-readable metrics')
  .addHelpText('after', '\nExample:\n  $ mer eval --run run --split test --json')
  .action(evalCommand);

program
  .command('predict')
  .description('Raw video in: per-frame CSV (frame,timestamp,face_x,face_y,face_w,face_h,face_score,success,valence,arousal) or per-clip class probabilities')
  .argument('<inputs...>', 'video files, folders or globs (quoted: "clips/*.mp4")')
  .option('--run <dir>', 'run folder (without one: mer analyze, the shipped pretrained expression model)')
  .option('--out <dir>', 'output folder (one CSV per file, and summary.csv over all)', 'predictions')
  .option('--recursive', "folders' subfolders too")
  .option('--face <which>', 'the person to follow: main (default) | largest | left | right')
  .option('--workers <n>', 'processes per video: 1 (default) or 2: decoding and BlazeFace in a second process while faces are embedded and audio and fusion run here (no gain measured on a 10 s clip since the face models run on ONNX Runtime)', wholeNumber(1, 2))
  .option('--plot', 'also write a VA timeline and circumplex (SVG) and an HTML report')
  .option('--abaw', 'also write the ABAW submission format (image_location,valence,arousal)')
  .option('--speaker <name>', 'a network trained per speaker: every input is this one speaker, standardised with the statistics of all of them (default: speakers read from the file names by the run\'s dataset; a file of an unknown speaker is standardised by itself, and summary.csv\'s standardised column says so)')
  .option('--json', 'one JSON line per file')
  .addHelpText('after', '\nA file that fails is reported (stderr, summary.csv) and the rest go on; the exit code is then 1.\n\nExample:\n  $ mer predict --run run --plot --out preds talk.mp4 "clips/*.mp4"')
  .action(predictCommand);

program
  .command('live')
  .description('Real time in your browser: webcam and microphone → face box, the 7 expression probabilities, valence/arousal, speech, loudness and F0, a 30 s timeline, CSV export in mer analyze\'s columns; media never leaves the browser')
  .option('--host <address>', 'interface to listen on (default 127.0.0.1: this machine only)')
  .option('--port <n>', 'port (default 8790; 0: any free one)', wholeNumber(0, 65535))
  .option('--open', 'open the page in the default browser')
  .option('--threads', 'send cross-origin-isolation headers so the page\'s wasm runtimes use threads: ONNX Runtime Web up to 4, tfjs-wasm half the logical cores (with fewer than 4 it keeps one thread and mer\'s kernels)')
  .option('--run <dir>', 'a trained run: speech-kernel scores each utterance heard; AVT-CA (--preset lite or features) the last 3.6 s of camera and microphone every 1.2 s; MAVEN and TCN-fusion (lite or features) valence/arousal of the frames every 0.5 s; one speaker standardised over all of them as mer predict does')
  .addHelpText('after', '\nThe page runs the models itself (WebGPU when the browser has a hardware adapter, else WebAssembly; ?backend=wasm|webgpu forces one).\n\nExamples:\n  $ mer live\n  $ mer live --port 9000 --open\n  $ mer live --run runs/speech')
  .action(liveCommand);

program
  .command('datasets')
  .description('List the registered datasets (built in, and those --dataset-module registers): name, what is read, labels, the split they come with, their folds')
  .option('--json', 'machine-readable output')
  .addHelpText('after', '\nExamples:\n  $ mer datasets\n  $ mer --dataset-module my-dataset.js datasets')
  .action(datasetsCommand);

program
  .command('extractors')
  .description('List the registered feature extractors (built in, and those --extractor registers): kind, modality, timings, width; --stream <stream>=<kind> picks one for a stream')
  .option('--json', 'machine-readable output')
  .addHelpText('after', '\nExamples:\n  $ mer extractors\n  $ mer --extractor my-extractor.js extract --pipeline avt-ca --dataset emodb:/data/emodb --stream audio=my-kind --out feats')
  .action(extractorsCommand);

program
  .command('info')
  .alias('doctor')
  .description('Show the tensor backend mer would use, the GPU adapter it found, and why each other candidate was not taken')
  .option('--json', 'machine-readable output')
  .addHelpText('after', '\nExamples:\n  $ mer info\n  $ MER_BACKEND=wasm mer info\n  $ mer --backend webgpu doctor')
  .action(async (opts: { json?: boolean }) => runInfo(Boolean(opts.json)));

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`mer: ${e instanceof Error ? e.message : String(e)}`);
  if (process.env.MER_DEBUG && e instanceof Error) console.error(e.stack);
  process.exit(1);
});
