import type { NetworkRecipe, Task } from '@mer/training';
import { classificationTask } from './classification-task';
import { multiLabelTask } from './multilabel-task';
import type { TaskDefinition } from './task-definition';
import { vaTask } from './va-task';

/** The three built-in tasks, in order. */
export const BUILT_IN_TASKS: readonly TaskDefinition[] = [classificationTask, vaTask, multiLabelTask];

/** The task a network trains when none is named, by its output. */
const DEFAULT_TASKS: Record<Task, string> = { va: 'va', classification: 'classification' };

const tasks = new Map<string, TaskDefinition>(BUILT_IN_TASKS.map((t) => [t.name, t]));

/**
 * Makes a task available by its name (pipelines' `task` option, pipeline.json). Registering a user's
 * name again replaces it; the built-in names stay theirs.
 */
export function registerTask(task: TaskDefinition): void {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(task.name)) throw new Error(`task name '${task.name}': use lower-case letters, digits and '-'`);
  if (BUILT_IN_TASKS.some((t) => t.name === task.name)) throw new Error(`task '${task.name}' is built in; register yours under another name`);
  tasks.set(task.name, task);
}

/** The registered task called `name`, or an error listing the registered ones. */
export function getTask(name: string): TaskDefinition {
  const t = tasks.get(name);
  if (!t) throw new Error(`unknown task '${name}' (registered: ${taskNames().join(', ')})`);
  return t;
}

/** Names of the registered tasks, built-in first. */
export function taskNames(): string[] {
  return [...tasks.keys()];
}

/**
 * The task a pipeline of `recipe` learns: the one named (`task`, as pipeline.json records a user's),
 * multi-label when `multiLabel` (items.json, pipeline.json), else the network's own. A task whose
 * network output differs from the recipe's is an error naming both.
 */
export function taskFor(recipe: Pick<NetworkRecipe, 'name' | 'task'>, options: { task?: string; multiLabel?: boolean } = {}): TaskDefinition {
  const task = getTask(options.task ?? (options.multiLabel ? multiLabelTask.name : DEFAULT_TASKS[recipe.task]));
  if (task.network !== recipe.task) throw new Error(`${recipe.name}: ${task.mismatch ?? `the '${task.name}' task needs a ${task.network} network`} (this one's task is ${recipe.task})`);
  return task;
}

/** What pipeline.json records of a run's task: nothing for the network's own, else the task's fields (`multiLabel: true`) or its name. */
export function taskManifest(task: TaskDefinition, recipe: Pick<NetworkRecipe, 'task'>): Record<string, unknown> {
  if (task.name === DEFAULT_TASKS[recipe.task]) return {};
  return task.manifest ?? { task: task.name };
}

/** Whether a network of `recipe` can learn the task called `name` (its output is the one the task trains). */
export function canLearn(recipe: Pick<NetworkRecipe, 'task'>, name: string): boolean {
  return getTask(name).network === recipe.task;
}
