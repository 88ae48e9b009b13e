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
      {/* First Tab stop: past the header's backend and share controls, straight to the test images. */}
      <a className="skip-link" href="#gallery-h">Skip to the test images</a>
      {/* One compact line of chrome: on a laptop the κ slider, its live accuracy and the gallery share the first screen. */}
      <header className="top">
        <div className="brand">
          <h1>JumpReLU Lab</h1>
          <p className="tagline">
            A retrofit defence against adversarial attacks (Erichson, Yao &amp; Mahoney, 2019): every ReLU of a trained network
            becomes a <em>jump</em> at κ — see how much harder it is to fool, computed in your browser.
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
        {/* First screen: cause (model, κ) on the left, effect (accuracy under the slider, the gallery) beside it. */}
        <div className="left">
          <ModelPicker />
          <KappaPanel />
        </div>
        <div className="right">
          <Gallery />
        </div>
        {/* The attack stage follows the gallery directly: on a phone a tapped image and Run are the next thing down. */}
        <div className="wide">
          <AttackPanel />
        </div>
        <div className="wide">
          <OwnImagePanel />
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
