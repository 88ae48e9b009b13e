/** Pure formatting shared by the adaptive panel and `npm run binarization` (no React). */

/** A pass rate in whole percent, but never "100%" (or "0%") for a rate that is not exactly that: 199 of 200 is 99.5%. */
export function passRate(a: { passed: number; valid: number }): string {
  const r = a.valid ? (100 * a.passed) / a.valid : 0;
  const whole = Math.round(r);
  return `${(whole === 100 && a.passed < a.valid) || (whole === 0 && a.passed > 0) ? r.toFixed(1) : whole}%`;
}
