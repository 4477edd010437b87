/**
 * Matchers for Jest and Vitest (`expect.extend(matchers)`, or import
 * `appsync-vtl/jest` / `appsync-vtl/vitest`, which also declare their types).
 * The value under test is a request (`{ template, context, ...options }`) or a
 * response from `evaluateMappingTemplate` or `LocalAppSyncClient.send`.
 */

import * as path from 'node:path'

import native from './native'
import { call, EvaluateMappingTemplateResponse, evaluateMappingTemplateSync, KeptRequest, REQUEST } from './evaluate'

/** The part of Jest's and Vitest's matcher context the matchers use. */
export interface MatcherContext {
  isNot?: boolean
  equals(a: unknown, b: unknown): boolean
  utils?: { diff?(a: unknown, b: unknown): string | null | undefined }
  testPath?: string
  currentTestName?: string
  /** Jest's and Vitest's snapshot state (its update mode is read, not typed, to stay independent of either). */
  snapshotState?: object
}

/** What a matcher returns to Jest and Vitest. */
export interface MatcherResult {
  pass: boolean
  message(): string
}

interface Evaluated {
  response: EvaluateMappingTemplateResponse
  request?: KeptRequest
}

function isResponse(v: unknown): v is EvaluateMappingTemplateResponse {
  return v !== null && typeof v === 'object' && ('evaluationResult' in v || 'error' in v) && 'logs' in v
}

/** The response for what `expect` received: evaluated when it is a request. */
function evaluated(received: unknown): Evaluated {
  if (isResponse(received)) {
    return { response: received, request: (received as unknown as Record<symbol, KeptRequest>)[REQUEST] }
  }
  const response = evaluateMappingTemplateSync(received as never)
  return { response, request: (response as unknown as Record<symbol, KeptRequest>)[REQUEST] }
}

function show(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v, null, 2)
}

/** The evaluation result parsed when it is JSON, else the text. */
function result(response: EvaluateMappingTemplateResponse): unknown {
  const text = response.evaluationResult
  if (text === undefined) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** `vtl explain`'s answer for `watch` in the request, indented, or a note why there is none. */
function explanation(request: KeptRequest | undefined, watch: string[]): string {
  if (!request) return '  (no explanation: the response does not say which template and context it came from)'
  try {
    const why = call(() => native.explain(request.template, request.context, watch, request.options))
    return why.text
      .trimEnd()
      .split('\n')
      .map((l: string) => `  ${l}`)
      .join('\n')
  } catch (e) {
    return `  (no explanation: ${(e as Error).message})`
  }
}

function errorLine(response: EvaluateMappingTemplateResponse): string {
  const e = response.error
  if (!e) return 'no error'
  return `${e.type ?? 'error'}: ${e.message}`
}

/** The template evaluates to `expected` (an object compared as JSON, a string compared as text). */
function toEvaluateTo(this: MatcherContext, received: unknown, expected: unknown): MatcherResult {
  const { response } = evaluated(received)
  const got = typeof expected === 'string' ? response.evaluationResult : result(response)
  const pass = response.error === undefined && this.equals(got, expected)
  return {
    pass,
    message: () => {
      if (this.isNot) return `expected the template not to evaluate to ${show(expected)}`
      if (response.error) {
        const where = response.error.snippet ? `\n${response.error.snippet}` : ''
        return `expected the template to evaluate to ${show(expected)}, but it ended with ${errorLine(response)}${where}`
      }
      const diff = this.utils?.diff?.(expected, got)
      return `expected the template to evaluate to ${show(expected)}\n${diff ?? `received ${show(got)}`}`
    },
  }
}

/** Options of `toBeUnauthorized`. */
export interface UnauthorizedOptions {
  /** The variables explained in the failure message (default `['isAuthorized']`, Amplify's). */
  watch?: string[]
}

/**
 * The template ends in `Unauthorized` (`$util.unauthorized()`, or an error of
 * type `Unauthorized`). When it decides otherwise than expected, the message
 * explains `$isAuthorized`: its assignments, the conditions that guarded them
 * with their values, and the ones that never ran.
 */
function toBeUnauthorized(this: MatcherContext, received: unknown, options: UnauthorizedOptions = {}): MatcherResult {
  const { response, request } = evaluated(received)
  const pass = response.error?.type === 'Unauthorized'
  const watch = options.watch ?? ['isAuthorized']
  return {
    pass,
    message: () =>
      (this.isNot
        ? `expected the template to authorize the request, but it ended with ${errorLine(response)}`
        : `expected the template to answer Unauthorized, but it ended with ${errorLine(response)}`) +
      `\n\nwhy (vtl explain --watch ${watch.join(' --watch ')}):\n${explanation(request, watch)}`,
  }
}

const counters = new Map<string, number>()

function snapshotName(test: string): string {
  return test.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 120) || 'snapshot'
}

/**
 * The response matches its snapshot, kept as `vtl test` keeps them: a file in
 * insta's format (`.vtlsnap`, so that Jest does not take them for its own)
 * under `__vtl_snapshots__/` beside the test file. A new or
 * changed result is written as `.snap.new` and fails; `-u` (or
 * `VTL_ACCEPT=1`) accepts it.
 */
function toEvaluateToSnapshot(this: MatcherContext, received: unknown, hint?: string): MatcherResult {
  const { response } = evaluated(received)
  const testPath = this.testPath ?? path.join(process.cwd(), 'test')
  const base = `${path.basename(testPath)}@${snapshotName(this.currentTestName ?? 'test')}${hint ? `-${snapshotName(hint)}` : ''}`
  const seen = (counters.get(`${testPath}:${base}`) ?? 0) + 1
  counters.set(`${testPath}:${base}`, seen)
  const file = path.join(path.dirname(testPath), '__vtl_snapshots__', `${base}${seen > 1 ? `-${seen}` : ''}.vtlsnap`)
  const body: Record<string, unknown> = { output: result(response) }
  if (response.error) body.error = response.error
  if (response.logs.length) body.logs = response.logs
  if (response.stash !== '{}') body.stash = JSON.parse(response.stash)
  if (response.outErrors !== '[]') body.outErrors = JSON.parse(response.outErrors)
  const update = (this.snapshotState as { _updateSnapshot?: string } | undefined)?._updateSnapshot
  const accept = update === 'all' || process.env.VTL_ACCEPT === '1'
  const checked = call(() => native.checkSnapshot(file, this.currentTestName ?? base, JSON.stringify(body, null, 2), accept))
  const pass = checked.verdict === 'matched' || checked.accepted
  return {
    pass,
    message: () => {
      if (this.isNot) return '.not.toEvaluateToSnapshot() is not supported'
      switch (checked.verdict) {
        case 'new':
          return `no snapshot yet: review ${checked.written}, then accept it (jest -u, vitest -u, or VTL_ACCEPT=1)`
        case 'changed':
          return `the result differs from ${file} (the new result is in ${checked.written}):\n${checked.diff ?? ''}`
        default:
          return `${file}: ${checked.notes.join('; ')}`
      }
    },
  }
}

/** The matchers, for `expect.extend(matchers)`. */
export const matchers = { toEvaluateTo, toBeUnauthorized, toEvaluateToSnapshot }

/** The matchers' signatures, for declaring them to Jest and Vitest. */
export interface AppSyncMatchers<R = unknown> {
  /** The template evaluates to `expected` (an object compared as JSON, a string compared as text). */
  toEvaluateTo(expected: unknown): R
  /** The template answers Unauthorized; a failure explains `$isAuthorized` (or `options.watch`). */
  toBeUnauthorized(options?: UnauthorizedOptions): R
  /** The response matches its snapshot under `__vtl_snapshots__/` (accept with `-u` or `VTL_ACCEPT=1`). */
  toEvaluateToSnapshot(hint?: string): R
}
