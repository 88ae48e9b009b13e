/** What to tell the user when a κ from a link is not the κ the model can use. */
export interface KappaRange { min: number; max: number; step: number }

/** null when `used` is `wanted`; otherwise says whether κ was clamped into the range or rounded to the step. */
export function kappaAdjustedNotice(wanted: number, used: number, range: KappaRange): string | null {
  if (Math.abs(wanted - used) <= 1e-9) return null;
  if (wanted >= range.min && wanted <= range.max) {
    return `κ = ${wanted} is between this model's κ steps (every ${range.step} from ${range.min} to ${range.max}); rounded to κ = ${used}.`;
  }
  return `κ = ${wanted} is outside this model's range ${range.min}–${range.max}; using κ = ${used}.`;
}
