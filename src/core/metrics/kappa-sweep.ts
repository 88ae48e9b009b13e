/**
 * The trade-off of Figure 4: clean accuracy and the mean minimal DeepFool perturbation ρ as functions
 * of κ (white-box: each κ attacked directly). Paper grids: MNIST κ ∈ {0, 0.5, 1, 1.5}; AlexLike 0–0.8.
 */
import type { KappaSetting } from './classifier-from-retrofit';
import type { ExperimentOptions, ExperimentSubject } from './experiment';
import type { TableProtocol } from './paper-protocol';
import { robustnessTable } from './robustness-table';

export interface SweepPoint {
  kappa: KappaSetting;
  clean: number;
  /** Mean ρ per column (DF∞ in L∞, DF2 in L2 by default). */
  rho: Record<string, number>;
  /** Adversarial accuracy per column (should be ≈ 0: the minimal perturbation fools nearly all). */
  accuracy: Record<string, number>;
  /** Fool rate per column (fool-rate.ts): ρ is only meaningful where it is ≈ 1. */
  foolRate: Record<string, number>;
}

export async function kappaSweep(
  subject: ExperimentSubject,
  kappas: KappaSetting[],
  protocol: TableProtocol,
  options: ExperimentOptions = {},
): Promise<SweepPoint[]> {
  // Only the DeepFool columns, as in the figure, unless the caller passes other columns explicitly.
  const columns = protocol.filter((c) => c.attack.startsWith('deepfool'));
  const table = await robustnessTable(subject, kappas, columns.length ? columns : protocol, { ...options, grayBox: false });
  return table.whiteBox.map((row) => ({
    kappa: row.kappa,
    clean: row.clean,
    rho: Object.fromEntries(Object.entries(row.cells).map(([k, c]) => [k, c.rho])),
    accuracy: Object.fromEntries(Object.entries(row.cells).map(([k, c]) => [k, c.accuracy])),
    foolRate: Object.fromEntries(Object.entries(row.cells).map(([k, c]) => [k, c.foolRate])),
  }));
}
