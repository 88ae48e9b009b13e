/**
 * APGD-T — Croce & Hein, "Reliable evaluation of adversarial robustness with an ensemble of diverse
 * parameter-free attacks", ICML 2020, arXiv:2003.01690: AutoAttack's second attack. Distance: L∞
 * (`apgdTLinf`) or L2 (`apgdTL2`). Fixed-ε attack; gradient-based (every gradient mode; EOT via
 * `eotSamples`).
 *
 * The APGD loop (apgd-core.ts) on the targeted DLR loss −(z_y − z_t)/(z_π1 − (z_π3 + z_π4)/2), which is
 * invariant to shifting and rescaling the logits (so a model cannot hide behind saturated softmax). An
 * untargeted run tries each of the `targetClasses` strongest other classes in turn (AutoAttack: 9), each
 * on the images not fooled yet; success still means "any wrong class", as in AutoAttack. A targeted run
 * (goal.ts) makes one run towards the given class. Needs at least 3 classes (3: z_π3 stands in for z_π4).
 */
import { apgdMetas, APGD_L2_DEFAULTS, APGD_LINF_DEFAULTS } from './apgd-ce';
import { runApgd, type ApgdOptions } from './apgd-core';
import { paramSpecs, type ParamMetas } from './params';
import type { Distance, FixedEpsilonAttack } from './types';

export interface ApgdTOptions extends ApgdOptions {
  targetClasses: number;
}

/** Target classes per image, strongest first. AutoAttack's standard version: 9 (all others on 10 classes). */
const TARGET_CLASSES = 9;

export const APGD_T_LINF_DEFAULTS = { ...APGD_LINF_DEFAULTS, targetClasses: TARGET_CLASSES } as const satisfies ApgdTOptions;
export const APGD_T_L2_DEFAULTS = { ...APGD_L2_DEFAULTS, targetClasses: TARGET_CLASSES } as const satisfies ApgdTOptions;

const metas = (distance: Distance): ParamMetas<ApgdTOptions> => ({
  ...apgdMetas(distance),
  targetClasses: { label: 'Target classes', kind: 'integer', min: 1, max: 99, step: 1, doc: 'One run per target, the strongest other classes first; AutoAttack: 9' },
});

export const APGD_T_LINF_PARAMS = paramSpecs(APGD_T_LINF_DEFAULTS, metas('linf'));
export const APGD_T_L2_PARAMS = paramSpecs(APGD_T_L2_DEFAULTS, metas('l2'));

function makeApgdT(distance: Distance): FixedEpsilonAttack<ApgdTOptions> {
  const id = distance === 'linf' ? 'apgd-t-linf' : 'apgd-t-l2';
  return {
    id,
    name: distance === 'linf' ? 'APGD-T L∞' : 'APGD-T L2',
    kind: 'fixed-epsilon',
    distance,
    summary: 'AutoAttack\'s targeted APGD on the scale-free DLR loss: one run towards each of the 9 most likely wrong classes in turn.',
    defaults: distance === 'linf' ? APGD_T_LINF_DEFAULTS : APGD_T_L2_DEFAULTS,
    targeted: true,
    params: distance === 'linf' ? APGD_T_LINF_PARAMS : APGD_T_L2_PARAMS,
    async run(ctx, x, labels, { targetClasses, ...options }) {
      const { adversarial, ...record } = await runApgd(ctx, id, distance, x, labels, options, 'dlr-targeted', targetClasses);
      return { adversarial, iterations: record.iterations, record };
    },
  };
}

export const apgdTLinf = makeApgdT('linf');
export const apgdTL2 = makeApgdT('l2');
