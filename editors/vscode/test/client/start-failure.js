// Run by client.test.js in a child process: activates the bundle (argv[2])
// with appsyncVtl.server.path = argv[3], a binary that exits at once, and
// prints {errors, starts}: the error messages shown and how often it ran.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { installVscodeStub } = require('./vscode-stub');

process.on('unhandledRejection', () => {}); // vscode-languageclient's own, after a failed start

const [bundle, server] = process.argv.slice(2);
const counter = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'appsync-vtl-start-')), 'starts');
const wrapper = path.join(path.dirname(counter), 'vtl');
fs.writeFileSync(wrapper, `#!/bin/sh\necho x >> "${counter}"\nexec "${server}" "$@"\n`, { mode: 0o755 });

const { state } = installVscodeStub();
state.config['appsyncVtl.server.path'] = wrapper;
const extension = require(bundle);
extension.activate({ subscriptions: [] }).then(async () => {
  await new Promise((r) => setTimeout(r, 1500)); // time for restarts, were there any
  const starts = fs.existsSync(counter) ? fs.readFileSync(counter, 'utf8').trim().split('\n').length : 0;
  const errors = state.errors.map((e) => e.replace(wrapper, server));
  fs.rmSync(path.dirname(counter), { recursive: true, force: true });
  console.log(JSON.stringify({ errors, starts }));
  process.exit(0);
});
