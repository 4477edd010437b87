/**
 * `import 'appsync-vtl/jest'` (or list it in `setupFilesAfterEnv`): adds the
 * matchers to Jest's global `expect` and declares them to TypeScript.
 */

import { AppSyncMatchers, matchers } from './matchers'

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace jest {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Matchers<R> extends AppSyncMatchers<R> {}
  }
}

const jestExpect = (globalThis as { expect?: { extend(m: object): void } }).expect
if (!jestExpect) {
  throw new Error("appsync-vtl/jest: no global `expect`; import it from a Jest test or a setupFilesAfterEnv file")
}
jestExpect.extend(matchers)

export { matchers }
