/** transfer (Figure 7): accuracy at every target κ of IFGSM adversarials crafted at every source κ. */
import { analysis, setting, type SplitInfo, kappaList } from './contract';
import { transferKappas } from './kappa-grids';
import type { TradeoffSettings } from './tradeoff';

export interface TransferRequest { kind: 'transfer'; modelId: string; kappas: number[]; sample: number; steps: number }

export interface TransferResult {
  kind: 'transfer'; request: TransferRequest; kappas: number[];
  /** accuracy[source][target]. */
  accuracy: number[][]; count: number; split: SplitInfo; ms: number;
}

export interface TransferSettings { transferN: number; transferSteps: number }

/** Reads the trade-off's κ max: both figures span the same κ. */
export const transfer = analysis<TransferRequest, TransferResult, TransferSettings, Pick<TradeoffSettings, 'tradeoffMax'>>()({
  kind: 'transfer',
  title: 'Transfer matrix (Figure 7)',
  caption: (r) => `IFGSM (${r.request.steps} steps) crafted at source κ, evaluated at target κ = ${kappaList(r.kappas)}; n = ${r.count}`,
  embedHeight: { open: 363, grows: 320 },
  defaults: { transferN: 100, transferSteps: 200 },
  metas: {
    transferN: setting('txn', 'images', 'integer', 10, 1000, 1, 'Evaluation images crafted on at every source κ.'),
    transferSteps: setting('txs', 'IFGSM steps', 'integer', 1, 1000, 1, 'IFGSM iterations per source κ.'),
  },
  fields: { sample: 'transferN', steps: 'transferSteps' },
  request: (app, p) => ({ kind: 'transfer', modelId: app.modelId, kappas: transferKappas(app.card, p.tradeoffMax), sample: p.transferN, steps: p.transferSteps }),
});
