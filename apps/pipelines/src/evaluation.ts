import type { PipelineItem, PipelineMetrics } from './pipeline-types';
import type { TaskDefinition, TaskMetrics } from './tasks/task-definition';
import { getTask } from './tasks/task-registry';

/**
 * Metrics of clip scores ([items, classes], as `Pipeline.scores` gives them, e.g. a committee's mean)
 * as the task reads them (default single-label classification: confusion-matrix metrics).
 */
export function clipMetrics(items: readonly PipelineItem[], scores: Float32Array, options: { classes: readonly string[]; task?: TaskDefinition }): PipelineMetrics {
  const task = options.task ?? getTask('classification');
  const k = options.classes.length;
  if (scores.length !== items.length * k) throw new Error(`clipMetrics: ${scores.length} scores for ${items.length} items × ${k} classes`);
  if (!task.clip) throw new Error(`clipMetrics: the '${task.name}' task does not score clips`);
  return task.clip.metrics(items, scores, options.classes) as PipelineMetrics;
}

/** Plain-number summary of metrics for logs and JSON output, as their task gives it. */
export function summariseMetrics(m: TaskMetrics): Record<string, unknown> {
  return getTask(m.task).summary(m);
}

/** Metric rows for tables (a header row, then rows), as their task gives them. */
export function metricRows(m: TaskMetrics): (string | number)[][] {
  return getTask(m.task).metricRows(m);
}

/** The tables `mer eval` prints after the metrics (e.g. the confusion matrix), as their task gives them. */
export function metricDetails(m: TaskMetrics): { heading: string; rows: string[][] }[] {
  return getTask(m.task).details?.(m) ?? [];
}
