import { resolveRecipe } from '../network-registry';
import { getTask, taskFor, taskManifest, taskNames } from './task-registry';

describe('task registry', () => {
  const avt = resolveRecipe('avt-ca');
  const maven = resolveRecipe('maven');

  it("gives a network its own task, multi-label where items.json or pipeline.json says so, or the one named", () => {
    expect(taskNames()).toEqual(['classification', 'va', 'multilabel']);
    expect(taskFor(avt).name).toBe('classification');
    expect(taskFor(maven).name).toBe('va');
    // pipeline.json of a multi-label run (written before tasks were objects, and now): { multiLabel: true }.
    expect(taskFor(avt, { multiLabel: true }).name).toBe('multilabel');
    expect(taskFor(avt, { task: 'multilabel' })).toBe(getTask('multilabel'));
    expect(() => taskFor(maven, { multiLabel: true })).toThrow("maven: multi-label targets need a classification network (this one's task is va)");
    expect(() => taskFor(avt, { task: 'va' })).toThrow("avt-ca: the 'va' task needs a va network (this one's task is classification)");
  });

  it('records in pipeline.json only what differs from the network’s own task, as earlier runs did', () => {
    expect(taskManifest(getTask('classification'), avt)).toEqual({});
    expect(taskManifest(getTask('va'), maven)).toEqual({});
    expect(taskManifest(getTask('multilabel'), avt)).toEqual({ multiLabel: true });
  });

  it('names each task’s selection metric and direction', () => {
    expect(taskNames().map((n) => [n, getTask(n).selection.metric, getTask(n).selection.direction])).toEqual([
      ['classification', 'macro-F1', 'max'],
      ['va', 'CCC', 'max'],
      ['multilabel', 'mean F1', 'max'],
    ]);
  });
});
