// The same resolvers through appsync-vtl's matchers (loaded by vitest.setup.js:
// import 'appsync-vtl/vitest'). `expect` takes a request
// ({ template, context, ...options }) or a response it already evaluated.

import { readFileSync } from 'node:fs'

import { BadRequestException, check, evaluateMappingTemplate, explain, LocalAppSyncClient } from 'appsync-vtl'
import { EvaluateMappingTemplateCommand } from '@aws-sdk/client-appsync'
import { describe, expect, test } from 'vitest'

const read = (file) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8')

const authTemplate = read('resolvers/Mutation.createPost.auth.1.req.vtl')
const initTemplate = read('resolvers/Mutation.createPost.init.1.req.vtl')
const createTemplate = read('resolvers/Mutation.createPost.req.vtl')
const owner = JSON.parse(read('contexts/createPost.owner.json'))
const apiKey = JSON.parse(read('contexts/createPost.apikey.json'))

describe('who may create a post', () => {
  test('an API key caller is unauthorized', () => {
    expect({ template: authTemplate, context: apiKey }).toBeUnauthorized()
  })

  test('the signed-in owner is not', () => {
    expect({ template: authTemplate, context: owner }).not.toBeUnauthorized()
  })

  test("the owner's context under a built-in API key caller is unauthorized", () => {
    expect({ template: authTemplate, context: owner, caller: 'api-key' }).toBeUnauthorized()
  })

  test('a response from LocalAppSyncClient is matched as it is', async () => {
    const client = new LocalAppSyncClient()
    const command = new EvaluateMappingTemplateCommand({ template: authTemplate, context: JSON.stringify(apiKey) })

    expect(await client.send(command)).toBeUnauthorized()
  })

  test('a failed toBeUnauthorized explains $isAuthorized', () => {
    let failure
    try {
      expect({ template: authTemplate, context: owner }).toBeUnauthorized()
    } catch (e) {
      failure = e
    }

    expect(failure).toBeInstanceOf(Error)
    expect(failure.message).toContain('expected the template to answer Unauthorized, but it ended with no error')
    // why: $isAuthorized, its assignments, and the conditions that let them run, with their values
    expect(failure.message).toContain('why (vtl explain --watch isAuthorized)')
    expect(failure.message).toContain('$isAuthorized = true')
    expect(failure.message).toContain('#if `$util.authType() == "User Pool Authorization"` → true')
    expect(failure.message).toContain('$ctx.args.input.containsKey("owner") = false')
  })

  test('explain says which condition decided', () => {
    const why = explain({ template: authTemplate, context: apiKey, watch: ['isAuthorized'] })

    expect(why.outcome).toMatchObject({ kind: 'unauthorized', at: { line: 7, column: 1 } })
    expect(why.outcome.because[0]).toMatchObject({ directive: '#if', holds: true, text: '$util.authType() == "API Key Authorization"' })
    expect(why.watches[0]).toMatchObject({ name: 'isAuthorized', finalValue: false })
  })
})

test('the owner evaluates to the auth step payload', () => {
  expect({ template: authTemplate, context: owner }).toEvaluateTo({ version: '2018-05-29', payload: {} })
})

test('a response from evaluateMappingTemplate is matched as it is', async () => {
  const response = await evaluateMappingTemplate({ template: '$util.toJson({"half": 7 / 2})', context: {} })

  expect(response).toEvaluateTo({ half: 3 })
  expect(response).toEvaluateTo('{"half":3}')
})

describe('the PutItem request for a new post', () => {
  test('matches its snapshot', async () => {
    // The pipeline's init function fills the stash; the create template reads it.
    const init = await evaluateMappingTemplate({ template: initTemplate, context: owner, now: '2024-01-15T10:30:45Z', seed: 7 })
    const context = { ...owner, stash: { ...owner.stash, ...JSON.parse(init.stash) } }

    expect({ template: createTemplate, context }).toEvaluateToSnapshot()
  })

  test('check finds the undefined $condition Amplify reads', () => {
    expect(check(createTemplate, { name: 'Mutation.createPost.req.vtl' })).toEqual([
      expect.objectContaining({ code: 'undefined-reference', severity: 'warning', line: 13, column: 16 }),
    ])
    expect(check(authTemplate)).toEqual([])
  })
})

describe('arguments the engine refuses', () => {
  test('a template that is not a string is a TypeError', async () => {
    await expect(evaluateMappingTemplate({ template: 42, context: {} })).rejects.toThrow(TypeError)
    await expect(evaluateMappingTemplate({ template: 42, context: {} })).rejects.toThrow('input.template must be a string')
  })

  test('a context that is not JSON is a BadRequestException', async () => {
    const evaluation = evaluateMappingTemplate({ template: '$util.toJson($ctx.args)', context: '{"arguments": ' })

    await expect(evaluation).rejects.toThrow(BadRequestException)
    await expect(evaluation).rejects.toMatchObject({ name: 'BadRequestException' })
  })
})
