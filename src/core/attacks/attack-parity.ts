/**
 * Backend parity of whole attacks: the same attacks on the same images must give the same per-image
 * iterations and success, and the same ρ (within 1e-5 relative), on every backend. The kernel parity
 * table checks single ops; this checks that their float32 differences never change an attack's course
 * (tie routing and the sign of tiny gradients once did). Run by Vitest (cpu against wasm) and by the
 * diagnostics page (webgl, webgpu against cpu in the same page; asserted in e2e).
 */
import type { Classifier } from '../models/classifier';
import * as tf from '@tensorflow/tfjs';
import { getAttack, runAnyAttack, type AttackId } from './index';

export interface AttackParityCase {
  key: string;
  attack: AttackId;
  options: Record<string, unknown>;
}

/**
 * The paper's attacks at its MNIST settings (IFGSM, DeepFool L2/L∞, 40 steps), Madry PGD and Trust Region
 * with small budgets (the cases must stay cheap on software WebGL/WebGPU).
 */
export const ATTACK_PARITY_CASES: readonly AttackParityCase[] = [
  { key: 'ifgsm', attack: 'ifgsm', options: { epsilon: 0.01, steps: 40 } },
  { key: 'deepfool-l2', attack: 'deepfool-l2', options: { steps: 40, stepRule: 'paper', overshoot: 0.02, candidates: null } },
  { key: 'deepfool-linf', attack: 'deepfool-linf', options: { steps: 40, stepRule: 'paper', overshoot: 0.02, candidates: null } },
  { key: 'pgd', attack: 'pgd', options: { epsilon: 0.3, stepSize: 0.05, steps: 10, randomStart: true, seed: 3 } },
  { key: 'trust-region-l2', attack: 'trust-region-l2', options: { steps: 50, radius: 0.1, overshoot: 0.02, adaptiveRadius: false } },
];

/** One attack's per-image outcome: ρ in the attack's own norm. */
export interface AttackRun {
  key: string;
  iterations: number[];
  success: number[];
  rho: number[];
}

export async function runAttackCases(classifier: Classifier, x: tf.Tensor4D, labels: ArrayLike<number>, cases: readonly AttackParityCase[] = ATTACK_PARITY_CASES): Promise<AttackRun[]> {
  const runs: AttackRun[] = [];
  for (const c of cases) {
    const attack = getAttack(c.attack);
    const r = await runAnyAttack(attack, classifier, x, labels, { ...c.options, clip: 'paper' });
    r.adversarial.dispose();
    runs.push({ key: c.key, iterations: Array.from(r.iterations), success: Array.from(r.success), rho: Array.from(attack.distance === 'l2' ? r.rhoL2 : r.rhoLinf) });
  }
  return runs;
}

export interface AttackParityRow {
  key: string;
  /** Images whose iteration count or success differs from the reference run. */
  iterationsDiffer: number[];
  successDiffer: number[];
  /** |mean ρ − reference mean ρ| / reference mean ρ, and the largest per-image |Δρ| / mean ρ. */
  meanRhoRelError: number;
  maxImageRhoRelError: number;
  ok: boolean;
}

export function compareAttackRuns(reference: readonly AttackRun[], other: readonly AttackRun[], tolerance = 1e-5): AttackParityRow[] {
  return reference.map((ref) => {
    const o = other.find((r) => r.key === ref.key);
    if (!o || o.rho.length !== ref.rho.length) throw new Error(`attack parity: no comparable run for ${ref.key}`);
    const differ = (a: number[], b: number[]) => a.flatMap((v, i) => (v === b[i] ? [] : [i]));
    const mean = (v: number[]) => v.reduce((s, t) => s + t, 0) / Math.max(v.length, 1);
    const scale = Math.max(mean(ref.rho), 1e-12);
    const row = {
      key: ref.key,
      iterationsDiffer: differ(ref.iterations, o.iterations),
      successDiffer: differ(ref.success, o.success),
      meanRhoRelError: Math.abs(mean(o.rho) - mean(ref.rho)) / scale,
      maxImageRhoRelError: Math.max(0, ...ref.rho.map((v, i) => Math.abs(o.rho[i] - v) / scale)),
    };
    return { ...row, ok: row.iterationsDiffer.length === 0 && row.successDiffer.length === 0 && row.meanRhoRelError <= tolerance };
  });
}
