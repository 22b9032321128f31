import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '@mer/media';
import type { CommitteeMember, CommitteeRecord } from './committee-record';
import { committeeCombine } from './committee-model';
import { readManifest, writeManifest } from './pipeline-manifest';
import { resolveRecipe } from './network-registry';
import { holdsCheckpoint, holdsRun } from './run-folders';
import type { Selection } from './selection';
import { taskFor } from './tasks/task-registry';
import type { EpochRecord } from './trainer';
import { trainingConfig } from './training-config';
import { readFeatureIndex, trainRun } from './workflow';

/** `<run>/committee.json`: what a committee was started with, so `--resume` continues it as it was. */
interface CommitteeStart {
  members: number;
  /** Member k's seed is `seed + k − 1`. */
  seed: number;
  /** What every member trains with (as the first call gave it): a resumed committee's later members train the same. */
  setup?: CommitteeSetup;
}

/** The options that make the members alike; `--resume` keeps them (more epochs excepted) and refuses others. */
type CommitteeSetup = Pick<TrainCommitteeOptions, 'preset' | 'profile' | 'training' | 'model' | 'utterance' | 'select' | 'fold'>;

function setupOf(o: TrainCommitteeOptions): CommitteeSetup {
  return JSON.parse(JSON.stringify({ preset: o.preset, profile: o.profile, training: o.training, model: o.model, utterance: o.utterance, select: o.select, fold: o.fold })) as CommitteeSetup;
}

/**
 * The setup a resumed committee continues with: the recorded one, where the call's named options agree
 * with it (a call that names none takes it whole); a longer `training.epochs` is honoured.
 */
function resumedSetup(out: string, recorded: CommitteeSetup, call: CommitteeSetup): CommitteeSetup {
  const { epochs, ...callTraining } = call.training ?? {};
  const { epochs: recordedEpochs, ...recordedTraining } = recorded.training ?? {};
  const differs: string[] = [];
  for (const key of ['preset', 'profile', 'model', 'utterance', 'select', 'fold'] as const) {
    if (call[key] !== undefined && JSON.stringify(call[key]) !== JSON.stringify(recorded[key])) differs.push(key);
  }
  if (Object.keys(callTraining).length > 0 && JSON.stringify(callTraining) !== JSON.stringify(recordedTraining)) differs.push('training');
  if (differs.length > 0) throw new Error(`${out}: the committee was started with other ${differs.join(', ')} (committee.json); resume it with its own settings (or none), or start it again with --overwrite`);
  return { ...recorded, training: { ...recorded.training, ...(epochs !== undefined ? { epochs } : recordedEpochs !== undefined ? { epochs: recordedEpochs } : {}) } };
}

export type TrainCommitteeOptions = Parameters<typeof trainRun>[0] & {
  /** Networks in the committee (≥ 2; one network is `trainRun`). */
  members: number;
  /** Before each member: 'new', 'resumed' (from its checkpoint) or 'done' (trained before a stop). */
  onMember?: (member: number, of: number, how: 'new' | 'resumed' | 'done') => void;
};

/**
 * `mer train --members M`: M networks on the same training items, member k holding out other training
 * speakers to select its epoch (`memberValidationSplit`) with seed + k − 1, each a run of its own in
 * `<out>/members/<k>`. `<out>/pipeline.json` records the committee (each member's selection);
 * `loadPipeline(out)` averages the members (class probabilities, or valence/arousal). A stopped
 * committee resumes (`resume`) at the member where it stopped, that member from its checkpoint.
 */
export async function trainCommittee(options: TrainCommitteeOptions): Promise<{ history: EpochRecord[]; pipeline: string; selection: Selection; committee: CommitteeRecord }> {
  if (options.overwrite && options.resume) throw new Error('--resume and --overwrite exclude each other');
  const { members: M, onMember, ...single } = options;
  if (!Number.isInteger(M) || M < 2) throw new Error(`--members: a committee needs 2 or more networks, got ${M} (1 is an ordinary run)`);
  const out = options.out;
  const startFile = path.join(out, 'committee.json');
  const index = readFeatureIndex(options.features);
  const recipe = resolveRecipe(index.pipeline);
  let start: CommitteeStart;
  if (options.resume) {
    if (!fs.existsSync(startFile)) throw new Error(`${out}: no committee to resume (no committee.json); start it without --resume`);
    start = JSON.parse(fs.readFileSync(startFile, 'utf8')) as CommitteeStart;
    if (start.members !== M) throw new Error(`${out}: the committee was started with ${start.members} members, not ${M}; resume it with --members ${start.members}`);
    if (start.setup) Object.assign(single, resumedSetup(out, start.setup, setupOf(options)));
  } else {
    if ((holdsRun(out) || fs.existsSync(startFile) || fs.existsSync(path.join(out, 'members'))) && !options.overwrite) throw new Error(`${out} already holds a run; continue it with --resume, replace it with --overwrite, or use another --out`);
    for (const e of ['committee.json', 'members', 'pipeline.json', 'source.json']) fs.rmSync(path.join(out, e), { recursive: true, force: true });
    // Checked before anything trains: the task's outputs must have a mean.
    committeeCombine(taskFor(recipe, { multiLabel: index.multiLabel }));
    start = { members: M, seed: trainingConfig(recipe, options.training, options.profile).seed, setup: setupOf(options) };
    fs.mkdirSync(out, { recursive: true });
    writeFileAtomic(startFile, JSON.stringify(start, null, 2));
  }
  const trained: CommitteeMember[] = [];
  let history: EpochRecord[] = [];
  for (let k = 1; k <= M; k++) {
    const run = path.join('members', String(k));
    const dir = path.join(out, run);
    const doneFile = path.join(dir, 'member.json');
    if (fs.existsSync(doneFile)) {
      trained.push(JSON.parse(fs.readFileSync(doneFile, 'utf8')) as CommitteeMember);
      onMember?.(k, M, 'done');
      continue;
    }
    const resume = Boolean(options.resume) && holdsCheckpoint(dir);
    onMember?.(k, M, resume ? 'resumed' : 'new');
    const seed = start.seed + k - 1;
    const r = await trainRun({ ...single, out: dir, resume, overwrite: !resume, training: { ...single.training, seed }, member: k - 1 });
    history = r.history;
    const best = r.history.filter((h) => h.best).pop();
    const member: CommitteeMember = { member: k, run, seed, selection: r.selection, epochs: r.history.length ? r.history[r.history.length - 1].epoch : 0, bestEpoch: best?.epoch, innerScore: best?.validationScore };
    writeFileAtomic(doneFile, JSON.stringify(member, null, 2));
    trained.push(member);
    writeCommitteeManifest(out, M, trained);
  }
  const committee = writeCommitteeManifest(out, M, trained);
  return { history, pipeline: index.pipeline, selection: trained[0].selection, committee };
}

/** `<out>/pipeline.json`: the first member's setup (streams, task, classes) with the committee's record; `source.json` as the members'. */
function writeCommitteeManifest(out: string, M: number, trained: CommitteeMember[]): CommitteeRecord {
  const first = path.join(out, trained[0].run);
  const m = readManifest(first);
  const recipe = resolveRecipe(m.pipeline);
  const committee: CommitteeRecord = { members: M, combine: committeeCombine(taskFor(recipe, m)), trained };
  writeManifest(out, { ...m, committee });
  writeFileAtomic(path.join(out, 'source.json'), fs.readFileSync(path.join(first, 'source.json')));
  return committee;
}
