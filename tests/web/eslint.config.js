// ESLint for stagehub's JavaScript (scripts/lint runs it from the repository root with
// `--config tests/web/eslint.config.js`): the recommended rules, browser globals for the
// pages' modules in web/, node globals for the browser tests. The pinned packages live in
// tests/web/node_modules (scripts/setup installs them); formatting is Prettier's business.
import js from '@eslint/js';
import globals from 'globals';

export default [
  { ignores: ['**/node_modules/**', 'build*/**', 'tests/web/artifacts/**'] },
  js.configs.recommended,
  {
    files: ['web/**/*.mjs'],
    languageOptions: { ecmaVersion: 'latest', sourceType: 'module', globals: globals.browser },
  },
  {
    // The tests run in node, but the functions they hand to page.evaluate() run in the page:
    // both sets of globals.
    files: ['tests/web/**/*.mjs', 'tests/web/**/*.js'],
    languageOptions: {
      ecmaVersion: 'latest',
      sourceType: 'module',
      globals: { ...globals.node, ...globals.browser },
    },
  },
];
