// Resolver tests written the way AWS documents them: build an AppSyncClient,
// send an EvaluateMappingTemplateCommand, assert on the response
// (https://docs.aws.amazon.com/appsync/latest/devguide/test-debug-resolvers.html).
// The commands are the real ones from @aws-sdk/client-appsync; only the client
// is appsync-vtl's, so the suite runs offline, without credentials, in
// microseconds per template.

const { readFileSync } = require('node:fs')
const path = require('node:path')

const {
  AppSyncClient,
  BadRequestException,
  EvaluateMappingTemplateCommand,
  ListGraphqlApisCommand,
} = require('@aws-sdk/client-appsync')
const { LocalAppSyncClient, UnsupportedCommandError } = require('appsync-vtl')

const read = (file) => readFileSync(path.join(__dirname, '..', file), 'utf8')

const authTemplate = read('resolvers/Mutation.createPost.auth.1.req.vtl')
const initTemplate = read('resolvers/Mutation.createPost.init.1.req.vtl')
const getPostResponseTemplate = read('resolvers/Query.getPost.res.vtl')
const owner = read('contexts/createPost.owner.json')
const apiKey = read('contexts/createPost.apikey.json')

// AWS's documented way:
//   const client = new AppSyncClient({})
// The only change is the constructor (given a fixed clock for $util.time):
const client = new LocalAppSyncClient({ now: '2024-01-15T10:30:45Z' })

describe('Mutation.createPost, the auth function (EvaluateMappingTemplateCommand)', () => {
  test('the signed-in owner may create a post', async () => {
    const response = await client.send(new EvaluateMappingTemplateCommand({ template: authTemplate, context: owner }))

    expect(response.error).toBeUndefined()
    expect(JSON.parse(response.evaluationResult)).toEqual({ version: '2018-05-29', payload: {} })
    expect(JSON.parse(response.stash)).toMatchObject({ hasAuth: true })
    expect(response.$metadata.httpStatusCode).toBe(200)
  })

  test('an API key caller is refused with Unauthorized', async () => {
    const response = await client.send(new EvaluateMappingTemplateCommand({ template: authTemplate, context: apiKey }))

    expect(response.evaluationResult).toBeUndefined()
    expect(response.error).toMatchObject({
      type: 'Unauthorized',
      message: 'Not Authorized to access createPost on type Mutation',
    })
  })
})

test('the init function fills in the id and the timestamps from the client clock', async () => {
  const response = await client.send(new EvaluateMappingTemplateCommand({ template: initTemplate, context: '{}' }))

  const { defaultValues } = JSON.parse(response.stash)
  expect(defaultValues).toEqual({
    id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
    createdAt: '2024-01-15T10:30:45.000Z',
    updatedAt: '2024-01-15T10:30:45.000Z',
  })
})

test('a response template reads $ctx.result', async () => {
  const item = { id: 'id-1', __typename: 'Post', title: 'T', owner: 'alice-sub::alice' }
  const context = JSON.stringify({ arguments: { id: 'id-1' }, result: { items: [item], scannedCount: 1 } })

  const response = await client.send(new EvaluateMappingTemplateCommand({ template: getPostResponseTemplate, context }))

  expect(JSON.parse(response.evaluationResult)).toEqual(item)
})

test('a template that does not parse answers an error with its line and column', async () => {
  const template = '#set( $limit = )\n$util.toJson($limit)'

  const response = await client.send(new EvaluateMappingTemplateCommand({ template, context: '{}' }))

  expect(response.evaluationResult).toBeUndefined()
  expect(response.error).toMatchObject({ type: 'ParseError', line: 1, column: 16 })
  expect(response.error.message).toContain('expected an expression')
})

test('$util.error ends the template with its message, type and data', async () => {
  const template = '$util.error("Title is required", "ValidationError", {"field": "title"})'

  const response = await client.send(new EvaluateMappingTemplateCommand({ template, context: '{}' }))

  expect(response.error).toEqual({ message: 'Title is required', type: 'ValidationError', data: { field: 'title' } })
})

test('a context that is not JSON is refused with a BadRequestException', async () => {
  const send = client.send(new EvaluateMappingTemplateCommand({ template: '$util.toJson($ctx.args)', context: '{"arguments": ' }))

  // The SDK's own BadRequestException: its instanceof goes by name, $fault and $metadata.
  await expect(send).rejects.toThrow(BadRequestException)
  await expect(send).rejects.toMatchObject({ name: 'BadRequestException', $fault: 'client' })
})

test('a template that is not a string is a TypeError', async () => {
  const send = client.send(new EvaluateMappingTemplateCommand({ template: 42, context: '{}' }))

  await expect(send).rejects.toThrow(TypeError)
})

test('every other command is refused: LocalAppSyncClient talks to no service', async () => {
  const send = client.send(new ListGraphqlApisCommand({}))

  await expect(send).rejects.toThrow(UnsupportedCommandError)
  await expect(send).rejects.toThrow(/ListGraphqlApisCommand/)
})
