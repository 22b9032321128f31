export { extractCommand, trainCommand, evalCommand, predictCommand, demoCommand, checkPipeline } from './commands/pipeline-commands';
export { Progress } from './commands/progress';
