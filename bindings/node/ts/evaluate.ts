/**
 * `evaluateMappingTemplate`: EvaluateMappingTemplate, offline. Arguments are
 * checked here (a wrong type is a `TypeError` naming the argument); the engine
 * does the rest.
 */

import type { EvaluateOptions, EvaluateResponse, Explanation, Diagnostic, RunSummary, RunCasesOptions } from '../native'
import { fromNative } from './errors'
import native from './native'

export type { EvaluateOptions, ErrorDetail, Explanation, Diagnostic, RunSummary, RunCasesOptions, CaseResult } from '../native'

/** A context as the SDK takes it (JSON text) or as an object. */
export type Context = string | Record<string, unknown>

/** What `EvaluateMappingTemplateCommand` takes: the template and its context. */
export interface EvaluateInput {
  /** The mapping template (VTL). */
  template: string
  /** The context: JSON text, as the SDK takes it, or an object. */
  context: Context
}

/** What EvaluateMappingTemplate returns (`error` carries `line`, `column` and `snippet` for engine errors). */
export type EvaluateMappingTemplateResponse = EvaluateResponse

/** Where a response came from, kept for the matchers' explanations. @internal */
export const REQUEST = Symbol.for('appsync-vtl.request')

/** A request as kept on a response. @internal */
export interface KeptRequest {
  template: string
  context: string
  options: EvaluateOptions
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v
}

/** `context` as JSON text; a `TypeError` for anything else. @internal */
export function contextText(context: unknown, what = 'context'): string {
  if (typeof context === 'string') return context
  if (context !== null && typeof context === 'object' && !Array.isArray(context)) {
    return JSON.stringify(context)
  }
  throw new TypeError(`${what} must be JSON text or an object, got ${typeName(context)}`)
}

/** A string option, checked; a `TypeError` names it. */
function stringOption(value: unknown, what: string, key: string): string | undefined {
  if (value !== undefined && typeof value !== 'string') {
    throw new TypeError(`${what}.${key} must be a string, got ${typeName(value)}`)
  }
  return value
}

/** Checks the options object; a `TypeError` names the bad one. @internal */
export function checkOptions(options: unknown, what = 'options'): EvaluateOptions {
  if (options === undefined || options === null) return {}
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${what} must be an object, got ${typeName(options)}`)
  }
  // One line a field, not a loop over names: a read by a constant name is the
  // fast one, and this runs on every call.
  const o = options as Record<string, unknown>
  const seed = o.seed
  if (seed !== undefined && !(Number.isInteger(seed) && (seed as number) >= 0 && (seed as number) <= 0xffffffff)) {
    throw new TypeError(`${what}.seed must be an integer from 0 to 4294967295`)
  }
  return {
    authType: stringOption(o.authType, what, 'authType'),
    caller: stringOption(o.caller, what, 'caller'),
    jwt: stringOption(o.jwt, what, 'jwt'),
    now: stringOption(o.now, what, 'now'),
    seed: seed as number | undefined,
    name: stringOption(o.name, what, 'name'),
  }
}

/** The input's template and context, checked. @internal */
export function checkInput(input: unknown, what = 'input'): { template: string; context: string } {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new TypeError(`${what} must be an object { template, context }, got ${typeName(input)}`)
  }
  const { template, context } = input as Record<string, unknown>
  if (typeof template !== 'string') {
    throw new TypeError(`${what}.template must be a string, got ${typeName(template)}`)
  }
  return { template, context: contextText(context === undefined ? '{}' : context, `${what}.context`) }
}

/** The option fields an input object may carry beside its template and context, then `options` over them. @internal */
export function mergedOptions(input: unknown, options: unknown): EvaluateOptions {
  const fields = checkOptions(input, 'input')
  if (options === undefined || options === null) return fields
  // Each option given in `options` replaces the input's field of that name; the others stay.
  const given = checkOptions(options)
  return {
    authType: given.authType ?? fields.authType,
    caller: given.caller ?? fields.caller,
    jwt: given.jwt ?? fields.jwt,
    now: given.now ?? fields.now,
    seed: given.seed ?? fields.seed,
    name: given.name ?? fields.name,
  }
}

/** The numbers of the templates the addon keeps parsed, by name (`undefined`: the default) and text. */
const prepared = new Map<string | undefined, Map<string, number>>()
let preparedCount = 0
/** How many template numbers are kept before this cache starts again (the addon bounds its own table too). */
const KEPT_TEMPLATES = 256

/**
 * The template's number in the addon, which parses it once: a suite evaluates
 * the same template against many contexts, and a number crosses into the addon
 * cheaper than the template's text.
 */
function preparedTemplate(template: string, name: string | undefined): number {
  let byText = prepared.get(name)
  let kept = byText?.get(template)
  if (kept === undefined) {
    if (preparedCount >= KEPT_TEMPLATES) {
      prepared.clear()
      preparedCount = 0
      byText = undefined
    }
    if (byText === undefined) prepared.set(name, (byText = new Map()))
    kept = native.prepareTemplate(template, name)
    byText.set(template, kept)
    preparedCount++
  }
  return kept
}

/** The addon's answer for a number it no longer keeps. */
const UNKNOWN_TEMPLATE = 'UnknownTemplate'

/**
 * Evaluates a kept template; when the addon has let it go (its table is
 * bounded and shared by every copy of this module, as a test runner loads one
 * per test file), prepares it again.
 */
function evaluateKept(template: string, context: string, opts: EvaluateOptions) {
  const number = preparedTemplate(template, opts.name)
  try {
    return native.evaluatePrepared(number, context, opts.authType, opts.caller, opts.jwt, opts.now, opts.seed)
  } catch (e) {
    if ((e as { code?: unknown } | null)?.code !== UNKNOWN_TEMPLATE) throw e
    prepared.get(opts.name)?.delete(template)
    preparedCount--
    return native.evaluatePrepared(preparedTemplate(template, opts.name), context, opts.authType, opts.caller, opts.jwt, opts.now, opts.seed)
  }
}

/** Calls the addon, turning its errors into the user's. @internal */
export function call<T>(f: () => T): T {
  try {
    return f()
  } catch (e) {
    throw fromNative(e)
  }
}

/**
 * Evaluates a mapping template as EvaluateMappingTemplate does, synchronously.
 *
 * ```ts
 * const res = evaluateMappingTemplateSync({ template: '$util.toJson({"half": 7 / 2})', context: {} })
 * res.evaluationResult // '{"half":3}'
 * ```
 *
 * A template that does not parse or evaluate, `$util.error` and
 * `$util.unauthorized()` are in `error`; a context that is not JSON throws a
 * `BadRequestException`; a wrong argument type throws a `TypeError`.
 */
export function evaluateMappingTemplateSync(input: EvaluateInput & EvaluateOptions, options?: EvaluateOptions): EvaluateMappingTemplateResponse {
  const { template, context } = checkInput(input)
  const opts = mergedOptions(input, options)
  const parts = call(() => evaluateKept(template, context, opts))
  // The fields in the order the addon's own object has them; an absent one is left out.
  let response: EvaluateMappingTemplateResponse
  if (typeof parts === 'string') {
    // No logs, no error: `<stash length>:<outErrors length>:<stash><outErrors><evaluationResult>`.
    const a = parts.indexOf(':')
    const b = parts.indexOf(':', a + 1)
    const stashEnd = b + 1 + Number(parts.slice(0, a))
    const outErrorsEnd = stashEnd + Number(parts.slice(a + 1, b))
    response = {
      logs: [],
      stash: parts.slice(b + 1, stashEnd),
      outErrors: parts.slice(stashEnd, outErrorsEnd),
      evaluationResult: parts.slice(outErrorsEnd),
    }
  } else {
    const [logs, stash, outErrors, evaluationResult, error] = parts
    response = { logs, stash, outErrors }
    if (evaluationResult !== null) response.evaluationResult = evaluationResult
    if (error !== null) response.error = error
  }
  Object.defineProperty(response, REQUEST, { value: { template, context, options: opts } satisfies KeptRequest })
  return response
}

/** {@link evaluateMappingTemplateSync}, as a `Promise` (as the SDK's `send` answers). */
export function evaluateMappingTemplate(input: EvaluateInput & EvaluateOptions, options?: EvaluateOptions): Promise<EvaluateMappingTemplateResponse> {
  try {
    return Promise.resolve(evaluateMappingTemplateSync(input, options))
  } catch (e) {
    return Promise.reject(e)
  }
}

/** What {@link explain} takes: the request, the variables to watch, and the options. */
export interface ExplainInput extends EvaluateInput, EvaluateOptions {
  /** The variables to explain, e.g. `['isAuthorized']` (with or without `$`). */
  watch: string[]
}

/**
 * Why variables ended as they did: each assignment, the conditions that
 * guarded it with their operands' values, the assignments that never ran and
 * why (`vtl explain --watch`, as data; `text` is the printed answer).
 * Throws when the template does not parse.
 */
export function explain(input: ExplainInput): Explanation {
  const { template, context } = checkInput(input)
  const watch = (input as { watch?: unknown }).watch
  if (!Array.isArray(watch) || !watch.every((w) => typeof w === 'string')) {
    throw new TypeError(`input.watch must be an array of variable names, got ${typeName(watch)}`)
  }
  const options = mergedOptions(input, undefined)
  return call(() => native.explain(template, context, watch, options))
}

/** What {@link check} takes besides the template. */
export interface CheckOptions {
  /** The template's name in messages (default `template.vtl`). */
  name?: string
  /** Warnings to silence, by lint name. */
  allow?: string[]
}

/** Parse errors and AppSync traps, as `vtl check` reports them (line, column, code, message, severity). */
export function check(template: string, options: CheckOptions = {}): Diagnostic[] {
  if (typeof template !== 'string') throw new TypeError(`template must be a string, got ${typeName(template)}`)
  return call(() => native.check(template, options.name, options.allow))
}

/** Runs case folders as `vtl test` does (templates or pipelines, contexts, snapshots, assertions). */
export function runCases(paths: string | string[], options: RunCasesOptions = {}): RunSummary {
  const list = typeof paths === 'string' ? [paths] : paths
  if (!Array.isArray(list) || !list.every((p) => typeof p === 'string')) {
    throw new TypeError(`paths must be a path or an array of paths, got ${typeName(paths)}`)
  }
  return call(() => native.runCases(list, options))
}

/** The engine's version. */
export function version(): string {
  return native.version()
}
