// explain, check and runCases: the answers of `vtl explain`, `vtl check` and `vtl test` as data.
'use strict'

const test = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const vtl = require('..')

const AUTH = `#set($isAuthorized = false)
#if($util.authType() == "User Pool Authorization")
  #if($ctx.identity.claims.get("cognito:groups").contains("Admin"))
    #set($isAuthorized = true)
  #end
#end
#if(!$isAuthorized)$util.unauthorized()#end
{}`

test('explain says why a variable ended so', () => {
  const why = vtl.explain({ template: AUTH, context: { info: { fieldName: 'f', parentTypeName: 'Q' } }, watch: ['isAuthorized'], caller: 'cognito-user' })
  assert.equal(why.outcome.kind, 'unauthorized')
  const w = why.watches[0]
  assert.equal(w.name, 'isAuthorized')
  assert.equal(w.finalValue, false)
  assert.equal(w.skipped.length, 1)
  assert.equal(w.skipped[0].decider.holds, false)
  assert.equal(w.skipped[0].at.line, 4)
  assert.match(why.text, /isAuthorized/)
})

test('explain throws on a template that does not parse', () => {
  assert.throws(() => vtl.explain({ template: '#if(', context: {}, watch: ['x'] }), /syntax error/)
  assert.throws(() => vtl.explain({ template: '', context: {}, watch: 'x' }), { name: 'TypeError', message: /input\.watch/ })
})

test('check reports parse errors and lints with positions and codes', () => {
  const found = vtl.check('#set($$x = 1)\n$util.time.nowIso8601()', { name: 'r.vtl' })
  const codes = found.map((d) => d.code)
  assert.ok(codes.includes('dollar-dollar'))
  assert.ok(codes.includes('syntax'))
  const dd = found.find((d) => d.code === 'dollar-dollar')
  assert.deepEqual([dd.line, dd.column, dd.severity], [1, 6, 'warning'])
  assert.deepEqual(vtl.check('$util.toJson({})'), [])
  assert.ok(!vtl.check('#set($$x = 1)', { allow: ['dollar-dollar'] }).some((d) => d.code === 'dollar-dollar'))
})

test('runCases runs case folders as vtl test does', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vtl-node-cases-'))
  try {
    fs.writeFileSync(path.join(dir, 'template.vtl'), '{"id": "$ctx.args.id"}')
    fs.writeFileSync(path.join(dir, 'context.json'), '{"arguments": {"id": "1"}}')
    fs.writeFileSync(path.join(dir, 'case.json'), '{"expect": {"json": {"/id": "1"}}}')
    const first = vtl.runCases(dir)
    assert.equal(first.summary, '0 passed, 1 failed')
    assert.match(first.failureReport, /no snapshot yet/)
    assert.equal(vtl.runCases([dir], { accept: true }).summary, '1 passed, 0 failed')
    const again = vtl.runCases(dir)
    assert.equal(again.passed, 1)
    assert.deepEqual(again.results[0].report, { output: { id: '1' } })
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
  assert.throws(() => vtl.runCases('/nonexistent/cases'), { name: 'BadRequestException' })
})

test('runCases runs the request cases of a project (whole GraphQL requests with mocks)', () => {
  const project = path.join(__dirname, '..', '..', '..', 'templates', 'projects', 'cdk')
  const run = vtl.runCases(project)
  assert.equal(run.summary, '7 passed, 0 failed')
  const created = run.results.find((r) => r.name.endsWith('create-post@iam-auth'))
  assert.equal(created.report.output.createPost.id, 'new-id')
  const denied = run.results.find((r) => r.name.endsWith('create-post@api-key'))
  assert.equal(denied.report.errors[0].errorType, 'UnauthorizedException')
})
