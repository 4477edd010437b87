// The same resolvers through appsync-vtl's matchers (loaded by jest.config.js:
// setupFilesAfterEnv: ['appsync-vtl/jest']). `expect` takes a request
// ({ template, context, ...options }) or a response it already evaluated.

const { readFileSync } = require('node:fs')
const path = require('node:path')

const { evaluateMappingTemplate, evaluateMappingTemplateSync } = require('appsync-vtl')

const read = (file) => readFileSync(path.join(__dirname, '..', file), 'utf8')

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

  test('a failed toBeUnauthorized explains $isAuthorized', () => {
    let failure
    try {
      expect({ template: authTemplate, context: owner }).toBeUnauthorized()
    } catch (e) {
      failure = e
    }

    expect(failure).toBeDefined()
    expect(failure.message).toContain('expected the template to answer Unauthorized, but it ended with no error')
    expect(failure.message).toContain('$isAuthorized = true')
    expect(failure.message).toContain('#if `$util.authType() == "User Pool Authorization"` → true')
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
  // The pipeline's init function fills the stash; the create template reads it.
  const init = evaluateMappingTemplateSync({ template: initTemplate, context: owner, now: '2024-01-15T10:30:45Z', seed: 7 })
  const context = { ...owner, stash: { ...owner.stash, ...JSON.parse(init.stash) } }

  test('matches its snapshot', () => {
    expect({ template: createTemplate, context }).toEvaluateToSnapshot()
  })

  test('keys the item by the generated id', () => {
    const request = JSON.parse(evaluateMappingTemplateSync({ template: createTemplate, context }).evaluationResult)

    expect(request.operation).toBe('PutItem')
    expect(request.key).toEqual({ id: request.attributeValues.id })
    expect(request.condition).toEqual({ expression: 'attribute_not_exists(#id)', expressionNames: { '#id': 'id' } })
  })
})

describe('arguments the engine refuses', () => {
  test('a template that is not a string is a TypeError', async () => {
    await expect(evaluateMappingTemplate({ template: 42, context: {} })).rejects.toThrow(TypeError)
    expect(() => evaluateMappingTemplateSync({ template: undefined, context: {} })).toThrow('input.template must be a string')
  })

  test('a context that is not JSON is a BadRequestException', async () => {
    await expect(evaluateMappingTemplate({ template: '$util.toJson($ctx.args)', context: '{"arguments": ' })).rejects.toMatchObject({
      name: 'BadRequestException',
    })
  })
})
