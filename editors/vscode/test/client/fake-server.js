#!/usr/bin/env node
// A stand-in for `vtl lsp`: answers initialize (offering the command
// vtl.useContext), executeCommand and shutdown over stdio, and appends its
// argv and every message it receives as JSON lines to $FAKE_VTL_LOG.
'use strict';
const fs = require('fs');

const log = (entry) => fs.appendFileSync(process.env.FAKE_VTL_LOG, JSON.stringify(entry) + '\n');
log({ argv: process.argv.slice(2) });

function send(message) {
  const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }), 'utf8');
  process.stdout.write(`Content-Length: ${body.length}\r\n\r\n`);
  process.stdout.write(body);
}

let buffer = Buffer.alloc(0);
process.stdin.on('data', (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const headerEnd = buffer.indexOf('\r\n\r\n');
    if (headerEnd < 0) return;
    const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString())[1]);
    if (buffer.length < headerEnd + 4 + length) return;
    const message = JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString('utf8'));
    buffer = buffer.subarray(headerEnd + 4 + length);
    log({ method: message.method, params: message.params });
    handle(message);
  }
});

function handle(message) {
  switch (message.method) {
    case 'initialize':
      send({
        id: message.id,
        result: {
          capabilities: { textDocumentSync: 1, executeCommandProvider: { commands: ['vtl.useContext'] } },
          serverInfo: { name: 'fake-vtl' },
        },
      });
      break;
    case 'shutdown':
    case 'workspace/executeCommand':
      send({ id: message.id, result: null });
      break;
    case 'exit':
      process.exit(0);
      break;
    default:
      if (message.id !== undefined) {
        send({ id: message.id, error: { code: -32601, message: `unhandled ${message.method}` } });
      }
  }
}
