import { ChildProcessWithoutNullStreams, spawn, SpawnOptionsWithoutStdio } from 'node:child_process';
import * as readline from 'node:readline';

/** The prefix of a message line on a bench process's stdout; other lines are its own output. */
export const MESSAGE_PREFIX = '@@bench ';

export type BenchMessage = Record<string, unknown>;

/**
 * A long-lived benchmark process (a tfjs worker with one backend, the PyTorch peer) spoken to one
 * request at a time: a JSON line on its stdin, answered by one `@@bench <json>` line on its stdout.
 * Its first message says it is ready (or it exits). Its stderr (Dawn's driver warnings, tracebacks) is
 * kept, and its last lines are the reason given when it dies.
 */
export class BenchProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly messages: BenchMessage[] = [];
  private waiter: ((m: BenchMessage | Error) => void) | undefined;
  private readonly stderrTail: string[] = [];
  private exited: Error | undefined;

  constructor(command: string, args: string[], options: SpawnOptionsWithoutStdio = {}, echoStderr = false) {
    this.child = spawn(command, args, { ...options, stdio: 'pipe' });
    readline.createInterface({ input: this.child.stdout }).on('line', (line) => {
      if (!line.startsWith(MESSAGE_PREFIX)) return;
      this.deliver(JSON.parse(line.slice(MESSAGE_PREFIX.length)) as BenchMessage);
    });
    readline.createInterface({ input: this.child.stderr }).on('line', (line) => {
      if (echoStderr) process.stderr.write(`${line}\n`);
      this.stderrTail.push(line);
      if (this.stderrTail.length > 20) this.stderrTail.shift();
    });
    this.child.on('error', (e) => this.fail(e.message));
    this.child.on('exit', (code, signal) => this.fail(`exited (${signal ?? `code ${code}`})`));
  }

  /** The process's last stderr lines that say something (blank and stack-frame lines left out). */
  lastError(): string {
    const lines = this.stderrTail.map((l) => l.trim()).filter((l) => l && !l.startsWith('at ') && !l.startsWith('File "'));
    return lines.slice(-3).join(' | ');
  }

  private fail(what: string): void {
    if (this.exited) return;
    // readline may still hold the last stderr lines: give them a turn before the reason is read.
    setImmediate(() => {
      if (this.exited) return;
      const tail = this.lastError();
      this.exited = new Error(tail ? `${what}: ${tail}` : what);
      this.deliver(this.exited);
    });
  }

  private deliver(m: BenchMessage | Error): void {
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w(m);
    } else if (!(m instanceof Error)) this.messages.push(m);
  }

  /** The next message; rejects when the process has died. */
  next(): Promise<BenchMessage> {
    const queued = this.messages.shift();
    if (queued) return Promise.resolve(queued);
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      this.waiter = (m) => (m instanceof Error ? reject(m) : resolve(m));
    });
  }

  /** Sends one request and waits for its answer. */
  async request(message: BenchMessage): Promise<BenchMessage> {
    if (this.exited) throw this.exited;
    this.child.stdin.write(`${JSON.stringify(message)}\n`);
    return this.next();
  }

  get alive(): boolean {
    return this.exited === undefined;
  }

  /** Ends the process (stdin closed; killed if it is still there a moment later). */
  close(): void {
    if (!this.alive) return;
    this.child.stdin.end();
    setTimeout(() => this.child.kill(), 2000).unref();
  }
}
