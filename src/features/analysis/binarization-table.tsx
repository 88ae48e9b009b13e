/**
 * The binarization test (Zimmermann et al., NeurIPS 2022) as the reference file holds it (`npm run binarization --
 * --update`): pass rate per attack and κ, and one sentence on what they say. Shown in the adaptive panel.
 */
import { selectReference } from '../../state/selectors';
import { kappaLabel } from './kappa-label';
import { passRate } from './pass-rate';

type Binarization = NonNullable<NonNullable<ReturnType<typeof selectReference>>['binarization']>;

/** Attack labels in the order the file lists them, over every κ. */
const binarizationAttacks = (b: Binarization): string[] => [...new Set(b.kappas.flatMap((k) => k.attacks.map((a) => a.label)))];

/**
 * One sentence per file. With κ = 0 in it: the attacks that found the guaranteed adversarial example on every image
 * at κ = 0 but not at the largest κ (the jump misled them), those still finding it, and — apart — those that miss
 * it at κ = 0 too (FGSM's one step). Without: which attacks miss it at the largest κ.
 */
export function binarizationVerdict(b: Binarization): string | null {
  const top = b.kappas.at(-1);
  if (!top || !top.valid) return null;
  const base = b.kappas.length > 1 ? b.kappas.find((k) => k.kappa === 0) : undefined;
  const full = (a: { passed: number; valid: number }) => a.valid > 0 && a.passed === a.valid;
  const names = (xs: { label: string }[]) => xs.map((a) => a.label).join(', ');
  const failed = top.attacks.filter((a) => !full(a));
  const passed = top.attacks.filter(full);
  const at = `At κ = ${top.kappa}`;
  if (!failed.length) return `${at} every attack found the adversarial example the test guarantees on all ${top.valid} images: none of them is too weak here.`;
  const fullAtZero = (label: string) => { const z = base?.attacks.find((a) => a.label === label); return z ? full(z) : false; };
  const misled = base ? failed.filter((a) => fullAtZero(a.label)) : failed;
  const weakAnyway = base ? failed.filter((a) => !fullAtZero(a.label)) : [];
  const still = passed.length ? `; ${names(passed)} still find${passed.length === 1 ? 's' : ''} it every time` : '; no attack finds it every time';
  const anyway = weakAnyway.length ? ` (${weakAnyway.map((a) => `${a.label} ${passRate(a)}`).join(', ')}: short of 100% at κ = 0 too.)` : '';
  if (!misled.length) return `${at} no attack does worse than at κ = 0${still}.${anyway}`;
  const one = misled.length === 1;
  return `${at} ${misled.map((a) => `${a.label} (${passRate(a)})`).join(', ')} miss${one ? 'es' : ''} an adversarial example that is known to exist`
    + (base ? `, which ${one ? 'it' : 'they'} found on every image at κ = 0 — the jump misleads ${one ? 'it' : 'them'}, a sign of gradient masking` : ' — too weak to judge this model with')
    + `${still}.${anyway}`;
}

/** The reference file's binarization test (npm run binarization -- --update): pass rate per attack and κ. */
export function BinarizationTable({ b }: { b: Binarization }) {
  const attacks = binarizationAttacks(b);
  const verdict = binarizationVerdict(b);
  return (
    <div data-testid="binarization-reference">
      <h3>Can the attacks find an adversarial example that is known to exist? The binarization test (Zimmermann et al., NeurIPS 2022)</h3>
      {verdict ? <p className="summary" data-testid="binarization-verdict"><strong>{verdict}</strong></p> : null}
      <div className="table-scroll"><table className="mini robustness">
        <caption>Per image, a new two-class readout on the network's last features is fitted so that {b.inner} random points in the
          L∞ ball of ε = {+b.epsPixel.toFixed(4)} px around it (and the image) stay its class and one point on the ball's edge does not:
          an adversarial example within ε then exists by construction. The pass rate is the share of such images where the attack finds
          one ({b.steps} steps for PGD and APGD-CE). Below 100% the attack is too weak for this model, whatever it reports elsewhere. From
          <code> npm run binarization</code>, the first {b.n} test images (images the network gets wrong, or whose readout would not separate, are not tested).</caption>
        <thead><tr><th>attack</th>{b.kappas.map((k) => <th key={k.kappa}>{kappaLabel(k.kappa)}<br /><span className="muted">{k.valid} tested</span></th>)}</tr></thead>
        <tbody>
          {attacks.map((label) => (
            <tr key={label}>
              <th>{label}</th>
              {b.kappas.map((k) => {
                const a = k.attacks.find((x) => x.label === label);
                return <td key={k.kappa}>{a ? <>{a.passed < a.valid ? '⚑ ' : ''}{passRate(a)} <span className="muted small">({a.passed}/{a.valid})</span></> : '—'}</td>;
              })}
            </tr>
          ))}
        </tbody>
      </table></div>
    </div>
  );
}
