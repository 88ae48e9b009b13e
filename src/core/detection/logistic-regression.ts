/**
 * L2-regularised logistic regression, fitted by Newton's method (IRLS) in Float64, with the inverse
 * regularisation strength C chosen by stratified k-fold cross-validation — the detector of Ma et al.
 * (ICLR 2018) and of the JumpReLU authors (erichson/JumpReLU lidutils.py `train_lr`:
 * sklearn `LogisticRegressionCV()` with its defaults). We mirror those defaults: 10 Cs log-spaced over
 * [1e-4, 1e4], 5 stratified folds in order (no shuffle), accuracy as the score, the first best C, then a
 * refit on all the data; the intercept is not penalised (sklearn's lbfgs does not penalise it either).
 *
 * Why our own: no logistic-regression library is in node_modules and none can be installed this session.
 * With a free hand we would still keep this (a few features, a few hundred points: Newton converges in
 * ~10 steps; a library such as ml-logistic-regression fits by plain gradient descent with a fixed rate and
 * no CV). Newton on ≤ 20 features is exact to the tolerance, so the PyTorch/sklearn crosscheck compares
 * models, not optimiser tolerances.
 */

export interface LogisticModel {
  weights: Float64Array;
  intercept: number;
  /** The C it was fitted with: objective C·Σ logloss + ½‖w‖². */
  C: number;
}

export interface CvResult {
  model: LogisticModel;
  Cs: number[];
  /** Mean held-out accuracy per C. */
  scores: number[];
  folds: number;
}

/** sklearn's LogisticRegressionCV default grid: np.logspace(-4, 4, 10). */
export const DEFAULT_CS: readonly number[] = Array.from({ length: 10 }, (_, i) => 10 ** (-4 + (8 * i) / 9));

const softplus = (t: number) => Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t)));
const sigmoid = (t: number) => (t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t)));

function checkData(x: readonly ArrayLike<number>[], y: ArrayLike<number>): number {
  if (!x.length) throw new Error('logistic regression: no training points');
  if (x.length !== y.length) throw new Error(`logistic regression: ${x.length} points but ${y.length} labels`);
  const p = x[0].length;
  x.forEach((row, i) => {
    if (row.length !== p) throw new Error(`logistic regression: point ${i} has ${row.length} features, expected ${p}`);
    for (let j = 0; j < p; j++) if (!Number.isFinite(row[j])) throw new Error(`logistic regression: feature ${j} of point ${i} is ${row[j]}, not a finite number`);
    if (y[i] !== 0 && y[i] !== 1) throw new Error(`logistic regression: label ${y[i]} of point ${i} is neither 0 nor 1`);
  });
  return p;
}

export function decision(model: LogisticModel, row: ArrayLike<number>): number {
  let z = model.intercept;
  for (let j = 0; j < model.weights.length; j++) z += model.weights[j] * row[j];
  return z;
}

export function predictProba(model: LogisticModel, x: readonly ArrayLike<number>[]): Float64Array {
  return Float64Array.from(x, (row) => sigmoid(decision(model, row)));
}

function objective(x: readonly ArrayLike<number>[], y: ArrayLike<number>, C: number, theta: Float64Array): number {
  const p = theta.length - 1;
  let loss = 0;
  for (let i = 0; i < x.length; i++) {
    let z = theta[p];
    for (let j = 0; j < p; j++) z += theta[j] * x[i][j];
    loss += softplus(y[i] === 1 ? -z : z);
  }
  let reg = 0;
  for (let j = 0; j < p; j++) reg += theta[j] * theta[j];
  return C * loss + reg / 2;
}

/** Solves A·s = b for symmetric positive-definite A (Cholesky, in place on a copy). */
function choleskySolve(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const l = Float64Array.from(a);
  for (let j = 0; j < m; j++) {
    let d = l[j * m + j];
    for (let k = 0; k < j; k++) d -= l[j * m + k] ** 2;
    if (!(d > 0)) throw new Error('logistic regression: the Hessian is not positive definite (constant features and separable data?)');
    d = Math.sqrt(d);
    l[j * m + j] = d;
    for (let i = j + 1; i < m; i++) {
      let s = l[i * m + j];
      for (let k = 0; k < j; k++) s -= l[i * m + k] * l[j * m + k];
      l[i * m + j] = s / d;
    }
  }
  const z = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * m + k] * z[k];
    z[i] = s / l[i * m + i];
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < m; k++) s -= l[k * m + i] * z[k];
    z[i] = s / l[i * m + i];
  }
  return z;
}

/**
 * Minimises C·Σᵢ log(1 + exp(−sᵢ(w·xᵢ + b))) + ½‖w‖² (sᵢ = ±1) by damped Newton steps. The objective is
 * strictly convex in w; the intercept's curvature comes from the data (both classes present).
 */
export function fitLogistic(x: readonly ArrayLike<number>[], y: ArrayLike<number>, C: number, maxIter = 100): LogisticModel {
  const p = checkData(x, y);
  if (!(C > 0) || !Number.isFinite(C)) throw new Error(`logistic regression: C must be a finite number > 0, got ${C}`);
  let ones = 0;
  for (let i = 0; i < y.length; i++) ones += y[i];
  if (ones === 0 || ones === y.length) throw new Error('logistic regression: the training labels hold only one class');
  const m = p + 1; // last coordinate: the intercept
  let theta = new Float64Array(m);
  let f = objective(x, y, C, theta);
  for (let iter = 0; iter < maxIter; iter++) {
    const g = new Float64Array(m);
    const h = new Float64Array(m * m);
    for (let i = 0; i < x.length; i++) {
      const row = x[i];
      let z = theta[p];
      for (let j = 0; j < p; j++) z += theta[j] * row[j];
      const s = sigmoid(z);
      const r = C * (s - y[i]);
      const w = C * s * (1 - s);
      for (let a = 0; a < m; a++) {
        const xa = a === p ? 1 : row[a];
        g[a] += r * xa;
        for (let b = 0; b <= a; b++) h[a * m + b] += w * xa * (b === p ? 1 : row[b]);
      }
    }
    for (let a = 0; a < p; a++) {
      g[a] += theta[a];
      h[a * m + a] += 1;
    }
    for (let a = 0; a < m; a++) for (let b = a + 1; b < m; b++) h[a * m + b] = h[b * m + a];
    // A tiny ridge keeps the intercept's pivot positive when every point is saturated.
    h[m * m - 1] += 1e-12 * Math.max(1, h[m * m - 1]);
    const gmax = g.reduce((v, gi) => Math.max(v, Math.abs(gi)), 0);
    if (gmax <= 1e-9 * Math.max(1, C * x.length)) break;
    const step = choleskySolve(h, g, m);
    let t = 1;
    let next = theta;
    let fNext = f;
    for (let ls = 0; ls < 50; ls++, t /= 2) {
      next = theta.map((v, j) => v - t * step[j]);
      fNext = objective(x, y, C, next);
      if (fNext <= f) break;
    }
    if (!(fNext <= f)) break; // no decrease along the Newton direction: at the optimum to rounding
    const moved = step.reduce((v, s) => Math.max(v, Math.abs(t * s)), 0);
    theta = next;
    f = fNext;
    if (moved <= 1e-12) break;
  }
  return { weights: theta.slice(0, p), intercept: theta[p], C };
}

/**
 * Stratified k-fold test-fold index per point, as sklearn's StratifiedKFold(shuffle=False) assigns them
 * (sklearn ≥ 0.22 `_make_test_folds`): classes in order of first appearance; the sorted labels dealt
 * round-robin into the folds give each fold's count per class; within a class, points in order fill fold
 * 0 first, then fold 1, ….
 */
export function stratifiedFolds(y: ArrayLike<number>, folds: number): Int32Array {
  const n = y.length;
  const firstSeen: number[] = [];
  for (let i = 0; i < n; i++) if (!firstSeen.includes(y[i])) firstSeen.push(y[i]);
  const code = Int32Array.from({ length: n }, (_, i) => firstSeen.indexOf(y[i]));
  const counts = firstSeen.map((_, c) => code.filter((v) => v === c).length);
  if (Math.min(...counts) < folds) throw new Error(`cross-validation: ${folds} folds need at least ${folds} points of each class (got ${counts.join(', ')})`);
  const sorted = Array.from(code).sort((a, b) => a - b);
  const allocation = Array.from({ length: folds }, (_, f) => firstSeen.map((_, c) => sorted.filter((v, i) => i % folds === f && v === c).length));
  const out = new Int32Array(n);
  firstSeen.forEach((_, c) => {
    const order: number[] = [];
    for (let f = 0; f < folds; f++) for (let r = 0; r < allocation[f][c]; r++) order.push(f);
    let j = 0;
    for (let i = 0; i < n; i++) if (code[i] === c) out[i] = order[j++];
  });
  return out;
}

/** LogisticRegressionCV: the C with the best mean held-out accuracy (first on ties), refitted on all points. */
export function fitLogisticCv(x: readonly ArrayLike<number>[], y: ArrayLike<number>, options: { Cs?: readonly number[]; folds?: number } = {}): CvResult {
  checkData(x, y);
  const Cs = [...(options.Cs ?? DEFAULT_CS)];
  const folds = options.folds ?? 5;
  if (!Number.isInteger(folds) || folds < 2) throw new Error(`cross-validation: folds must be an integer ≥ 2, got ${folds}`);
  const fold = stratifiedFolds(y, folds);
  const scores = Cs.map((C) => {
    let sum = 0;
    for (let f = 0; f < folds; f++) {
      const trainX: ArrayLike<number>[] = [];
      const trainY: number[] = [];
      const testRows: number[] = [];
      for (let i = 0; i < x.length; i++) {
        if (fold[i] === f) testRows.push(i);
        else {
          trainX.push(x[i]);
          trainY.push(y[i]);
        }
      }
      const model = fitLogistic(trainX, trainY, C);
      let right = 0;
      for (const i of testRows) right += (decision(model, x[i]) > 0 ? 1 : 0) === y[i] ? 1 : 0;
      sum += right / testRows.length;
    }
    return sum / folds;
  });
  let best = 0;
  scores.forEach((s, i) => { if (s > scores[best]) best = i; });
  return { model: fitLogistic(x, y, Cs[best]), Cs, scores, folds };
}
