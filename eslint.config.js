// Lint rules that carry the architecture of ../shared/DESIGN.md: the pure libraries import
// nothing from Nest, NATS or TypeORM, and libs are reached only through their public
// `@govx/<name>` surface, never by a deep import.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const deepImports = {
  group: ['@govx/*/*', '**/libs/*/src/**', '../../libs/**'],
  message: 'Import a lib through its public surface, @govx/<name>.',
};
const frameworks = {
  group: ['@nestjs/*', 'typeorm', '@nats-io/*', 'pg'],
  message:
    'The pure libraries (crypto, ledger-core, policy, contracts) stay free of Nest, NATS and TypeORM.',
};

export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', 'coverage/**', '.govx/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/explicit-module-boundary-types': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: [deepImports] }],
    },
  },
  {
    files: ['libs/{crypto,ledger-core,policy,contracts}/src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [deepImports, frameworks] }] },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/explicit-module-boundary-types': 'off' },
  },
);
