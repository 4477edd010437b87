/**
 * `LocalAppSyncClient`: `AppSyncClient` from `@aws-sdk/client-appsync`, for the
 * one command that needs no service. A suite that calls
 * `new AppSyncClient({}).send(new EvaluateMappingTemplateCommand({ template, context }))`
 * changes only the constructor; every other command is refused by name.
 */

import type { EvaluateOptions } from '../native'
import { BadRequestException, ResponseMetadata, UnsupportedCommandError } from './errors'
import { checkOptions, evaluateMappingTemplateSync, EvaluateMappingTemplateResponse } from './evaluate'

/** A command object as the SDK builds it: `new XCommand(input)`. */
export interface CommandLike {
  readonly input: unknown
  readonly constructor: { readonly name: string }
}

/** What `send` resolves to: the response with the SDK's `$metadata`. */
export type EvaluateMappingTemplateCommandOutput = EvaluateMappingTemplateResponse & {
  $metadata: ResponseMetadata
}

/** A client that evaluates `EvaluateMappingTemplateCommand`s locally. */
export class LocalAppSyncClient {
  /** The options every evaluation uses: the clock, the seed, a caller preset, a token, the auth mode. */
  readonly options: EvaluateOptions

  /**
   * Takes the SDK client's configuration (region, credentials: ignored) and
   * this engine's options (`now`, `seed`, `caller`, `jwt`, `authType`).
   */
  constructor(config: Record<string, unknown> & EvaluateOptions = {}) {
    const { authType, caller, jwt, now, seed, name } = config ?? {}
    this.options = checkOptions({ authType, caller, jwt, now, seed, name }, 'config')
  }

  /** Evaluates an `EvaluateMappingTemplateCommand`; any other command is refused with an `UnsupportedCommandError`. */
  send(command: CommandLike): Promise<EvaluateMappingTemplateCommandOutput>
  send(command: CommandLike, callback: (err: unknown, data?: EvaluateMappingTemplateCommandOutput) => void): void
  send(command: CommandLike, options: unknown, callback: (err: unknown, data?: EvaluateMappingTemplateCommandOutput) => void): void
  send(
    command: CommandLike,
    optionsOrCallback?: unknown,
    callback?: (err: unknown, data?: EvaluateMappingTemplateCommandOutput) => void,
  ): Promise<EvaluateMappingTemplateCommandOutput> | void {
    const cb = typeof optionsOrCallback === 'function' ? (optionsOrCallback as typeof callback) : callback
    const result = new Promise<EvaluateMappingTemplateCommandOutput>((resolve) => resolve(this.evaluate(command)))
    if (!cb) return result
    result.then((data) => cb(null, data), (err) => cb(err))
  }

  private evaluate(command: CommandLike): EvaluateMappingTemplateCommandOutput {
    if (command === null || typeof command !== 'object' || !('input' in command)) {
      throw new TypeError('command must be an SDK command object, such as new EvaluateMappingTemplateCommand({ template, context })')
    }
    const name = command.constructor?.name ?? 'an unknown command'
    if (name !== 'EvaluateMappingTemplateCommand') throw new UnsupportedCommandError(name)
    const input = (command.input ?? {}) as { template?: unknown; context?: unknown }
    if (input.template === undefined || input.template === null) {
      throw new BadRequestException('1 validation error detected: Value null at \'template\' failed to satisfy constraint: Member must not be null')
    }
    if (input.context === undefined || input.context === null) {
      throw new BadRequestException('1 validation error detected: Value null at \'context\' failed to satisfy constraint: Member must not be null')
    }
    const response = evaluateMappingTemplateSync(
      { template: input.template as string, context: input.context as string },
      this.options,
    )
    return Object.assign(response, { $metadata: { httpStatusCode: 200, attempts: 1, totalRetryDelay: 0 } })
  }

  /** Nothing to release (the SDK client's `destroy`). */
  destroy(): void {}
}
