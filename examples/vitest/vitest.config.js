import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Adds toEvaluateTo, toBeUnauthorized and toEvaluateToSnapshot to Vitest's expect.
    setupFiles: ['./vitest.setup.js'],
  },
})
