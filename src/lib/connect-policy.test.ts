/** connect-src as the build writes it and as "Load from URL" reads it back (CSP Level 3 source-list matching). */
import { describe, expect, it } from 'vitest';
import { CSP } from '../../vite.config';
import { connectAllowed, connectSources, connectSrcOf } from './connect-policy';

const page = new URL('https://lab.example/course/jumprelu/');
const allowed = (csp: string, url: string) => connectAllowed(csp, new URL(url), page);

describe('connect-src', () => {
  it.skipIf(process.env.JUMPRELU_CONNECT_SRC)('the built policy allows the page\'s own site only', () => {
    expect(connectSrcOf(CSP)).toEqual(["'self'"]);
    expect(allowed(CSP, 'https://lab.example/models/m/model.json')).toBe(true);
    expect(allowed(CSP, 'https://other.site/model.json')).toBe(false);
    expect(allowed(CSP, 'https://lab.example:8443/model.json')).toBe(false);
    expect(allowed(CSP, 'http://127.0.0.1:9/model.json')).toBe(false);
  });

  it('a host\'s additions: hosts, wildcards, ports, paths, schemes', () => {
    const csp = `default-src 'self'; connect-src ${connectSources('https://models.example.org https://*.hf.co:* cdn.example/nets/ data:')}`;
    expect(allowed(csp, 'https://models.example.org/a/model.json')).toBe(true);
    expect(allowed(csp, 'http://models.example.org/a/model.json')).toBe(false);
    expect(allowed(csp, 'https://models.example.org:8080/model.json')).toBe(false);
    expect(allowed(csp, 'https://x.hf.co:8443/model.json')).toBe(true);
    expect(allowed(csp, 'https://hf.co/model.json')).toBe(false);
    expect(allowed(csp, 'https://cdn.example/nets/a/model.json')).toBe(true);
    expect(allowed(csp, 'https://cdn.example/other/model.json')).toBe(false);
    expect(allowed(csp, 'data:application/json,{}')).toBe(true);
    expect(allowed("connect-src *", 'https://anything.example/m.json')).toBe(true);
    expect(allowed("connect-src 'none'", 'https://lab.example/m.json')).toBe(false);
    expect(allowed("script-src 'self'", 'https://other.site/m.json')).toBe(true); // no connect-src, no default-src
    expect(allowed("default-src 'self'", 'https://other.site/m.json')).toBe(false);
    expect(allowed("connect-src *, connect-src 'self'", 'https://other.site/m.json')).toBe(false); // every policy applies
  });

  it('JUMPRELU_CONNECT_SRC takes host and scheme sources only', () => {
    expect(connectSources(undefined)).toBe("'self'");
    expect(connectSources('  https://a.example  https://b.example:8443/x/ ')).toBe("'self' https://a.example https://b.example:8443/x/");
    for (const bad of ["'unsafe-inline'", 'https://a.example; script-src *', 'https://a.example,', '"x"', "'none'"]) {
      expect(() => connectSources(bad)).toThrow(/JUMPRELU_CONNECT_SRC/);
    }
  });
});
