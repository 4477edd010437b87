/**
 * appsync-vtl: AWS AppSync VTL resolver templates evaluated offline, exactly
 * as EvaluateMappingTemplate evaluates them, in microseconds.
 *
 * ```ts
 * import { LocalAppSyncClient } from 'appsync-vtl'
 * import { EvaluateMappingTemplateCommand } from '@aws-sdk/client-appsync'
 *
 * const client = new LocalAppSyncClient({ now: '2024-01-15T10:30:45Z' }) // was: new AppSyncClient({})
 * const res = await client.send(new EvaluateMappingTemplateCommand({ template, context: JSON.stringify(ctx) }))
 * ```
 *
 * @packageDocumentation
 */

export {
  check,
  evaluateMappingTemplate,
  evaluateMappingTemplateSync,
  explain,
  runCases,
  version,
} from './evaluate'
export type {
  CaseResult,
  CheckOptions,
  Context,
  Diagnostic,
  ErrorDetail,
  EvaluateInput,
  EvaluateMappingTemplateResponse,
  EvaluateOptions,
  ExplainInput,
  Explanation,
  RunCasesOptions,
  RunSummary,
} from './evaluate'
export { LocalAppSyncClient } from './client'
export type { CommandLike, EvaluateMappingTemplateCommandOutput } from './client'
export {
  AppSyncServiceException,
  BadRequestException,
  InternalFailureException,
  UnsupportedCommandError,
} from './errors'
export type { ResponseMetadata } from './errors'
export { matchers } from './matchers'
export type { AppSyncMatchers, MatcherContext, MatcherResult, UnauthorizedOptions } from './matchers'
