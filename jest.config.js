/** Unit tests sit next to the code (*.test.ts); end-to-end tests live in test/ (*.e2e.test.ts). */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  roots: ['<rootDir>/server', '<rootDir>/media', '<rootDir>/config', '<rootDir>/softphone', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // sip.js ships ES modules only: let SWC compile it for the tests
  transformIgnorePatterns: ['/node_modules/(?!sip\\.js/)'],
  testTimeout: 60000,
  maxWorkers: 2,
};
