// Just enough of the `vscode` module for the bundled extension and
// vscode-languageclient to start a server, run commands and stop: the parts
// the tests look at are real (configuration, commands, dialogs, messages,
// Uri, events); everything else is a no-op that returns more no-ops.
'use strict';
const path = require('path');
const Module = require('module');

function noop(name) {
  const cache = new Map();
  const fn = function () {};
  return new Proxy(fn, {
    get(_target, prop) {
      if (prop === 'then') return undefined; // not a promise
      if (prop === Symbol.iterator) return function* () {};
      if (prop === Symbol.toPrimitive) return () => name;
      if (typeof prop === 'symbol') return undefined;
      if (prop === 'dispose') return () => {};
      if (!cache.has(prop)) cache.set(prop, noop(`${name}.${String(prop)}`));
      return cache.get(prop);
    },
    apply: () => noop(`${name}()`),
    construct: () => noop(`new ${name}`),
  });
}

class Disposable {
  constructor(fn) { this._fn = fn; }
  static from(...items) { return new Disposable(() => items.forEach((d) => d && d.dispose && d.dispose())); }
  dispose() { if (this._fn) this._fn(); this._fn = undefined; }
}

class EventEmitter {
  constructor() {
    this._listeners = new Set();
    this.event = (listener, thisArg) => {
      const l = thisArg ? listener.bind(thisArg) : listener;
      this._listeners.add(l);
      return new Disposable(() => this._listeners.delete(l));
    };
  }
  fire(value) { for (const l of [...this._listeners]) l(value); }
  dispose() { this._listeners.clear(); }
}

class Uri {
  constructor(scheme, p) { this.scheme = scheme; this.path = p; this.authority = ''; this.query = ''; this.fragment = ''; }
  static file(p) { return new Uri('file', path.resolve(p)); }
  static parse(s) {
    const m = /^([a-z][\w+.-]*):(?:\/\/[^/]*)?(.*)$/i.exec(s);
    return m ? new Uri(m[1], decodeURIComponent(m[2])) : new Uri('file', s);
  }
  get fsPath() { return this.path; }
  with(change) { return Object.assign(new Uri(this.scheme, this.path), change); }
  toString() { return `${this.scheme}://${encodeURI(this.path)}`; }
  toJSON() { return this.toString(); }
}

function createVscode() {
  const state = {
    config: {},
    commands: new Map(),
    errors: [],
    warnings: [],
    activeTextEditor: undefined,
    openDialog: async () => undefined,
    quickPick: async () => undefined,
    configListeners: new EventEmitter(),
  };
  const event = () => new EventEmitter().event;
  const vscode = new Proxy(
    {
      version: '1.75.0',
      Disposable,
      EventEmitter,
      Uri,
      workspace: new Proxy(
        {
          getConfiguration(section) {
            const prefix = section ? `${section}.` : '';
            return {
              get: (key, dflt) => (prefix + key in state.config ? state.config[prefix + key] : dflt),
              has: (key) => prefix + key in state.config,
              inspect: () => undefined,
              update: async () => undefined,
            };
          },
          get textDocuments() { return state.activeTextEditor ? [state.activeTextEditor.document] : []; },
          workspaceFolders: undefined,
          onDidChangeConfiguration: state.configListeners.event,
          onDidOpenTextDocument: event(),
          onDidCloseTextDocument: event(),
          onDidChangeTextDocument: event(),
          onDidSaveTextDocument: event(),
          onWillSaveTextDocument: event(),
          createFileSystemWatcher: () => ({ onDidCreate: event(), onDidChange: event(), onDidDelete: event(), dispose() {} }),
        },
        { get: (t, p) => (p in t ? t[p] : noop(`workspace.${String(p)}`)) },
      ),
      window: new Proxy(
        {
          get activeTextEditor() { return state.activeTextEditor; },
          visibleTextEditors: [],
          createOutputChannel: (name) => ({ name, append() {}, appendLine() {}, replace() {}, clear() {}, show() {}, hide() {}, dispose() {} }),
          showErrorMessage: async (message) => { state.errors.push(message); return undefined; },
          showWarningMessage: async (message) => { state.warnings.push(message); return undefined; },
          showInformationMessage: async () => undefined,
          showOpenDialog: (options) => state.openDialog(options),
          showQuickPick: (items, options) => state.quickPick(items, options),
          setStatusBarMessage: () => new Disposable(),
        },
        { get: (t, p) => (p in t ? t[p] : noop(`window.${String(p)}`)) },
      ),
      languages: new Proxy(
        {
          match(selector, document) {
            const filters = Array.isArray(selector) ? selector : [selector];
            return filters.some((f) =>
              typeof f === 'string'
                ? f === document.languageId
                : (!f.language || f.language === document.languageId) && (!f.scheme || f.scheme === document.uri.scheme),
            )
              ? 10
              : 0;
          },
        },
        { get: (t, p) => (p in t ? t[p] : noop(`languages.${String(p)}`)) },
      ),
      commands: {
        registerCommand(id, handler) {
          state.commands.set(id, handler);
          return new Disposable(() => state.commands.delete(id));
        },
        executeCommand: async () => undefined,
      },
    },
    { get: (t, p) => (p in t ? t[p] : typeof p === 'symbol' ? undefined : noop(`vscode.${String(p)}`)) },
  );
  return { vscode, state };
}

/** Makes `require('vscode')` return a fresh stub; returns it and its state. */
function installVscodeStub() {
  const stub = createVscode();
  const original = Module._load;
  Module._load = function (request, parent, isMain) {
    if (request === 'vscode') return stub.vscode;
    return original.call(this, request, parent, isMain);
  };
  return stub;
}

module.exports = { installVscodeStub, Uri };
