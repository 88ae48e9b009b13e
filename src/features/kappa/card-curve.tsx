/**
 * The card's measured accuracy per κ, drawn under the slider at once: a student sees the expected curve before
 * the live figure lands, the current κ marked on it. Shipped models: the trainer's full-test-set values
 * (PyTorch, 10,000 images); a user's model: what was measured on the test shard when it was loaded.
 */
import { CartesianGrid, Line, LineChart, ReferenceDot, ReferenceLine, ResponsiveContainer, XAxis, YAxis } from 'recharts';
import type { ModelCard } from '../../core/models/card';

export interface CurvePoint { kappa: number; accuracy: number }

/** The card's grid and what it rests on; null when the card has fewer than two points. */
export function cardCurve(card: ModelCard): { points: CurvePoint[]; source: string } | null {
  const torch = Object.entries(card.training.torchAccuracyByKappa ?? {})
    .map(([k, a]) => ({ kappa: Number(k), accuracy: a })).filter((p) => Number.isFinite(p.kappa) && Number.isFinite(p.accuracy));
  if (torch.length >= 2 && card.training.torchTestCount > 0) {
    return { points: torch.sort((a, b) => a.kappa - b.kappa), source: `card: full test set, ${card.training.torchTestCount.toLocaleString('en')} images (PyTorch)` };
  }
  const measured = [...(card.evaluation?.accuracyByKappa ?? [])].sort((a, b) => a.kappa - b.kappa);
  if (measured.length >= 2) return { points: measured, source: `card: measured on ${card.evaluation.count.toLocaleString('en')} test images when loaded` };
  return null;
}

export function CardCurve({ card, kappa, live }: { card: ModelCard; kappa: number; live: number | null }) {
  const curve = cardCurve(card);
  if (!curve) return null;
  const data = curve.points.map((p) => ({ kappa: p.kappa, accuracy: 100 * p.accuracy }));
  const lo = Math.floor(Math.min(...data.map((d) => d.accuracy), live !== null ? 100 * live : 100) - 1);
  return (
    <figure className="card-curve" data-testid="card-curve" aria-label={`Accuracy per κ from the model card (${curve.source})`}>
      <ResponsiveContainer width="100%" height={72}>
        <LineChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="2 3" vertical={false} />
          <XAxis dataKey="kappa" type="number" domain={[card.kappa.min, card.kappa.max]} tick={{ fontSize: 12 }} height={18} />
          <YAxis domain={[Math.max(0, lo), 100]} tick={{ fontSize: 12 }} width={34} allowDecimals={false} />
          <Line dataKey="accuracy" stroke="#888" strokeWidth={1.5} dot={{ r: 2 }} isAnimationActive={false} />
          <ReferenceLine x={kappa} stroke="#c0392b" strokeDasharray="3 2" />
          {live !== null ? <ReferenceDot x={kappa} y={100 * live} r={4} fill="#c0392b" stroke="none" /> : null}
        </LineChart>
      </ResponsiveContainer>
      <figcaption className="muted small">Grey: {curve.source}. Red: κ now{live !== null ? ' and the live figure' : ''}.</figcaption>
    </figure>
  );
}
