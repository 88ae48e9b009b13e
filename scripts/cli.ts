import { readFileSync } from 'node:fs';
import { wasmHeapExhausted } from '../src/core/models/batch-budget';

/** The scripts' one way to refuse bad arguments: a message naming the command, exit code 2. */
export type Fail = (message: string) => never;

/** Declare the result with its type (`const fail: Fail = failer('reproduce')`) so TypeScript narrows after a call. */
export function failer(command: string): Fail {
  return (message) => {
    console.error(`${command}: ${message}`);
    process.exit(2);
  };
}

/** A numeric option: `fallback` when absent; anything else that is not a (whole) number is refused by name. */
export function numberOption(fail: Fail) {
  return (name: string, value: string | undefined, fallback: number, integer = false): number => {
    if (value === undefined) return fallback;
    const v = Number(value);
    if (!Number.isFinite(v) || (integer && !Number.isInteger(v))) fail(`--${name} must be a${integer ? 'n integer' : ' number'}, got "${value}"`);
    return v;
  };
}

/** The JSON file an option names, or a refusal naming the option, the file and why (`hint` appended). */
export function readJsonOption(fail: Fail, option: string, path: string, hint = ''): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    return fail(`--${option} ${path}: cannot read it as JSON (${(e as Error).message})${hint}`);
  }
}

/**
 * Runs a script's main: an error ends it with one line naming the command and the cause (a missing model
 * file, a refused option), exit code 1; the stack only with DEBUG set, for whoever debugs the script.
 */
export function runMain(command: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    const raw = err instanceof Error ? err : new Error(String(err));
    const e = wasmHeapExhausted(raw, 'lower --batch') ?? raw;
    console.error(`${command}: ${process.env.DEBUG ? (raw.stack ?? raw.message) : e.message}`);
    process.exit(1);
  });
}
