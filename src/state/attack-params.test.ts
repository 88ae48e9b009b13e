import { describe, expect, it } from 'vitest';
import { attackDescriptors } from '../worker/catalogue';
import { attackParamsFor } from './attack-params';
import { createAppStore } from './store';
import { decode, encode } from './url-schema';
import { storeFromUrl, urlStateFromStore } from './url-sync';

const attacks = attackDescriptors();
const dataset = { dataset: 'mnist' as const, classNames: [], shape: [28, 28, 1] as [number, number, number], count: 10 };

function fromLink(search: string) {
  const store = createAppStore(storeFromUrl(decode(search).state));
  store.setState({ attacks, dataset });
  store.getState().applyLinkParams();
  return store;
}

describe('attack parameters from a link', () => {
  it('clamps out-of-range values and refuses NaN, unknown options and prototype keys, each with a notice', () => {
    const store = fromLink('?attack=ifgsm&p.steps=1000000000&p.epsilon=1e300&p.clip=evil&p.toString=1&p.constructor=2');
    const s = store.getState();
    expect(s.attackParams).toEqual({ ifgsm: { steps: 2000, epsilon: 3 } });
    const texts = s.notices.map((n) => n.text).join('\n');
    expect(s.notices).toHaveLength(5);
    expect(texts).toMatch(/steps = 1000000000 is outside 0–2000; using 2000/);
    expect(texts).toMatch(/epsilon = 1e\+300 is outside 0–3; using 3/);
    expect(texts).toMatch(/clip = "evil" is not one of paper, pixel/);
    expect(texts).toMatch(/unknown parameter "toString"/);
    expect(texts).toMatch(/unknown parameter "constructor"/);
    const link = encode(urlStateFromStore(s));
    expect(link).toContain('p.steps=2000');
    expect(link).not.toMatch(/toString|constructor|clip|NaN/);
    expect(attackParamsFor(s, 'ifgsm')).toEqual({ epsilon: 3, steps: 2000, clip: 'paper' });
  });

  it('keeps a link of in-range values as it was, without notices', () => {
    const search = '?v=1&attack=trust-region-l2&p.steps=7&p.adaptiveRadius=true&p.clip=pixel';
    const s = fromLink(search).getState();
    expect(s.notices).toEqual([]);
    expect(s.attackParams).toEqual({ 'trust-region-l2': { steps: 7, adaptiveRadius: true, clip: 'pixel' } });
    expect(encode(urlStateFromStore(s))).toBe(search);
  });
});

describe('an attack-panel number box', () => {
  it('stores an in-range value; refuses one the rule would change, naming it, and stores nothing', () => {
    const store = fromLink('?attack=pgd-l2');
    expect(store.getState().setAttackParam('epsilon', 12)).toBeNull();
    expect(store.getState().attackParams['pgd-l2']).toEqual({ epsilon: 12 });
    expect(store.getState().setAttackParam('epsilon', 31)).toMatch(/epsilon = 31 is outside 0–30/);
    expect(store.getState().setAttackParam('steps', 1e9)).toMatch(/steps = 1000000000 is outside/);
    expect(store.getState().setAttackParam('toString', 1)).toMatch(/unknown parameter "toString"/);
    expect(store.getState().attackParams['pgd-l2']).toEqual({ epsilon: 12 });
  });
});
