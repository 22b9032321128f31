import type { Task } from '@mer/training';
import type { PipelineItem } from './pipeline-types';

/**
 * Every item carries the labels its task needs: per-frame valence/arousal, a class index in range, or
 * a multi-label vector of 0/1 per class; the error names the file and what was expected.
 */
export function checkItemLabels(items: readonly PipelineItem[], task: Task, classes: readonly string[] | undefined, multiLabel: boolean): void {
  for (const item of items) {
    if (task === 'va' && !item.frameLabels) throw new Error(`${item.file}: item '${item.id}' has no per-frame valence/arousal labels`);
    if (task === 'classification' && multiLabel) {
      const t = item.multiLabel;
      if (!t || t.length !== classes!.length || t.some((v) => v !== 0 && v !== 1)) {
        throw new Error(`${item.file}: item '${item.id}' needs a multi-label target of ${classes!.length} values in {0, 1} (${classes!.join(', ')}), got ${t ? `[${Array.from(t).join(', ')}]` : 'none'}`);
      }
    } else if (task === 'classification') {
      const k = classes!.length;
      if (item.classLabel === undefined || !Number.isInteger(item.classLabel) || item.classLabel < 0 || item.classLabel >= k) {
        throw new Error(`${item.file}: item '${item.id}' has class label ${item.classLabel}, expected 0..${k - 1} (${classes!.join(', ')})`);
      }
    }
  }
}
