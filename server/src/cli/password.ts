/**
 * Reading a password for `user create` / `user reset-password`. Never only from argv: the command line of a
 * process is visible to every user through `ps` and lands in shell history. `--password-stdin` reads it from
 * standard input (for scripts); otherwise we prompt on the terminal without echo, twice. `--password` exists
 * for throw-away demos and is documented as unsafe.
 */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { UsageError } from '../ops/command.js';

const MAX_STDIN_BYTES = 4096;

export async function readPassword(options: { password?: string; passwordStdin?: boolean }): Promise<string> {
  if (options.password !== undefined && options.passwordStdin) {
    throw new UsageError('use either --password or --password-stdin, not both');
  }
  if (options.password !== undefined) return options.password;
  if (options.passwordStdin) return readStdin();
  if (!process.stdin.isTTY) {
    throw new UsageError('no password given: pass it on standard input with --password-stdin (or run in a terminal to be prompted)');
  }
  const first = await prompt('New password: ');
  const second = await prompt('Repeat it: ');
  if (first !== second) throw new UsageError('the two passwords differ');
  return first;
}

async function readStdin(): Promise<string> {
  let data = '';
  for await (const chunk of process.stdin) {
    data += String(chunk);
    if (Buffer.byteLength(data) > MAX_STDIN_BYTES) throw new UsageError('the password on standard input is too long');
  }
  // One trailing newline is what `echo` and here-strings add; it is not part of the password.
  const value = data.replace(/\r?\n$/, '');
  if (value.length === 0) throw new UsageError('the password on standard input is empty');
  return value;
}

async function prompt(question: string): Promise<string> {
  let muted = false;
  const output = new Writable({
    write(chunk, _encoding, callback) {
      if (!muted) process.stderr.write(chunk);
      callback();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  try {
    const answer = new Promise<string>((resolve) => rl.question(question, resolve));
    muted = true;
    const value = await answer;
    process.stderr.write('\n');
    return value;
  } finally {
    rl.close();
  }
}
