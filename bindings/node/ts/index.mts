/** The ESM entry point: the CommonJS build's exports, by name. */
export * from './index.js'
