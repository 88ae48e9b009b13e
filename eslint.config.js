import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Layers, each importing only from layers to its left (type-only imports excepted):
 *   src/core → src/worker → src/state → src/features → src/app
 * core is the compute core (op, kernels, retrofit, attacks, metrics, data, models): no React, no DOM store.
 */
const restrict = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message, allowTypeImports: true }] }],
});

export default tseslint.config(
  { ignores: ['dist', 'node_modules', 'test-results', 'playwright-report', 'artifacts', '.cache', 'training'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
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
    rules: restrict(['react', 'react-dom', 'zustand', 'recharts', '**/worker/**', '**/state/**', '**/features/**', '**/app/**', '**/lib/**'],
      'src/core is the compute core: it runs in Node and in the worker, so it must not import UI, state or browser-only code.'),
  },
  {
    files: ['src/worker/**'],
    rules: restrict(['react', 'react-dom', 'zustand', 'recharts', '**/state/**', '**/features/**', '**/app/**'],
      'The worker runs TF.js only; UI and state live on the main thread.'),
  },
  {
    files: ['src/state/**'],
    rules: restrict(['@tensorflow/*', '**/worker/server*', '**/features/**', '**/app/**'],
      'State talks to the worker through the bridge; it never runs TF.js itself.'),
  },
  {
    files: ['src/features/**'],
    rules: restrict(['@tensorflow/*', '**/worker/**', '**/app/**'],
      'Components render state and send requests; TF.js work belongs in the worker.'),
  },
);
