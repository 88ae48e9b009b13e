import react from '@vitejs/plugin-react';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { connectSources } from './src/lib/connect-policy';

// Cross-origin isolation lets the wasm backend use threads (SharedArrayBuffer). Served by dev and preview;
// a static host without these headers still works, single-threaded.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'cross-origin',
};

/** The trailing-slash check, inlined into every built page and allowed by its hash alone. */
const PATH_CHECK = readFileSync(resolve(import.meta.dirname, 'src/app/path-check.js'), 'utf8');
const PATH_CHECK_HASH = `'sha256-${createHash('sha256').update(PATH_CHECK).digest('base64')}'`;

/**
 * The built app's Content-Security-Policy, sent by `vite preview` and written into every built page as a
 * meta tag (for static hosts that send no headers). wasm needs 'wasm-unsafe-eval'; its thread pool and
 * TF.js's workers start from blob: URLs. No inline script but the path check, no eval, nothing off-site.
 * frame-ancestors is left out: the embed may be hosted anywhere (and a meta tag cannot carry it).
 * connect-src is the page's own site only, unless the host lists more at build time for "Load from URL":
 * `JUMPRELU_CONNECT_SRC="https://models.example.org https://*.example.net" npm run build` (host or scheme
 * sources only; anything else stops the build). The app reads it back to explain a refused URL.
 */
export const CSP = [
  "default-src 'self'",
  `script-src 'self' 'wasm-unsafe-eval' blob: ${PATH_CHECK_HASH}`,
  "worker-src 'self' blob:",
  `connect-src ${connectSources(process.env.JUMPRELU_CONNECT_SRC)}`,
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

/** Built pages only: the dev server's React refresh preamble is an inline script. */
function builtPageSecurity(): Plugin {
  return {
    name: 'jumprelu-csp',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      // Right after <meta charset> (which must stay within the first 1024 bytes) and before any script.
      handler: (html) => html.replace(/<meta charset="UTF-8" \/>/i, (m) =>
        `${m}\n    <meta http-equiv="Content-Security-Policy" content="${CSP}" />\n    <script>${PATH_CHECK}</script>`),
    },
  };
}

/**
 * Cache headers for `vite preview`, as a static host should send them: hashed bundle files forever;
 * models, shards and reference results for a day (their names are stable, their bytes checksummed by the
 * cards and manifests, so a stale copy is refused, never used); pages revalidated every time.
 */
export function cacheControl(url: string): string {
  const path = url.split('?')[0];
  if (/\/assets\//.test(path)) return 'public, max-age=31536000, immutable';
  if (/\/(models|data|reference)\//.test(path)) return 'public, max-age=86400';
  return 'no-cache';
}

function previewCaching(): Plugin {
  return {
    name: 'jumprelu-cache-headers',
    configurePreviewServer(server) {
      server.middlewares.use((req, res, next) => {
        res.setHeader('Cache-Control', cacheControl(req.url ?? '/'));
        next();
      });
    },
  };
}

export default defineConfig({
  // Relative base: the built bundle works from any sub-path of a course site and from file servers.
  base: './',
  plugins: [react(), builtPageSecurity(), previewCaching()],
  server: { headers: isolation, port: 5173, strictPort: true },
  // nosniff: a file is only ever what its Content-Type says (a model, shard or JSON file never runs as a script).
  preview: { headers: { ...isolation, 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff' }, port: 4173, strictPort: true },
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
    rollupOptions: {
      input: {
        main: resolve(import.meta.dirname, 'index.html'),
        diagnostics: resolve(import.meta.dirname, 'diagnostics.html'),
      },
    },
  },
});
