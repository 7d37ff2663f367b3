// ESLint: typescript-eslint's recommended rules, the type-aware rules that catch real bugs here
// (floating and misused promises, unsafe `any` crossing a boundary), and the layer boundaries as
// import restrictions (the per-layer tsconfigs enforce the same at compile time).
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The top-level webview/ folder (not src/protocol/webview.ts).
const noWebview = {
  regex: '^(\\.\\./)+webview/',
  message: 'Only the webviews import webview code; share code through src/shared.',
};
const noVscode = { name: 'vscode', message: 'The engine, runner, CLI and shared layer never import vscode.' };

export default tseslint.config(
  {
    ignores: ['dist/**', 'out/**', 'node_modules/**', '.cache/**', 'test-results/**', 'runs/**', '**/*.js', '**/*.mjs'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Boundaries where untyped data enters: no `any` may flow on from there.
    files: ['src/**/*.ts', 'webview/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unsafe-argument': 'error',
      '@typescript-eslint/no-unsafe-assignment': 'error',
      '@typescript-eslint/no-unsafe-return': 'error',
      '@typescript-eslint/no-unsafe-member-access': 'error',
      '@typescript-eslint/no-unsafe-call': 'error',
    },
  },
  {
    files: ['src/engine/**/*.ts', 'src/runner/**/*.ts', 'src/cli/**/*.ts'],
    languageOptions: { globals: globals.node },
    rules: { 'no-restricted-imports': ['error', { paths: [noVscode], patterns: [noWebview] }] },
  },
  {
    files: ['src/extension/**/*.ts'],
    languageOptions: { globals: globals.node },
    rules: { 'no-restricted-imports': ['error', { patterns: [noWebview] }] },
  },
  {
    files: ['src/protocol/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noVscode],
          patterns: [
            noWebview,
            {
              group: ['**/engine/**', '**/extension/**', '**/cli/**', '**/runner/**'],
              message: 'The protocol and the shared layer stand alone: they import only each other.',
            },
            { group: ['fs', 'path', 'child_process', 'os', 'node:*'], message: 'No Node modules in the shared layer.' },
          ],
        },
      ],
    },
  },
  {
    files: ['webview/**/*.ts'],
    languageOptions: { globals: globals.browser },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noVscode],
          patterns: [
            {
              group: ['**/src/*', '!**/src/protocol', '!**/src/shared'],
              message: 'Webviews import only src/protocol and src/shared.',
            },
            { group: ['fs', 'path', 'child_process', 'os', 'node:*'], message: 'Webviews run in a browser.' },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    languageOptions: { globals: { ...globals.node, ...globals.mocha } },
  },
);
