// The shared type-aware rules, for a browser app written in .tsx, plus the rules of hooks.
import base from '@chat/eslint-config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

export default [
  ...base,
  { ...reactHooks.configs.flat.recommended, files: ['**/*.{ts,tsx}'] },
  { files: ['**/*.{ts,tsx}'], languageOptions: { globals: { ...globals.browser } } },
  // The browser tests run on Node and start the server with the test's environment, trimmed.
  {
    files: ['e2e/**'],
    languageOptions: { globals: { ...globals.node } },
    rules: { 'no-restricted-properties': 'off' },
  },
];
