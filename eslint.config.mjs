// @ts-check
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import { builtinModules } from 'node:module'

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)]

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      'out/**',
      '.tools/**',
      'resources/workflow-bundle.js',
      'test-results/**',
      'playwright-report/**',
      'bench/results/**',
      '.cache/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-misused-promises': [
        'error',
        { checksVoidReturn: { arguments: false, attributes: false } },
      ],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // Plain JS scripts are not part of a tsconfig project: lint them without type information.
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The bin shim is CommonJS by necessity (npm runs it with plain node).
    files: ['bin/**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: Node built-ins are not available there.
    // The shared modules workflows import are held to the same rule (add a file here when a workflow
    // starts importing it); src-shared/temporal/connection.ts is the one Node-only file of the contract.
    files: [
      'src-worker/workflows/**/*.ts',
      'src-shared/temporal/**/*.ts',
      'src-shared/runs/**/*.ts',
      'src-shared/comfy/input-edits.ts',
      'src-shared/comfy/seed-edit.ts',
      'src-shared/contract/farm.ts',
      'src-shared/contract/result.ts',
      'src-shared/contract/runs.ts',
      // runs.ts takes a run's server fields from here.
      'src-shared/contract/servers.ts',
    ],
    ignores: ['src-shared/temporal/connection.ts'],
    rules: {
      // The typescript-eslint variant, so activity *types* may be imported (their code may not).
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({ name, message: 'Workflows run in a sandbox without Node built-ins.' })),
          patterns: [
            {
              group: ['../activities/*', '../activities'],
              allowTypeImports: true,
              message: 'Import activities as types only.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        { paths: nodeBuiltins.map((name) => ({ name, message: 'The renderer has no Node.' })) },
      ],
    },
  },
  {
    // Only the typed wrapper may touch Electron's raw IPC objects (see src-main/electron/strict-ipc.ts).
    files: ['src-main/**/*.ts'],
    ignores: ['src-main/electron/strict-ipc.ts', 'src-main/electron/preload.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportSpecifier[imported.name=/^(ipcMain|ipcRenderer)$/]',
          message: 'Use the typed wrappers in src-main/electron/strict-ipc.ts.',
        },
      ],
    },
  }
)
