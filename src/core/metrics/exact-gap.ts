/**
 * The exact minimal L∞ perturbation (training/exact_mip.py, a MILP per image, checked in TF.js by
 * scripts/exact-verify.ts) against what the attacks find: the `exact` section of public/reference/<id>.json,
 * per attack the gap to the truth ("how far above the truth": median and worst of ε_attack/ε_exact − 1), and
 * the verdict on κ: did the jump make the true minimal perturbation larger or smaller, on how many images, by
 * how much. No TF.js: the state layer and the panels can use it as it is.
 */

/** One image at one κ: the solver's outcome. `eps` only when solved to optimality (never a time-out's value). */
export interface ExactSolution {
  index: number;
  label: number;
  /** 'optimal' | 'timeout' | 'infeasible' | 'error' | 'no-upper-bound' | 'misclassified-clean'. */
  status: string;
  /** Pixel units [0, 1]: ‖x_adv − x‖∞ of the stored (float32) adversarial image. */
  eps: number | null;
  seconds: number | null;
  /** The attack's ε that capped the ball (PGD with bisection in PyTorch). */
  upperBound: number | null;
  unstable: number | null;
  /** The exact adversarial image, float32 little-endian, base64 (784 values for MNIST). */
  adversarial: string | null;
  /** TF.js: misclassified, 0.999× the perturbation is not, inside [0, 1]. null: nothing to verify. */
  verified: boolean | null;
  predicted?: number;
}

export interface ExactAttackRow {
  key: string;
  attack: string;
  gradientMode: string | null;
  /** Per image (same order as the solutions), pixel units, refined to the boundary; null: not fooled (or not attempted). */
  eps: (number | null)[];
  seconds: number | null;
  /**
   * Per image: whether the attack ran on it. Absent: on every image. A costly attack (APGD, bisected) runs
   * only on the images with a trusted exact ε; the others are neither fooled nor robust, just not compared.
   */
  attempted?: boolean[];
  /** How the ε was obtained when not by one run (APGD: bisection on its budget, the bracket and resolution). */
  method?: string;
}

export interface ExactRow {
  kappa: number;
  solutions: ExactSolution[];
  attacks: ExactAttackRow[];
}

export interface ExactSection {
  solver: { name: string; cbc: string; pulp: string };
  command: string;
  timeLimitSeconds: number;
  onMargin: number;
  logitMargin: number;
  gapRel: number;
  units: 'pixel';
  encoding: 'float32-base64';
  verification: { backend: string; tfjs: string; failures: number };
  attackClip: string | null;
  rows: ExactRow[];
}

/**
 * Two ε count as equal within this relative tolerance: the solver stops at a relative gap of 1e-4 and the
 * encoding's margins move ε by ~1e-5 of itself, so smaller differences say nothing about κ.
 */
export const SAME_EPS_TOLERANCE = 1e-3;

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const finiteOrNull = (v: unknown) => v === null || (typeof v === 'number' && Number.isFinite(v));

/** Checks the section's shape; a malformed one is an error that says where, never a silent wrong table. */
export function parseExactSection(raw: unknown): ExactSection {
  const bad = (where: string, what: string): never => { throw new Error(`exact section: ${where}: ${what}`); };
  if (!isObj(raw)) return bad('section', 'not an object');
  if (!isObj(raw.solver) || typeof raw.solver.name !== 'string') bad('solver', 'missing its name');
  if (raw.units !== 'pixel') bad('units', `expected "pixel", got ${JSON.stringify(raw.units)}`);
  if (!Array.isArray(raw.rows) || raw.rows.length === 0) bad('rows', 'missing or empty');
  (raw.rows as unknown[]).forEach((row, r) => {
    if (!isObj(row) || typeof row.kappa !== 'number' || !Number.isFinite(row.kappa) || row.kappa < 0) bad(`rows[${r}]`, 'κ must be a number ≥ 0');
    const sols = (row as Record<string, unknown>).solutions;
    if (!Array.isArray(sols)) return bad(`rows[${r}].solutions`, 'missing');
    sols.forEach((s: unknown, i) => {
      const at = `rows[${r}].solutions[${i}]`;
      if (!isObj(s) || !Number.isInteger(s.index) || typeof s.status !== 'string') bad(at, 'needs an integer index and a status');
      const sol = s as Record<string, unknown>;
      if (!finiteOrNull(sol.eps) || (typeof sol.eps === 'number' && sol.eps < 0)) bad(at, 'ε must be ≥ 0 or null');
      if (sol.status === 'optimal' && typeof sol.eps !== 'number') bad(at, 'solved to optimality but has no ε');
      if (sol.status !== 'optimal' && sol.eps !== null) bad(at, `status "${String(sol.status)}" must not carry an ε`);
    });
    const attacks = (row as Record<string, unknown>).attacks;
    if (!Array.isArray(attacks)) return bad(`rows[${r}].attacks`, 'missing');
    attacks.forEach((a: unknown, j) => {
      const at = `rows[${r}].attacks[${j}]`;
      if (!isObj(a) || typeof a.key !== 'string' || !Array.isArray(a.eps)) bad(at, 'needs a key and per-image ε');
      const eps = (a as Record<string, unknown>).eps as unknown[];
      if (eps.length !== sols.length) bad(at, `${eps.length} ε for ${sols.length} images`);
      if (!eps.every((e) => finiteOrNull(e) && (e === null || (e as number) >= 0))) bad(at, 'ε must be ≥ 0 or null');
      const { attempted, method } = a as Record<string, unknown>;
      if (attempted !== undefined) {
        if (!Array.isArray(attempted) || attempted.length !== sols.length || !attempted.every((v) => typeof v === 'boolean')) {
          bad(`${at}.attempted`, `must be ${sols.length} true/false values, one per image`);
        }
        if (eps.some((e, i) => e !== null && !(attempted as boolean[])[i])) bad(`${at}.attempted`, 'an image not attempted carries an ε');
      }
      if (method !== undefined && typeof method !== 'string') bad(`${at}.method`, 'must be text');
    });
  });
  return raw as unknown as ExactSection;
}

export function median(values: number[]): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The images whose truth is known: solved to optimality and verified in TF.js. */
export const trusted = (s: ExactSolution) => s.status === 'optimal' && s.verified === true && s.eps !== null && s.eps > 0;

export interface AttackGap {
  key: string;
  /** Images with a trusted exact ε that the attack ran on. */
  compared: number;
  /** Of those, the attack fooled (so it has an ε). */
  fooled: number;
  /** ε_attack/ε_exact − 1 over the fooled images: 0.12 = 12 % above the truth. */
  medianGap: number;
  worstGap: number;
  /** Fooled images where the attack's ε is below the truth by more than the tolerance: must be 0 (a bug otherwise). */
  belowTruth: number;
  /** The row's `method`, when it says how ε was obtained. */
  method?: string;
}

/** Per attack: how far above the truth its ε sits, on the images whose exact ε is trusted. */
export function attackGaps(row: ExactRow): AttackGap[] {
  return row.attacks.map((a) => {
    const gaps: number[] = [];
    let compared = 0;
    let below = 0;
    row.solutions.forEach((s, i) => {
      if (!trusted(s) || a.attempted?.[i] === false) return;
      compared++;
      const e = a.eps[i];
      if (e === null) return;
      const g = e / s.eps! - 1;
      if (g < -SAME_EPS_TOLERANCE) below++;
      gaps.push(g);
    });
    return {
      key: a.key, compared, fooled: gaps.length, medianGap: median(gaps), worstGap: gaps.length ? Math.max(...gaps) : NaN, belowTruth: below,
      ...(a.method ? { method: a.method } : {}),
    };
  });
}

export interface KappaVerdict {
  kappa: number;
  /** Images with a trusted exact ε at both κ = 0 and this κ. */
  compared: number;
  larger: number;
  smaller: number;
  same: number;
  /** Median of ε_κ/ε_0 − 1 over the compared images. */
  medianChange: number;
  medianEps0: number;
  medianEpsKappa: number;
  sentence: string;
}

const pct = (v: number) => `${v >= 0 ? '+' : '−'}${Math.abs(100 * v).toFixed(1)}%`;

/** Did the jump make the true minimal perturbation larger or smaller: κ = 0's row against row `k`, per image. */
export function kappaVerdict(base: ExactRow, row: ExactRow): KappaVerdict {
  if (base.kappa !== 0) throw new Error(`kappaVerdict: the base row must be κ = 0, got κ = ${base.kappa}`);
  const at0 = new Map(base.solutions.filter(trusted).map((s) => [s.index, s.eps!]));
  const pairs: [number, number][] = [];
  for (const s of row.solutions) if (trusted(s) && at0.has(s.index)) pairs.push([at0.get(s.index)!, s.eps!]);
  const changes = pairs.map(([e0, ek]) => ek / e0 - 1);
  const larger = changes.filter((c) => c > SAME_EPS_TOLERANCE).length;
  const smaller = changes.filter((c) => c < -SAME_EPS_TOLERANCE).length;
  const same = changes.length - larger - smaller;
  const v = {
    kappa: row.kappa, compared: pairs.length, larger, smaller, same, medianChange: median(changes),
    medianEps0: median(pairs.map((p) => p[0])), medianEpsKappa: median(pairs.map((p) => p[1])),
  };
  let sentence: string;
  if (!pairs.length) {
    sentence = `At κ = ${row.kappa} no image has an exact minimal perturbation at both κ = 0 and κ = ${row.kappa}: no verdict.`;
  } else {
    const lead = larger > smaller ? 'larger' : smaller > larger ? 'smaller' : 'neither larger nor smaller';
    const effect = larger > smaller ? 'more robust' : smaller > larger ? 'less robust' : 'neither more nor less robust';
    sentence = `At κ = ${row.kappa} the true minimal L∞ perturbation was larger on ${larger} and smaller on ${smaller} of ${pairs.length} images`
      + `${same ? ` (${same} unchanged)` : ''}, median change ${pct(v.medianChange)} (median ε ${v.medianEps0.toFixed(4)} → ${v.medianEpsKappa.toFixed(4)} in pixel units): `
      + `the jump made the exact minimal perturbation ${lead} on most images, so the network is ${effect} by the exact measure.`;
    if (larger === smaller) sentence = sentence.replace(' on most images', '');
  }
  return { ...v, sentence };
}

/** One image's exact answer at one κ, as the attack view shows it beside the attacks' result. */
export interface ExactImage {
  kappa: number;
  index: number;
  label: number;
  eps: number;
  /** The exact adversarial image, pixel units [0, 1], HWC; null when the file carries none. */
  adversarial: Float32Array | null;
}

/** What the page shows of the section: per κ the solved share, the gaps per attack and the verdict; the images. */
export interface ExactSummary {
  solver: string;
  timeLimitSeconds: number;
  command: string;
  rows: {
    kappa: number;
    tried: number;
    solved: number;
    /** Median exact ε over the trusted images, pixel units. */
    medianEps: number;
    gaps: AttackGap[];
    /** Against κ = 0 (null for κ = 0 itself or without a κ = 0 row). */
    verdict: KappaVerdict | null;
  }[];
  images: ExactImage[];
}

function decodeFloat32(b64: string): Float32Array {
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  if (bytes.length % 4) throw new Error(`exact section: an adversarial image of ${bytes.length} bytes is not float32`);
  // The file is little-endian float32, as every platform TF.js runs on.
  return new Float32Array(bytes.buffer);
}

export function exactSummary(section: ExactSection): ExactSummary {
  const base = section.rows.find((r) => r.kappa === 0) ?? null;
  return {
    solver: `${section.solver.name} ${section.solver.cbc ?? ''}`.trim(),
    timeLimitSeconds: section.timeLimitSeconds,
    command: section.command,
    rows: section.rows.map((row) => {
      const ok = row.solutions.filter(trusted);
      return {
        kappa: row.kappa, tried: row.solutions.length, solved: ok.length, medianEps: median(ok.map((s) => s.eps!)),
        gaps: attackGaps(row), verdict: base && row !== base ? kappaVerdict(base, row) : null,
      };
    }),
    images: section.rows.flatMap((row) => row.solutions.filter(trusted).map((s) => ({
      kappa: row.kappa, index: s.index, label: s.label, eps: s.eps!, adversarial: s.adversarial ? decodeFloat32(s.adversarial) : null,
    }))),
  };
}
