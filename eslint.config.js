import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import noImportCycle from './eslint-rules/no-import-cycle.js';

/**
 * Layers, each importing only from layers to its left (type-only imports excepted), and no cycles:
 *   src/core → src/worker → src/state → src/features → src/app
 * core is the compute core (op, kernels, retrofit, attacks, metrics, data, models): no React, no DOM store.
 * The page reaches TF.js only through the worker: state imports of the worker only its job table and
 * client, of the core only modules without TF.js; features import neither at run time.
 */
const restrict = (...rules) => ({
  'no-restricted-imports': ['error', { patterns: rules.map(([group, message]) => ({ group, message, allowTypeImports: true })) }],
});

const CORE_OUT = [['react', 'react-dom', 'zustand', 'recharts', '**/worker/**', '**/state/**', '**/features/**', '**/app/**', '**/lib/**'],
  'src/core is the compute core: it runs in Node and in the worker, so it must not import UI, state or browser-only code.'];

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'test-results', 'playwright-report', 'artifacts', '.cache', 'training'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { layering: { rules: { 'no-import-cycle': noImportCycle } } },
    rules: {
      'layering/no-import-cycle': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['src/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    files: ['src/core/**'],
    rules: restrict(CORE_OUT),
  },
  // Inside the core, lower before higher: op, data, backend, input → retrofit, models → attacks → metrics → bench.
  {
    files: ['src/core/{op,data,backend,input,retrofit,models}/**'],
    ignores: ['**/*.test.ts'],
    rules: restrict(CORE_OUT, [['**/attacks/**', '**/metrics/**', '**/bench/**'],
      'The core\'s kernels, data, retrofit and models sit below its attacks, metrics and benchmarks: move shared code down (op/rows.ts, metrics/user-model-card.ts), never import up.']),
  },
  {
    files: ['src/core/attacks/**'],
    ignores: ['**/*.test.ts'],
    rules: restrict(CORE_OUT, [['**/metrics/**', '**/bench/**'], 'Attacks sit below the metrics and benchmarks that run them.']),
  },
  {
    files: ['src/worker/**'],
    rules: restrict([['react', 'react-dom', 'zustand', 'recharts', '**/state/**', '**/features/**', '**/app/**'],
      'The worker runs TF.js only; UI and state live on the main thread.']),
  },
  {
    files: ['src/state/**'],
    ignores: ['**/*.test.ts'],
    rules: restrict(
      [['@tensorflow/*', '**/features/**', '**/app/**'], 'State never runs TF.js and never imports the UI.'],
      [['**/worker/*', '**/worker/*/**', '!**/worker/client', '!**/worker/jobs', '!**/worker/jobs/*'], 'State reaches the worker only through its job contracts and client (worker/jobs, worker/client).'],
      [['**/core/*/*', '**/core/*/*/**', '!**/core/attacks/params', '!**/core/metrics/kappa-tuner', '!**/core/models/user-model-input', '!**/core/models/user-model-source', '!**/core/input/drawing-code', '!**/core/op/gradient-mode', '!**/core/backend/fallback-notice', '!**/core/metrics/wilson', '!**/core/models/quoted-text'],
        'State may use only the core modules without TF.js (attacks/params, metrics/kappa-tuner, models/user-model-input and -source, input/drawing-code, op/gradient-mode, backend/fallback-notice, metrics/wilson, models/quoted-text); the rest runs in the worker.'],
    ),
  },
  {
    // Every job state change goes through the one runner (slices/jobs-slice.ts): no hand-written `jobs` writes.
    files: ['src/state/**', 'src/features/**', 'src/app/**'],
    ignores: ['**/*.test.ts', 'src/state/slices/jobs-slice.ts'],
    rules: {
      'no-restricted-syntax': ['error', {
        selector: "ObjectExpression > Property[key.name='jobs']",
        message: 'Job states change only through runJob / runLocal / cancelJob / resetJob (state/slices/jobs-slice.ts).',
      }],
    },
  },
  {
    files: ['src/features/**'],
    rules: restrict(
      [['@tensorflow/*', '**/worker/**', '**/core/**', '**/app/**'], 'Components render state and call store actions; compute belongs to the worker and the core.'],
    ),
  },
);
