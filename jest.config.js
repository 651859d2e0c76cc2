/** Unit tests sit next to the code (*.test.ts); end-to-end tests live in test/ (*.e2e.test.ts). */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }],
    // PGlite's CommonJS build loads Node modules with import(), which jest's VM refuses without
    // --experimental-vm-modules: SWC turns those into require()
    '@electric-sql/pglite/.+\\.cjs$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  roots: ['<rootDir>/server', '<rootDir>/media', '<rootDir>/config', '<rootDir>/softphone', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // sip.js ships ES modules only: let SWC compile it for the tests (and PGlite, see above)
  transformIgnorePatterns: ['/node_modules/(?!(sip\\.js|@electric-sql/pglite)/)'],
  testTimeout: 60000,
  maxWorkers: 2,
};
