/**
 * Embed mode (?embed=slider,gallery …): the chosen panels only, without header and footer, sized by the
 * host through the height messages, with a link to the full app. Composing features is the app layer's job.
 */
import type { ComponentType } from 'react';
import { AttackPanel } from '../features/attack/attack-panel';
import { ANALYSIS_COMPONENTS } from '../features/analysis/analysis-section';
import { fullAppUrl } from '../features/embed/embed-links';
import { HeightReporter, OpenInLab } from '../features/embed/open-in-lab';
import { Gallery } from '../features/gallery/gallery';
import { KappaPanel } from '../features/kappa/kappa-panel';
import { ModelPicker } from '../features/model-picker/model-picker';
import type { EmbedPanelId } from '../state/panels';
import { Tour } from '../features/tour/tour';
import { useAppStoreApi } from '../state/react';
import { Notices } from './notices';

const EMBED_COMPONENTS: Record<EmbedPanelId, ComponentType> = {
  model: ModelPicker, slider: KappaPanel, gallery: Gallery, attack: AttackPanel, ...ANALYSIS_COMPONENTS,
};

export function EmbedLayout({ panels }: { panels: EmbedPanelId[] }) {
  const store = useAppStoreApi();
  // An embed never invites an action it cannot show: without the attack panel, a picked image opens the full
  // lab with that image selected.
  const attackIn = panels.includes('attack') ? undefined
    : (index: number) => fullAppUrl({ ...store.getState(), selectedImage: index }, `${location.origin}${location.pathname}`);
  return (
    <div className="embed" data-testid="embed">
      <HeightReporter />
      <Notices />
      <Tour />
      {panels.length ? panels.map((id) => {
        if (id === 'gallery') return <Gallery key={id} attackIn={attackIn} />;
        const Panel = EMBED_COMPONENTS[id];
        return <Panel key={id} />;
      }) : <p className="muted">No panels chosen for this embed.</p>}
      <div className="embed-foot"><OpenInLab /><span className="muted small">JumpReLU Lab — runs in your browser</span></div>
    </div>
  );
}
