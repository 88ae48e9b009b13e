/** Runtime checks for option values (types stop wrong keys at compile time; values come from URLs and sliders). */

export function checkNonNegative(id: string, name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new Error(`${id}: ${name} must be a finite number ≥ 0, got ${String(value)}`);
  }
}

export function checkPositive(id: string, name: string, value: number): void {
  checkNonNegative(id, name, value);
  if (value === 0) throw new Error(`${id}: ${name} must be > 0`);
}

export function checkIterations(id: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new Error(`${id}: ${name} must be an integer ≥ 0, got ${String(value)}`);
}
