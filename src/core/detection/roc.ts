/**
 * ROC curve and its area for a detector's scores (higher = "adversarial"). Tied scores form one threshold,
 * so a tie moves the curve diagonally and the trapezoid rule gives it half credit: the area equals the
 * Mann–Whitney statistic P(s⁺ > s⁻) + ½·P(s⁺ = s⁻), as sklearn's roc_auc_score computes it.
 */

export interface RocPoint {
  fpr: number;
  tpr: number;
  /** Scores ≥ this are called positive (Infinity for the (0, 0) corner). */
  threshold: number;
}

function check(labels: ArrayLike<number>, scores: ArrayLike<number>): { pos: number; neg: number } {
  if (labels.length !== scores.length) throw new Error(`ROC: ${labels.length} labels but ${scores.length} scores`);
  let pos = 0;
  let neg = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 1) pos++;
    else if (labels[i] === 0) neg++;
    else throw new Error(`ROC: label ${labels[i]} at ${i} is neither 0 nor 1`);
    if (!Number.isFinite(scores[i])) throw new Error(`ROC: score ${scores[i]} at ${i} is not a finite number`);
  }
  if (!pos || !neg) throw new Error(`ROC: needs both classes (got ${pos} positive, ${neg} negative)`);
  return { pos, neg };
}

/** The curve from (0, 0) to (1, 1), one point per distinct score. */
export function rocCurve(labels: ArrayLike<number>, scores: ArrayLike<number>): RocPoint[] {
  const { pos, neg } = check(labels, scores);
  const order = Array.from({ length: labels.length }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const points: RocPoint[] = [{ fpr: 0, tpr: 0, threshold: Infinity }];
  let tp = 0;
  let fp = 0;
  for (let j = 0; j < order.length; j++) {
    const i = order[j];
    if (labels[i] === 1) tp++;
    else fp++;
    // One point after the last of a run of equal scores.
    if (j === order.length - 1 || scores[order[j + 1]] !== scores[i]) points.push({ fpr: fp / neg, tpr: tp / pos, threshold: scores[i] });
  }
  return points;
}

/** Area under a curve by the trapezoid rule. */
export function rocArea(points: readonly RocPoint[]): number {
  let a = 0;
  for (let i = 1; i < points.length; i++) a += ((points[i].fpr - points[i - 1].fpr) * (points[i].tpr + points[i - 1].tpr)) / 2;
  return a;
}

export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  return rocArea(rocCurve(labels, scores));
}

/** P(s⁺ > s⁻) + ½·P(s⁺ = s⁻) by counting every pair: the AUC's definition, O(n⁺·n⁻), for tests. */
export function mannWhitneyAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const { pos, neg } = check(labels, scores);
  let wins = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 1) continue;
    for (let j = 0; j < labels.length; j++) {
      if (labels[j] !== 0) continue;
      wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
    }
  }
  return wins / (pos * neg);
}
