export { runDemo } from './commands/demo';
export type { DemoOptions, DemoResult } from './commands/demo';
export { makeSyntheticVa } from './commands/synthetic-va';
export type { SyntheticVa } from './commands/synthetic-va';
