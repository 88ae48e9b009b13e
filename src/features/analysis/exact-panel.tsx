/**
 * Ground truth for a small network: the exact minimal L∞ perturbation per test image (a MILP per image,
 * training/exact_mip.py, verified in TF.js) at κ = 0 and κ > 0, against what each attack found on the same
 * images — how far above the truth (median, worst) — and the verdict on κ by the exact measure. Shown for the
 * models whose reference file has an `exact` section (the MNIST MLP). No job: the numbers are computed offline.
 */
import { useAppStore } from '../../state/react';
import { selectReference } from '../../state/selectors';
import { pct, useCellName } from './analysis-frame';

const gapText = (v: number) => (Number.isFinite(v) ? `+${(100 * v).toFixed(1)}%` : '—');

export function ExactPanel() {
  const exact = useAppStore((s) => selectReference(s)?.exact);
  const cellName = useCellName();
  const kappa = useAppStore((s) => s.kappa);
  if (!exact) return null;
  const name = (key: string) => (key === 'best-of' ? 'best of these attacks, per image' : cellName(key));
  const keys = exact.rows[0]?.gaps.map((g) => g.key) ?? [];
  // Rows whose ε is not one run's result (APGD: bisection on its budget) carry a mark and a note on how.
  const method = (key: string) => exact.rows.flatMap((r) => r.gaps).find((g) => g.key === key && g.method)?.method;
  const methods = [...new Set(keys.map(method).filter((m): m is string => Boolean(m)))];
  return (
    <section className="panel analysis exact-panel" data-testid="exact-panel" aria-labelledby="exact-h">
      <h3 id="exact-h">Ground truth: the exact smallest perturbation, and how close each attack gets</h3>
      <p className="muted">Every other robustness number in this app is an upper bound found by an attack. For this small network the
        smallest L∞ perturbation that fools it is computed exactly: a JumpReLU network is piecewise linear with jumps, so it is a
        mixed-integer linear program (one binary per unit that can switch), solved offline by {exact.solver} with a
        {' '}{exact.timeLimitSeconds} s limit per image (a time-out counts as unsolved, never as a value); every solution is checked in
        TF.js (it fools the network, 0.999× of it does not).</p>
      {exact.rows.filter((r) => r.verdict).map((r) => (
        <p key={r.kappa} className="summary" data-testid={`exact-verdict-${r.kappa}`}><strong>{r.verdict!.sentence}</strong></p>
      ))}
      {/* The explanation sits outside the scrolling box: a <caption> is as wide as the table and scrolled away on a phone. */}
      <p className="muted small" id="exact-table-note">Per κ: images solved exactly, their median ε* (pixel units), and each attack's ε on the same
        images as a gap above the truth (median / worst); “fooled” counts the images where the attack found an adversarial at all.</p>
      <div className="table-scroll" tabIndex={0} role="region" aria-label="exact minimal perturbation against the attacks">
        <table className="mini robustness" data-testid="exact-table" aria-describedby="exact-table-note">
          <thead>
            <tr><th>attack</th>{exact.rows.map((r) => <th key={r.kappa} className={r.kappa === kappa ? 'current' : ''}>κ = {r.kappa}</th>)}</tr>
          </thead>
          <tbody>
            <tr><th>exact ε* (solved / tried)</th>{exact.rows.map((r) => <td key={r.kappa}>{r.medianEps.toFixed(4)} ({r.solved} / {r.tried})</td>)}</tr>
            {keys.map((key) => (
              <tr key={key} className={key === 'best-of' ? 'current' : ''}>
                <th>{name(key)}{method(key) ? <sup title={method(key)}>{'†'.repeat(methods.indexOf(method(key)!) + 1)}</sup> : null}</th>
                {exact.rows.map((r) => {
                  const g = r.gaps.find((x) => x.key === key);
                  return <td key={r.kappa}>{g ? <>{gapText(g.medianGap)} / {gapText(g.worstGap)}{g.fooled < g.compared ? <span className="warn"> (fooled {g.fooled} / {g.compared})</span> : null}</> : '—'}</td>;
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {methods.map((m, j) => (
        <p key={m} className="muted small" data-testid="exact-method">{'†'.repeat(j + 1)} A fixed-budget attack (APGD): its ε on an image is the {m}. It ran
          only on the images solved exactly (the only ones compared here).</p>
      ))}
      <p className="muted small">Solved images lean towards the easier ones (a hard image is the one that times out). Rerun:
        {' '}<code>{exact.command}</code>, then <code>npm run exact-verify -- --model mnist-mlp-base --attacks</code>.
        {' '}Share of images solved at κ = 0: {pct(exact.rows[0] ? exact.rows[0].solved / Math.max(1, exact.rows[0].tried) : NaN, 0)}.</p>
    </section>
  );
}
