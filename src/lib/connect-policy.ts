/**
 * The page's connect-src: what vite.config.ts writes into the built page's Content-Security-Policy, and
 * what "Load from URL" reads back to tell a URL the policy forbids (no server setting helps; the host of
 * the page can list the site) from one whose server refuses it (CORS).
 *
 * Build: connect-src is 'self' plus the sources in JUMPRELU_CONNECT_SRC (space-separated host or scheme
 * sources, e.g. `https://models.example.org https://*.hf.co`); anything else there (a keyword, a quote, a
 * `;`) stops the build rather than end up in the policy.
 * Page: the policy in the page's meta tag is matched here as CSP Level 3 matches source lists ('self',
 * `*`, schemes, hosts with `*.` wildcards, ports, paths); a policy sent only as a header cannot be read
 * from a page, so a `securitypolicyviolation` event for the URL after a failed fetch counts too.
 */
import type { ConnectPolicy } from '../core/models/user-model-source';

const SCHEME_SOURCE = /^[a-z][a-z0-9+.-]*:$/i;
const HOST_SOURCE = /^(?:([a-z][a-z0-9+.-]*):\/\/)?(\*|(?:\*\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*)(?::(\d{1,5}|\*))?(\/[^\s;,'"]*)?$/i;

/** connect-src's sources: 'self' and the host's additions (the value of JUMPRELU_CONNECT_SRC); throws on anything else. */
export function connectSources(extra: string | undefined): string {
  const added = (extra ?? '').split(/\s+/).filter(Boolean);
  const bad = added.filter((s) => !SCHEME_SOURCE.test(s) && !HOST_SOURCE.test(s));
  if (bad.length) {
    throw new Error(`JUMPRELU_CONNECT_SRC: ${bad.map((s) => JSON.stringify(s)).join(', ')} is not a host or scheme source `
      + '(e.g. https://models.example.org, https://*.example.org, https:)');
  }
  return ["'self'", ...added].join(' ');
}

/** CSP3 scheme-part match: an expression's scheme admits the same scheme and its secure upgrade. */
function schemeMatches(expr: string, scheme: string): boolean {
  return expr === scheme || (expr === 'http:' && scheme === 'https:') || (expr === 'ws:' && ['wss:', 'http:', 'https:'].includes(scheme))
    || (expr === 'wss:' && scheme === 'https:');
}

const DEFAULT_PORT: Record<string, string> = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' };
const portOf = (u: URL): string => u.port || DEFAULT_PORT[u.protocol] || '';

function sourceMatches(source: string, url: URL, page: URL): boolean {
  const s = source.toLowerCase();
  if (s === '*') return ['http:', 'https:', 'ws:', 'wss:', page.protocol].includes(url.protocol);
  if (s === "'self'") {
    return url.origin === page.origin
      || (url.hostname === page.hostname && schemeMatches(page.protocol, url.protocol) && (portOf(url) === portOf(page) || url.port === ''));
  }
  if (s.startsWith("'")) return false; // 'none', nonces, hashes, 'unsafe-…': never a URL
  if (SCHEME_SOURCE.test(s)) return schemeMatches(s, url.protocol);
  const m = HOST_SOURCE.exec(s);
  if (!m) return false;
  const [, scheme, host, port, path] = m;
  if (!schemeMatches(scheme ? `${scheme}:` : page.protocol, url.protocol)) return false;
  if (host !== '*' && !(host.startsWith('*.') ? url.hostname.endsWith(host.slice(1)) : url.hostname === host)) return false;
  if (port === undefined ? url.port !== '' : port !== '*' && port !== portOf(url)) return false;
  if (path && path !== '/') {
    const want = decodeURIComponent(path);
    const have = decodeURIComponent(url.pathname);
    if (want.endsWith('/') ? !have.startsWith(want) : have !== want) return false;
  }
  return true;
}

/** The connect-src of one policy (default-src where it has none); null: the policy restricts no fetch. */
export function connectSrcOf(policy: string): string[] | null {
  const directives = new Map<string, string[]>();
  for (const d of policy.split(';')) {
    const [name, ...sources] = d.trim().split(/\s+/);
    if (name && !directives.has(name.toLowerCase())) directives.set(name.toLowerCase(), sources);
  }
  return directives.get('connect-src') ?? directives.get('default-src') ?? null;
}

/** Whether a page at `page` under `csp` (one or more comma-separated policies) may fetch `url`. */
export function connectAllowed(csp: string, url: URL, page: URL): boolean {
  return csp.split(',').every((policy) => {
    const sources = connectSrcOf(policy);
    return sources === null || sources.some((s) => sourceMatches(s, url, page));
  });
}

/**
 * This page's policy for fetches, from its Content-Security-Policy meta tags and the violations the
 * browser reports while it is open; null outside a browser. `close` stops listening.
 */
export function pageConnectPolicy(): (ConnectPolicy & { close(): void }) | null {
  if (typeof document === 'undefined' || typeof location === 'undefined') return null;
  const page = new URL(location.href);
  const policies = Array.from(document.querySelectorAll('meta[http-equiv="Content-Security-Policy" i]'), (m) => m.getAttribute('content') ?? '');
  const violations: string[] = [];
  const listen = (e: SecurityPolicyViolationEvent) => {
    if (/^(connect-src|default-src)\b/.test(e.effectiveDirective || e.violatedDirective)) violations.push(e.blockedURI);
  };
  document.addEventListener('securitypolicyviolation', listen);
  return {
    origin: page.origin,
    allows: (url) => policies.every((csp) => connectAllowed(csp, url, page)),
    blocked: async (url) => {
      await new Promise((r) => setTimeout(r, 50)); // the report is a task of its own, queued with the failure
      return violations.some((b) => b !== '' && (b === url.href || b === url.origin || url.href.startsWith(b)));
    },
    close: () => document.removeEventListener('securitypolicyviolation', listen),
  };
}
