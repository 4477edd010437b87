// LocalAppSyncClient takes the SDK's command objects; here they are made by a
// class of the same name and shape, as @aws-sdk/client-appsync makes them (the
// example projects under examples/ use the real SDK from the registry).
'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')

const { LocalAppSyncClient, UnsupportedCommandError, BadRequestException } = require('..')

class EvaluateMappingTemplateCommand {
  constructor(input) {
    this.input = input
  }
}
class ListGraphqlApisCommand {
  constructor(input) {
    this.input = input
  }
}

test('send evaluates an EvaluateMappingTemplateCommand and resolves with $metadata', async () => {
  const client = new LocalAppSyncClient({ region: 'us-east-1', now: '2024-01-15T10:30:45Z' })
  const out = await client.send(new EvaluateMappingTemplateCommand({ template: '$util.time.nowEpochSeconds()', context: '{}' }))
  assert.equal(out.evaluationResult, '1705314645')
  assert.equal(out.$metadata.httpStatusCode, 200)
})

test('send takes a callback as the SDK does', (t, done) => {
  new LocalAppSyncClient().send(new EvaluateMappingTemplateCommand({ template: 'ok', context: '{}' }), (err, data) => {
    assert.equal(err, null)
    assert.equal(data.evaluationResult, 'ok')
    done()
  })
})

test('other commands are refused by name', async () => {
  await assert.rejects(new LocalAppSyncClient().send(new ListGraphqlApisCommand({})), (e) => {
    assert.ok(e instanceof UnsupportedCommandError)
    assert.equal(e.command, 'ListGraphqlApisCommand')
    assert.match(e.message, /cannot serve ListGraphqlApisCommand locally/)
    return true
  })
})

test('a missing template or context is a BadRequestException', async () => {
  const client = new LocalAppSyncClient()
  await assert.rejects(client.send(new EvaluateMappingTemplateCommand({ context: '{}' })), BadRequestException)
  await assert.rejects(client.send(new EvaluateMappingTemplateCommand({ template: '{}' })), { name: 'BadRequestException', message: /'context'/ })
})

test('the constructor checks the engine options', () => {
  assert.throws(() => new LocalAppSyncClient({ seed: 'x' }), { name: 'TypeError', message: /config\.seed/ })
})
