/**
 * Ground truth beside an attack's result: when the model's reference file holds the exact minimal L∞
 * perturbation of this test image (a MILP solved offline, training/exact_mip.py), the true ε* and its
 * adversarial image for each side whose κ was solved, and how far above the truth this run's L∞ landed.
 */
import { PixelImage } from '../../components/pixel-image';
import { useAppStore } from '../../state/react';
import { selectReference } from '../../state/selectors';
import type { AttackPairResult, AttackSide } from '../../worker/jobs';

const maxOf = (a: Float32Array) => { let m = 0; for (const v of a) if (v > m) m = v; return m; };

export function ExactBeside({ r, shape }: { r: AttackPairResult; shape: [number, number, number] }) {
  const exact = useAppStore((s) => selectReference(s)?.exact);
  const fixedBudget = useAppStore((s) => s.attacks.find((a) => a.id === r.request.attackId)?.kind === 'fixed-epsilon');
  if (!exact || r.request.ownPixels || r.request.randomized) return null;
  const sides: [string, AttackSide][] = [['unprotected (κ = 0)', r.unprotected], [`retrofitted (κ = ${r.request.kappa})`, r.protected]];
  const rows = sides.flatMap(([name, side]) => {
    const truth = exact.images.find((im) => im.index === r.request.imageIndex && im.kappa === side.kappa);
    return truth ? [{ name, side, truth }] : [];
  });
  if (!rows.length) return null;
  return (
    <div className="exact-beside" data-testid="exact-beside">
      <h3>Ground truth: the exact smallest L∞ perturbation (MILP, {exact.solver})</h3>
      <div className="exact-row">
        {rows.map(({ name, side, truth }) => {
          const found = side.success && !side.skipped ? maxOf(side.deltaAbs) : null;
          return (
            <figure key={name}>
              {truth.adversarial ? <PixelImage pixels={truth.adversarial} shape={shape} size={112} label={`exact adversarial image, ${name}`} /> : null}
              <figcaption>
                {name}: ε* = <strong>{truth.eps.toFixed(4)}</strong> pixel units;{' '}
                {found === null ? 'this run did not fool it' : <>this run's ‖Δ‖∞ {found.toFixed(4)} ({found >= truth.eps ? '+' : '−'}{Math.abs(100 * (found / truth.eps - 1)).toFixed(1)}% {found >= truth.eps ? 'above' : 'below'} the truth)</>}
              </figcaption>
            </figure>
          );
        })}
      </div>
      <p className="muted small">No attack can need less than ε*; an L2 attack's ‖Δ‖∞ is not what it minimises, so compare L∞ attacks with it.
        {fixedBudget ? <> A fixed-budget attack spends its ε rather than minimising it: the ground-truth table in the analysis section gives APGD's
          smallest fooling budget per image (bisection) instead.</> : null}</p>
    </div>
  );
}
