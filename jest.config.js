/** Every test tier runs from here: unit specs beside the code, e2e specs in test/. */
module.exports = {
  rootDir: '.',
  moduleFileExtensions: ['js', 'json', 'ts'],
  testRegex: '.*\\.(spec|e2e-spec)\\.ts$',
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }],
    // Node 20 can require() these ESM-only packages; jest's module system cannot, so compile them.
    '^.+/node_modules/content-disposition/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true }, diagnostics: false }],
  },
  transformIgnorePatterns: ['/node_modules/(?!content-disposition/)'],
  testEnvironment: 'node',
  globalSetup: '<rootDir>/libs/testing/src/global-setup.ts',
  testSequencer: '<rootDir>/libs/testing/src/proof-last.sequencer.js',
  setupFiles: ['<rootDir>/libs/testing/src/test-env.ts'],
  testTimeout: 30000,
  moduleNameMapper: {
    '^@app/(domain|database|queues|config|webhooks|testing)(|/.*)$': '<rootDir>/libs/$1/src$2',
  },
};
