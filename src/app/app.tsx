/** Page layout: header, notices, then the four steps a student walks through. */
import { AnalysisSection } from '../features/analysis/analysis-section';
import { AttackPanel } from '../features/attack/attack-panel';
import { InsidePanel } from '../features/classroom/inside-panel';
import { OwnImagePanel } from '../features/classroom/own-image-panel';
import { Tour, TourButton } from '../features/tour/tour';
import { BackendPanel } from '../features/backend/backend-panel';
import { EmbedDialog } from '../features/embed/embed-dialog';
import { CopyLink } from '../features/share/copy-link';
import { Gallery } from '../features/gallery/gallery';
import { KappaPanel } from '../features/kappa/kappa-panel';
import { ModelPicker } from '../features/model-picker/model-picker';
import { useAppStore } from '../state/react';
import { EmbedLayout } from './embed-layout';
import { Notices } from './notices';

export function App() {
  const embed = useAppStore((s) => s.embed);
  if (embed) return <EmbedLayout panels={embed} />;
  return (
    <div className="app">
      <header className="top">
        <div>
          <h1>JumpReLU Lab</h1>
          <p className="tagline">
            A retrofit defence against adversarial attacks (Erichson, Yao &amp; Mahoney, 2019): replace every ReLU of a trained
            network by a <em>jump</em> at κ and see how much harder it becomes to fool — all computed in your browser.
          </p>
        </div>
        <div className="header-side">
          <BackendPanel />
          <div className="share-row"><TourButton /><CopyLink /><EmbedDialog /></div>
        </div>
      </header>
      <Notices />
      <Tour />
      <main>
        <div className="left">
          <ModelPicker />
          <KappaPanel />
        </div>
        <div className="right">
          <Gallery />
          <OwnImagePanel />
        </div>
        <div className="wide">
          <AttackPanel />
        </div>
        <div className="wide">
          <InsidePanel />
        </div>
        <div className="wide">
          <AnalysisSection />
        </div>
      </main>
      <footer className="muted">Runs entirely in your browser: no server, no tracking. Models and test images are served with the page.</footer>
    </div>
  );
}
