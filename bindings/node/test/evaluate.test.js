// evaluateMappingTemplate: EvaluateMappingTemplate's response shape, errors as
// the API and the SDK report them, and argument checking.
'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')

const vtl = require('..')

const NOW = '2024-01-15T10:30:45Z'

test('renders with Java semantics into the API response shape', () => {
  const res = vtl.evaluateMappingTemplateSync({
    template: '#set($m = {"k": "v"})$util.qr($ctx.stash.put("n", 7 / 2))$util.toJson({"half": 7 / 2, "m": "$m"})',
    context: '{"arguments": {}}',
  })
  assert.deepEqual({ ...res }, {
    evaluationResult: '{"half":3,"m":"{k=v}"}',
    logs: [],
    stash: '{"n":3}',
    outErrors: '[]',
  })
})

test('takes the context as JSON text or as an object', () => {
  const template = '$ctx.args.name and $ctx.identity.username'
  const context = { arguments: { name: 'Ann' }, identity: { username: 'bob' } }
  const fromText = vtl.evaluateMappingTemplateSync({ template, context: JSON.stringify(context) })
  const fromObject = vtl.evaluateMappingTemplateSync({ template, context })
  assert.equal(fromText.evaluationResult, 'Ann and bob')
  assert.equal(fromObject.evaluationResult, 'Ann and bob')
})

test('the Promise form resolves to the same response', async () => {
  const res = await vtl.evaluateMappingTemplate({ template: '$util.toJson([1, 2])', context: '{}' })
  assert.equal(res.evaluationResult, '[1,2]')
})

test('options fix the clock and the seed, and choose the caller', () => {
  const template = '$util.time.nowISO8601() $util.autoId() $util.authType() $ctx.identity.username'
  const a = vtl.evaluateMappingTemplateSync({ template, context: {} }, { now: NOW, seed: 7, caller: 'cognito-admin' })
  const b = vtl.evaluateMappingTemplateSync({ template, context: {}, now: NOW, seed: 7, caller: 'cognito-admin' })
  assert.equal(a.evaluationResult, b.evaluationResult)
  assert.match(a.evaluationResult, /^2024-01-15T10:30:45.000Z [0-9a-f-]{36} User Pool Authorization carol$/)
  const other = vtl.evaluateMappingTemplateSync({ template, context: {} }, { now: NOW, seed: 8, caller: 'cognito-admin' })
  assert.notEqual(other.evaluationResult, a.evaluationResult)
  const api = vtl.evaluateMappingTemplateSync({ template: '$util.authType()', context: {} }, { authType: 'AWS_IAM' })
  assert.equal(api.evaluationResult, 'IAM Authorization')
  // `options` replace the input's option fields name by name; the others stay.
  const mixed = vtl.evaluateMappingTemplateSync({ template, context: {}, now: NOW, caller: 'cognito-admin' }, { seed: 7 })
  assert.equal(mixed.evaluationResult, a.evaluationResult)
  const over = vtl.evaluateMappingTemplateSync({ template: '$util.authType()', context: {}, authType: 'API_KEY' }, { authType: 'AWS_IAM' })
  assert.equal(over.evaluationResult, 'IAM Authorization')
})

test('a JWT sets the identity and the auth mode', () => {
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const jwt = [b64({ alg: 'RS256' }), b64({ sub: 's-1', 'cognito:username': 'dana', iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_x', token_use: 'id', exp: 4102444800 }), 'sig'].join('.')
  const res = vtl.evaluateMappingTemplateSync({ template: '$ctx.identity.username $util.authType()', context: {} }, { jwt })
  assert.equal(res.evaluationResult, 'dana User Pool Authorization')
})

test('$util.unauthorized() and $util.error are the response error, as AppSync returns them', () => {
  const ctx = { info: { fieldName: 'createPost', parentTypeName: 'Mutation' } }
  const denied = vtl.evaluateMappingTemplateSync({ template: '$util.unauthorized()', context: ctx })
  assert.equal(denied.evaluationResult, undefined)
  assert.deepEqual({ ...denied.error }, { message: 'Not Authorized to access createPost on type Mutation', type: 'Unauthorized' })
  const raised = vtl.evaluateMappingTemplateSync({ template: '$util.error("boom", "Custom", {"a": 1})', context: ctx })
  assert.equal(raised.error.message, 'boom')
  assert.equal(raised.error.type, 'Custom')
  assert.deepEqual(raised.error.data, { a: 1 })
  const appended = vtl.evaluateMappingTemplateSync({ template: '$util.appendError("late", "T"){}', context: ctx })
  assert.equal(appended.evaluationResult, '{}')
  const [late] = JSON.parse(appended.outErrors)
  assert.equal(late.message, 'late')
  assert.equal(late.errorType, 'T')
})

test('a template that does not parse is in error with its line, column and snippet', () => {
  const res = vtl.evaluateMappingTemplateSync({ template: '{\n  #end\n}', context: {} })
  assert.equal(res.error.type, 'ParseError')
  assert.equal(res.error.line, 2)
  assert.equal(res.error.column, 3)
  assert.match(res.error.snippet, /--> template\.vtl:2:/)
  assert.match(res.error.snippet, /\n2 \|/)
  const named = vtl.evaluateMappingTemplateSync({ template: '#end', context: {} }, { name: 'Query.getPost.req.vtl' })
  assert.match(named.error.snippet, /Query\.getPost\.req\.vtl:1:1/)
})

test('templates are kept parsed: the same text under another name, a parse error again, hundreds of templates', () => {
  const broken = '#if($x)\n'
  for (const name of [undefined, 'a.vtl', undefined, 'b.vtl']) {
    const res = vtl.evaluateMappingTemplateSync({ template: broken, context: {} }, { name })
    assert.equal(res.error.type, 'ParseError')
    assert.match(res.error.snippet, new RegExp(`--> ${(name ?? 'template.vtl').replace('.', '\\.')}:`))
  }
  // More templates than are kept: each still renders itself.
  for (let i = 0; i < 600; i++) {
    const res = vtl.evaluateMappingTemplateSync({ template: `${i} $ctx.args.n`, context: { arguments: { n: i % 7 } } })
    assert.equal(res.evaluationResult, `${i} ${i % 7}`)
  }
})

test('copies of the module share the addon, whose table of templates is bounded: each copy still renders its own', () => {
  // A test runner loads the package again for each test file, the addon once.
  const dist = require('path').join(__dirname, '..', 'dist')
  const fresh = () => {
    for (const k of Object.keys(require.cache)) if (k.startsWith(dist)) delete require.cache[k]
    return require('..')
  }
  const first = fresh()
  const second = fresh()
  assert.notEqual(first.evaluateMappingTemplateSync, second.evaluateMappingTemplateSync)
  const render = (m, i) => m.evaluateMappingTemplateSync({ template: `first ${i}`, context: {} }).evaluationResult
  for (let i = 0; i < 10; i++) assert.equal(render(first, i), `first ${i}`)
  // The second copy fills the addon's table past its bound: the first copy's numbers are let go.
  for (let i = 0; i < 300; i++) {
    assert.equal(second.evaluateMappingTemplateSync({ template: `second ${i}`, context: {} }).evaluationResult, `second ${i}`)
  }
  for (let i = 0; i < 10; i++) assert.equal(render(first, i), `first ${i}`)
})

test('text outside ASCII travels both ways unchanged; a lone surrogate becomes U+FFFD', () => {
  const context = { arguments: { s: 'été 北京 \u{1F600} \u00ff' } }
  const res = vtl.evaluateMappingTemplateSync({ template: '$ctx.args.s|$ctx.args.s.length()|ñ', context: JSON.stringify(context) })
  // Java counts UTF-16 units: the emoji is two.
  assert.equal(res.evaluationResult, 'été 北京 \u{1F600} \u00ff|11|ñ')
  const fields = vtl.evaluateMappingTemplateSync({
    template: '$util.qr($ctx.stash.put("k", "é\u{1F600}:"))$util.appendError("ñ:1", "T")a:b:{}[]',
    context: '{}',
  })
  assert.deepEqual(JSON.parse(fields.stash), { k: 'é\u{1F600}:' })
  assert.deepEqual(JSON.parse(fields.outErrors).map((e) => e.message), ['ñ:1'])
  assert.equal(fields.evaluationResult, 'a:b:{}[]')
  // Past 16M UTF-16 units a string is read another way: the same text arrives.
  const long = 'é'.repeat((1 << 24) + 5)
  const big = vtl.evaluateMappingTemplateSync({ template: '$ctx.args.s.length() $ctx.args.s.substring(0, 2)', context: { arguments: { s: long } } })
  assert.equal(big.evaluationResult, `${(1 << 24) + 5} éé`)
  const lone = vtl.evaluateMappingTemplateSync({ template: 'x\uD800y', context: '{}' })
  assert.equal(lone.evaluationResult, 'x\uFFFDy')
})

test('an engine error while rendering is in error too', () => {
  const res = vtl.evaluateMappingTemplateSync({ template: '$util.time.nowIso8601()', context: {} })
  assert.equal(res.error.type, 'TemplateError')
  assert.match(res.error.message, /did you mean `nowISO8601`/)
  assert.equal(res.error.line, 1)
})

test('a context that is not JSON is a BadRequestException, as the SDK throws it', async () => {
  assert.throws(() => vtl.evaluateMappingTemplateSync({ template: '{}', context: '{not json' }), (e) => {
    assert.ok(e instanceof vtl.BadRequestException)
    assert.equal(e.name, 'BadRequestException')
    assert.equal(e.$fault, 'client')
    assert.equal(e.$metadata.httpStatusCode, 400)
    assert.match(e.message, /invalid JSON at line 1, column 2/)
    return true
  })
  await assert.rejects(vtl.evaluateMappingTemplate({ template: '{}', context: '[]' }), { name: 'BadRequestException' })
  assert.throws(() => vtl.evaluateMappingTemplateSync({ template: '{}', context: {} }, { caller: 'nobody' }), {
    name: 'BadRequestException',
    message: /unknown caller `nobody`/,
  })
  assert.throws(() => vtl.evaluateMappingTemplateSync({ template: '{}', context: {} }, { authType: 'PASSWORD' }), {
    name: 'BadRequestException',
  })
  assert.throws(() => vtl.evaluateMappingTemplateSync({ template: '{}', context: {} }, { now: 'yesterday' }), {
    name: 'BadRequestException',
  })
})

test('wrong argument types are TypeErrors that name the argument', () => {
  assert.throws(() => vtl.evaluateMappingTemplateSync({ template: 1, context: {} }), { name: 'TypeError', message: /input\.template must be a string, got number/ })
  assert.throws(() => vtl.evaluateMappingTemplateSync({ template: '', context: 5 }), { name: 'TypeError', message: /input\.context must be JSON text or an object/ })
  assert.throws(() => vtl.evaluateMappingTemplateSync('$x'), { name: 'TypeError', message: /input must be an object/ })
  assert.throws(() => vtl.evaluateMappingTemplateSync({ template: '' , context: {} }, { seed: -1 }), { name: 'TypeError', message: /options\.seed/ })
  assert.throws(() => vtl.evaluateMappingTemplateSync({ template: '', context: {} }, { now: 5 }), { name: 'TypeError', message: /options\.now must be a string/ })
  assert.throws(() => vtl.check(null), { name: 'TypeError', message: /template must be a string/ })
  return assert.rejects(vtl.evaluateMappingTemplate(null), { name: 'TypeError' })
})

test('a panic inside the engine is a JavaScript error; the process goes on', () => {
  const native = require('../native.js')
  assert.throws(() => native.__panicForTests(), (e) => e instanceof Error && /panic/.test(e.message))
  assert.equal(vtl.evaluateMappingTemplateSync({ template: 'still $ctx.args.x', context: { arguments: { x: 'alive' } } }).evaluationResult, 'still alive')
})
