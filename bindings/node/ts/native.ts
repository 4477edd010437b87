/**
 * The native addon, loaded by the loader `napi build` generates (`native.js`);
 * its declarations (`native.d.ts`) are generated from the Rust code.
 * @internal
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const native: typeof import('../native') = require('../native.js')

export default native
