// The ESM entry point has the CommonJS build's exports, by name.
import test from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'

import * as esm from 'appsync-vtl'

const cjs = createRequire(import.meta.url)('appsync-vtl')

test('ESM and CommonJS export the same names', () => {
  const names = (m) => Object.keys(m).filter((k) => k !== '__esModule' && k !== 'default').sort()
  assert.deepEqual(names(esm), names(cjs))
  assert.equal(esm.evaluateMappingTemplateSync({ template: '$util.toJson([7 / 2])', context: {} }).evaluationResult, '[3]')
})
