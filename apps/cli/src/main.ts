import { Command } from 'commander';
import { runDemo } from './commands/demo';
import { runInfo } from './commands/info';

const program = new Command();
program
  .name('mer')
  .description('Multimodal emotion recognition: MAVEN, TCN-fusion and AVT-CA on one tfjs backend')
  .addHelpText('after', '\nExamples:\n  $ mer demo\n  $ MER_BACKEND=cpu mer info --json');

program
  .command('demo')
  .description('Offline smoke demo: train a dilated temporal conv net with AdamW + CCC loss on synthetic VA data')
  .option('--steps <n>', 'training steps', (v) => parseInt(v, 10), 150)
  .option('--seed <n>', 'random seed', (v) => parseInt(v, 10), 7)
  .option('--json', 'print the result as one JSON line')
  .addHelpText('after', '\nExample:\n  $ mer demo --steps 300 --json')
  .action(async (opts: { steps: number; seed: number; json?: boolean }) => {
    const result = await runDemo({ steps: opts.steps, seed: opts.seed, log: opts.json ? () => undefined : undefined });
    if (opts.json) console.log(JSON.stringify(result));
  });

program
  .command('info')
  .description('Show the tensor backend mer would use and why')
  .option('--json', 'machine-readable output')
  .addHelpText('after', '\nExample:\n  $ MER_BACKEND=wasm mer info')
  .action(async (opts: { json?: boolean }) => runInfo(Boolean(opts.json)));

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`mer: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
