// The bundled client (out/extension.js) against a fake `vtl` on PATH, with a
// stub of the vscode module: the server is started as `vtl lsp <extraArgs>`,
// "Explain with a context…" sends vtl.useContext with the document URI and
// the chosen file (then null to clear it), a missing binary is reported with
// how to install it, and deactivation shuts the server down.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');
const { installVscodeStub, Uri } = require('./vscode-stub');

const root = path.resolve(__dirname, '..', '..');
const bundle = path.join(root, 'out', 'extension.js');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'appsync-vtl-client-'));
const logFile = path.join(tmp, 'server.jsonl');
const binDir = path.join(tmp, 'bin');
fs.mkdirSync(binDir);
fs.writeFileSync(
  path.join(binDir, 'vtl'),
  `#!/bin/sh\nexec "${process.execPath}" "${path.join(__dirname, 'fake-server.js')}" "$@"\n`,
  { mode: 0o755 },
);
process.env.FAKE_VTL_LOG = logFile;
process.env.PATH = `${binDir}${path.delimiter}${process.env.PATH}`;

const { state } = installVscodeStub();
const extension = require(bundle);
const context = { subscriptions: [], extensionPath: root, extensionUri: Uri.file(root) };

const received = () =>
  fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];

async function until(what, predicate, ms = 10000) {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > ms) assert.fail(`timed out waiting for ${what}; server saw ${JSON.stringify(received())}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('starts `vtl lsp` with the extra arguments and initializes it', async () => {
  state.config['appsyncVtl.server.extraArgs'] = ['--log', 'debug'];
  await extension.activate(context);
  await until('initialized', () => received().some((m) => m.method === 'initialized'));
  assert.deepStrictEqual(received()[0], { argv: ['lsp', '--log', 'debug'] });
  assert.deepStrictEqual(state.errors, []);
  assert.ok(state.commands.has('appsyncVtl.useContext'));
  assert.ok(state.commands.has('appsyncVtl.restartServer'));
});

test('Explain with a context… sends vtl.useContext with the file, then null to clear it', async () => {
  const uri = Uri.file('/project/resolvers/Query.getPost.req.vtl');
  state.activeTextEditor = { document: { uri, languageId: 'vtl' } };
  const contextFile = path.resolve('/project/contexts/owner.json');
  let dialogOptions;
  state.openDialog = async (options) => {
    dialogOptions = options;
    return [Uri.file(contextFile)];
  };
  await state.commands.get('appsyncVtl.useContext')();
  assert.deepStrictEqual(dialogOptions.filters, { 'Context (JSON)': ['json'] });
  assert.strictEqual(dialogOptions.canSelectMany, false);
  let calls = received().filter((m) => m.method === 'workspace/executeCommand');
  assert.deepStrictEqual(calls.map((m) => m.params), [
    { command: 'vtl.useContext', arguments: [uri.toString(), contextFile] },
  ]);

  // With a context set, the command offers to clear it.
  state.quickPick = async (items) => items.find((i) => i.id === 'clear');
  await state.commands.get('appsyncVtl.useContext')();
  calls = received().filter((m) => m.method === 'workspace/executeCommand');
  assert.deepStrictEqual(calls[1].params, { command: 'vtl.useContext', arguments: [uri.toString(), null] });
  assert.deepStrictEqual(state.warnings, []);
});

test('outside a .vtl document the command only warns', async () => {
  state.activeTextEditor = { document: { uri: Uri.file('/project/schema.graphql'), languageId: 'graphql' } };
  const before = received().length;
  await state.commands.get('appsyncVtl.useContext')();
  assert.match(state.warnings.pop(), /open a \.vtl template/);
  assert.strictEqual(received().length, before);
});

test('a missing binary is reported with how to install it', async () => {
  state.config['appsyncVtl.server.path'] = path.join(tmp, 'no-such-dir', 'vtl');
  await state.commands.get('appsyncVtl.restartServer')();
  await until('the old server to exit', () => received().some((m) => m.method === 'exit'));
  assert.strictEqual(state.errors.length, 1);
  assert.match(state.errors[0], /was not found/);
  assert.match(state.errors[0], /cargo install --path \./);
  assert.match(state.errors[0], /appsyncVtl\.server\.path/);
});

test('a binary that is no language server is reported, and not restarted', () => {
  // In a child process: vscode-languageclient 8 leaves unhandled rejections
  // behind when a server dies during initialize, which node:test would count.
  const broken = path.join(binDir, 'vtl-old');
  fs.writeFileSync(broken, '#!/bin/sh\necho "error: unrecognized subcommand lsp" >&2\nexit 2\n', { mode: 0o755 });
  const child = spawnSync(process.execPath, [path.join(__dirname, 'start-failure.js'), bundle, broken], {
    encoding: 'utf8',
    timeout: 20000,
  });
  assert.strictEqual(child.status, 0, child.stderr);
  const { errors, starts } = JSON.parse(child.stdout.trim().split('\n').pop());
  // vscode-languageclient says "couldn't create connection"; ours says what to do.
  const ours = errors.filter((e) => /did not start/.test(e));
  assert.strictEqual(ours.length, 1, JSON.stringify(errors));
  assert.match(ours[0], /`\S*vtl-old lsp` did not start as a language server/);
  assert.match(ours[0], /the `lsp` command/);
  assert.strictEqual(starts, 1, 'started once, not restarted');
});

test('restart with a good path starts a new server; deactivate shuts it down', async () => {
  delete state.config['appsyncVtl.server.path'];
  fs.rmSync(logFile, { force: true });
  await state.commands.get('appsyncVtl.restartServer')();
  await until('initialized', () => received().some((m) => m.method === 'initialized'));
  await extension.deactivate();
  await until('exit', () => received().some((m) => m.method === 'exit'));
  const methods = received().map((m) => m.method).filter(Boolean);
  assert.deepStrictEqual(methods.slice(-2), ['shutdown', 'exit']);
});
