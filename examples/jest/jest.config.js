/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Adds toEvaluateTo, toBeUnauthorized and toEvaluateToSnapshot to Jest's expect.
  setupFilesAfterEnv: ['appsync-vtl/jest'],
}
