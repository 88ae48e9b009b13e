/**
 * The paper's robustness measure (eq. 12): ρ_p = mean over test images of ‖x_adv − x‖_p / ‖x‖_p, in
 * normalised input space. Images already misclassified count with ρ = 0 (they need no perturbation);
 * images the attack failed on count with the perturbation it reached, as the authors' evaluation does.
 */
export function relativePerturbation(perImageRho: ArrayLike<number>): number {
  if (perImageRho.length === 0) return NaN;
  let sum = 0;
  for (let i = 0; i < perImageRho.length; i++) sum += perImageRho[i];
  return sum / perImageRho.length;
}
