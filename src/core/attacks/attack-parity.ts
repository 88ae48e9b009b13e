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
 * with small budgets. `small`: a few steps each, for software WebGL/WebGPU (~10 ms per kernel call there).
 */
export function attackParityCases(budget: 'paper' | 'small' = 'paper'): AttackParityCase[] {
  const s = (paper: number, small: number) => (budget === 'paper' ? paper : small);
  return [
    { key: 'ifgsm', attack: 'ifgsm', options: { epsilon: s(0.01, 0.2), steps: s(40, 6) } },
    { key: 'deepfool-l2', attack: 'deepfool-l2', options: { steps: s(40, 6), stepRule: 'paper', overshoot: 0.02, candidates: null } },
    { key: 'deepfool-linf', attack: 'deepfool-linf', options: { steps: s(40, 6), stepRule: 'paper', overshoot: 0.02, candidates: null } },
    { key: 'pgd', attack: 'pgd', options: { epsilon: s(0.3, 1.2), stepSize: s(0.05, 0.4), steps: s(10, 4), randomStart: true, seed: 3 } },
    { key: 'trust-region-l2', attack: 'trust-region-l2', options: { steps: s(50, 10), radius: s(0.1, 1), overshoot: 0.02, adaptiveRadius: false } },
  ];
}

/** One attack's per-image outcome: ρ in the attack's own norm. */
export interface AttackRun {
  key: string;
  iterations: number[];
  success: number[];
  rho: number[];
}

export async function runAttackCases(classifier: Classifier, x: tf.Tensor4D, labels: ArrayLike<number>, cases: readonly AttackParityCase[] = attackParityCases()): Promise<AttackRun[]> {
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
  /** Images the reference run fooled (a case that fools none checks little). */
  fooled: number;
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
      fooled: ref.success.reduce((a, v) => a + v, 0),
    };
    return { ...row, ok: row.iterationsDiffer.length === 0 && row.successDiffer.length === 0 && row.meanRhoRelError <= tolerance };
  });
}
