// The bundled client against the real `vtl lsp`, when VTL_BIN names a vtl
// binary (scripts/vscode-extension.sh passes target/debug/vtl when a build is
// there): the server starts, takes the open template, and accepts
// vtl.useContext with a context file (then null); a context file it cannot
// read comes back as an error message.
'use strict';
const test = require('node:test');
const assert = require('node:assert');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { installVscodeStub, Uri } = require('./vscode-stub');

const bin = process.env.VTL_BIN;
const skip = bin ? false : 'VTL_BIN is not set (a vtl binary with the lsp command)';

test('the client drives the real vtl lsp', { skip }, async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'appsync-vtl-real-'));
  try {
    const template = path.join(tmp, 'Query.getPost.req.vtl');
    const text = '#set( $id = $ctx.args.id )\n{"version": "2018-05-29", "operation": "GetItem", "key": {"id": $util.dynamodb.toDynamoDBJson($id)}}\n';
    fs.writeFileSync(template, text);
    const contextFile = path.join(tmp, 'context.json');
    fs.writeFileSync(contextFile, JSON.stringify({ arguments: { id: 'p1' } }));

    const { state } = installVscodeStub();
    state.config['appsyncVtl.server.path'] = path.resolve(bin);
    const uri = Uri.file(template);
    state.activeTextEditor = {
      document: { uri, languageId: 'vtl', version: 1, getText: () => text, isClosed: false, isDirty: false },
    };
    const extension = require(path.resolve(__dirname, '..', '..', 'out', 'extension.js'));
    await extension.activate({ subscriptions: [] });
    assert.deepStrictEqual(state.errors, []);

    state.openDialog = async () => [Uri.file(contextFile)];
    await state.commands.get('appsyncVtl.useContext')();
    assert.deepStrictEqual(state.errors, [], 'vtl.useContext with a readable context');

    state.quickPick = async (items) => items.find((i) => i.id === 'clear');
    await state.commands.get('appsyncVtl.useContext')();
    assert.deepStrictEqual(state.errors, [], 'vtl.useContext with null');

    state.quickPick = async (items) => items.find((i) => i.id === 'choose');
    state.openDialog = async () => [Uri.file(path.join(tmp, 'missing.json'))];
    await state.commands.get('appsyncVtl.useContext')();
    assert.strictEqual(state.errors.length, 1);
    assert.match(state.errors[0], /vtl\.useContext failed: .*missing\.json/);

    await extension.deactivate();
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
