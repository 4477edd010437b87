import { types } from 'node:util'

/**
 * Errors thrown the way `@aws-sdk/client-appsync` throws them: a request the
 * service would refuse is a `BadRequestException` (`name`, `$fault`,
 * `$metadata` as the SDK's service exceptions have them).
 */

/** The metadata an SDK error or response carries. */
export interface ResponseMetadata {
  httpStatusCode?: number
  requestId?: string
  attempts?: number
  totalRetryDelay?: number
}

/** An error the service reports, shaped like the SDK's `AppSyncServiceException`. */
export class AppSyncServiceException extends Error {
  readonly $fault: 'client' | 'server'
  readonly $metadata: ResponseMetadata

  constructor(name: string, message: string, fault: 'client' | 'server', httpStatusCode: number) {
    super(message)
    this.name = name
    this.$fault = fault
    this.$metadata = { httpStatusCode, attempts: 1, totalRetryDelay: 0 }
    Object.setPrototypeOf(this, new.target.prototype)
  }
}

/** What AppSync answers for a request it cannot take: a context that is not JSON, a missing template, an unknown option. */
export class BadRequestException extends AppSyncServiceException {
  constructor(message: string) {
    super('BadRequestException', message, 'client', 400)
  }
}

/** An engine failure that is not the template's fault (a bug in appsync-vtl): the process goes on. */
export class InternalFailureException extends AppSyncServiceException {
  constructor(message: string) {
    super('InternalFailureException', message, 'server', 500)
  }
}

/** A command `LocalAppSyncClient` cannot serve locally. */
export class UnsupportedCommandError extends Error {
  readonly command: string

  constructor(command: string) {
    super(
      `LocalAppSyncClient cannot serve ${command} locally: it evaluates EvaluateMappingTemplateCommand ` +
        '(VTL resolver templates) only; use AppSyncClient for everything else',
    )
    this.name = 'UnsupportedCommandError'
    this.command = command
    Object.setPrototypeOf(this, new.target.prototype)
  }
}

/**
 * Turns an error thrown by the native addon into the error a user expects.
 * @internal
 */
export function fromNative(e: unknown): unknown {
  // The addon's errors come from Node's own context; a test runner's sandbox
  // (Jest's vm context) has another `Error`, so `instanceof` alone is not enough.
  if (!(e instanceof Error) && !types.isNativeError(e)) return e
  const code = (e as Error & { code?: string }).code
  if (code === 'BadRequestException') return new BadRequestException(e.message)
  if (/panic/i.test(e.message) || code === 'GenericFailure') {
    return new InternalFailureException(e.message)
  }
  return e
}
