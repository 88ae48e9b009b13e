import { describe, expect, it } from 'vitest';
import { createAppStore } from '../../state/store';
import { decode } from '../../state/url-schema';
import { embedUrl, fixedEmbedHeight, fullAppUrl, iframeSnippet, iframeSnippetNoScript } from './embed-links';

describe('embed links', () => {
  it('carries the same configuration with and without embed=', () => {
    const store = createAppStore({ randomized: true, seed: 7, openPanels: ['tradeoff'], embed: ['slider', 'gallery'] });
    const s = store.getState();
    const full = fullAppUrl(s, 'https://course.example/lab/');
    const emb = embedUrl(s, 'https://course.example/lab/', ['tradeoff', 'slider']);
    expect(full.startsWith('https://course.example/lab/?')).toBe(true);
    const f = decode(new URL(full).search).state;
    const e = decode(new URL(emb).search).state;
    expect(f.embed).toBeNull();
    expect(e.embed).toEqual(['slider', 'tradeoff']);
    expect({ ...f, embed: null }).toEqual({ ...e, embed: null });
    expect(f).toMatchObject({ randomized: true, seed: 7, panels: ['tradeoff'] });
  });

  it('escapes the src and restricts resize messages to the lab origin', () => {
    const snip = iframeSnippet('https://lab.example/x/?v=1&embed=attack', 640);
    expect(snip).toContain('src="https://lab.example/x/?v=1&amp;embed=attack"');
    expect(snip).toContain('height="640"');
    expect(snip).toContain("e.origin !== 'https://lab.example'");
  });

  it('the embed carries the view but not the author\'s backend; the full-app link keeps it', () => {
    const store = createAppStore({ backend: 'webgl', kappa: 0.5 } as never);
    const s = store.getState();
    expect(new URL(embedUrl(s, 'https://x.example/', ['slider'])).searchParams.get('backend')).toBeNull();
  });

  it('the no-script snippet is the iframe alone, at a fixed height that grows with the panel set', () => {
    const snip = iframeSnippetNoScript('https://lab.example/x/?v=1&embed=slider,gallery', ['slider', 'gallery']);
    expect(snip).not.toContain('<script');
    expect(snip).toContain(`height="${fixedEmbedHeight(['slider', 'gallery'])}"`);
    expect(fixedEmbedHeight(['slider', 'gallery'])).toBeGreaterThan(fixedEmbedHeight(['slider']));
    expect(fixedEmbedHeight(['slider', 'gallery', 'attack']) - fixedEmbedHeight(['slider', 'gallery'])).toBeGreaterThan(700);
  });
});
