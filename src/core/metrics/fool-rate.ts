/**
 * The fool rate, one definition for every table, chart and bench: the share of the attacked images (those
 * the model classified correctly, `skipped` false) whose adversarial it misclassifies. NaN when none was
 * attacked. A minimal perturbation's ρ is only meaningful where this is ≈ 1.
 */
export function foolRate(fooled: ArrayLike<number | boolean>, skipped: ArrayLike<number | boolean>): number {
  let attacked = 0;
  let count = 0;
  for (let i = 0; i < skipped.length; i++) {
    if (skipped[i]) continue;
    attacked++;
    if (fooled[i]) count++;
  }
  return attacked ? count / attacked : NaN;
}
