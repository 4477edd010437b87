/**
 * `import 'appsync-vtl/vitest'` (or list it in `setupFiles`): adds the
 * matchers to Vitest's `expect` and declares them to TypeScript.
 */

import { expect } from 'vitest'

import pkg from './index.js'
import type { AppSyncMatchers } from './index.js'

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-explicit-any
  interface Assertion<T = any> extends AppSyncMatchers<T> {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface AsymmetricMatchersContaining extends AppSyncMatchers {}
}

export const matchers = pkg.matchers
expect.extend(matchers)
