// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Module boundaries: code outside a module may import only its index.ts. Inside server/src/modules/<m>/,
 * `../<other>/anything-but-index` is refused; elsewhere, `modules/<m>/anything-but-index` is refused.
 */
const moduleBoundary = {
  'no-restricted-imports': [
    'error',
    {
      patterns: [
        {
          group: ['../*/*', '!../*/index.js', '!../*/index', '!../../**'],
          message: 'Import another module only through its index.ts (module boundary).',
        },
        {
          group: ['**/modules/*/*', '!**/modules/*/index.js', '!**/modules/*/index', '!**/modules/registry.js'],
          message: 'Import a module only through its index.ts (module boundary).',
        },
      ],
    },
  ],
};

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/.cache/**', 'data/**', '**/bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'error',
    },
  },
  { files: ['server/src/modules/*/**/*.ts'], rules: moduleBoundary },
  {
    // contracts/ is read by the server and by browsers alike: no dependencies, nothing but its own files (its tsconfig
    // has no Node and no DOM types either).
    files: ['contracts/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!\\./)', message: 'Contracts have no dependencies: import only their own files (./x.js).' }] },
      ],
    },
  },
  {
    // antd's own pickers take the browser's today; the shared ones take China's (web/src/shared/date-picker-config.ts).
    files: ['web/src/**/*.{ts,tsx}'],
    ignores: ['web/src/shared/date-picker.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: 'antd',
              importNames: ['DatePicker', 'TimePicker'],
              message: "Use DatePicker (DatePicker.RangePicker, DatePicker.TimePicker) from web/src/shared/date-picker: its today is China's.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/src/**/*.ts', 'server/test/**/*.ts', 'server/bench/**/*.ts'],
    ignores: ['server/src/modules/*/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/modules/*/*', '!**/modules/*/index.js', '!**/modules/*/index'],
              message: 'Import a module only through its index.ts (module boundary).',
            },
          ],
        },
      ],
    },
  },
);
