/** The analysis panels of the full app: a row of toggles (open panels live in the URL) and the open panels. */
import type { ComponentType } from 'react';
import { useAppStore } from '../../state/react';
import { ANALYSIS_PANELS, PANEL_TITLES, type AnalysisPanelId } from '../../state/panels';
import { AdaptivePanel } from './adaptive-panel';
import { ExactPanel } from './exact-panel';
import { DetectionPanel } from './detection-panel';
import { IterationsPanel } from './iterations-panel';
import { TablePanel } from './table-panel';
import { TradeoffPanel } from './tradeoff-panel';
import { TransferPanel } from './transfer-panel';
import { TunerPanel } from './tuner-panel';

export const ANALYSIS_COMPONENTS: Record<AnalysisPanelId, ComponentType> = {
  tradeoff: TradeoffPanel, table: TablePanel, transfer: TransferPanel, iterations: IterationsPanel, tuner: TunerPanel, adaptive: AdaptivePanel, detection: DetectionPanel,
};

export function AnalysisSection() {
  const open = useAppStore((s) => s.openPanels);
  const toggle = useAppStore((s) => s.togglePanel);
  return (
    <section className="analysis-section" aria-labelledby="analysis-h">
      <h2 id="analysis-h">5 · The paper's experiments, live</h2>
      <div className="panel-toggles" role="group" aria-label="analysis panels">
        {ANALYSIS_PANELS.map((id) => (
          <label key={id} className="toggle">
            <input type="checkbox" checked={open.includes(id)} onChange={() => toggle(id)} /> {PANEL_TITLES[id]}
          </label>
        ))}
      </div>
      {ANALYSIS_PANELS.filter((id) => open.includes(id)).map((id) => {
        const Panel = ANALYSIS_COMPONENTS[id];
        return <Panel key={id} />;
      })}
      <ExactPanel />
    </section>
  );
}
