export { trainCommand, evalCommand, predictCommand, demoCommand, checkPipeline } from './commands/pipeline-commands';
export { extractCommand } from './commands/extract-command';
export { mergeCommand } from './commands/merge-command';
export { Progress } from './commands/progress';
