// The AppSync VTL extension: starts `vtl lsp` over stdio for documents of the
// language `vtl`, and adds two commands (explain with a context, restart).
// The grammar and language configuration need no code; see package.json.

import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  CloseAction,
  CloseHandlerResult,
  ErrorAction,
  ErrorHandler,
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from 'vscode-languageclient/node';

const CLIENT_ID = 'appsyncVtl'; // also the prefix of the `appsyncVtl.trace.server` setting
const CLIENT_NAME = 'AppSync VTL';
const SERVER_COMMAND_USE_CONTEXT = 'vtl.useContext';

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;
/** The context file chosen for each document (by URI), as far as this window knows. */
const contexts = new Map<string, string>();

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel(CLIENT_NAME);
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('appsyncVtl.restartServer', () => restart()),
    vscode.commands.registerCommand('appsyncVtl.useContext', (uri?: vscode.Uri) => useContext(uri)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('appsyncVtl.server')) {
        void restart();
      }
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => contexts.delete(doc.uri.toString())),
  );
  await start();
}

export async function deactivate(): Promise<void> {
  await stop();
}

interface ServerSettings {
  command: string;
  args: string[];
}

function settings(): ServerSettings {
  const config = vscode.workspace.getConfiguration('appsyncVtl');
  const configured = (config.get<string>('server.path') ?? '').trim() || 'vtl';
  const extraArgs = (config.get<unknown[]>('server.extraArgs') ?? []).filter(
    (a): a is string => typeof a === 'string',
  );
  return { command: expandHome(configured), args: ['lsp', ...extraArgs] };
}

function expandHome(p: string): string {
  if (p === '~' || p.startsWith('~/') || p.startsWith('~\\')) {
    const home = process.env.HOME ?? process.env.USERPROFILE;
    if (home) {
      return path.join(home, p.slice(1));
    }
  }
  return p;
}

/** The executable `command` names: itself when it holds a path, else the first match on PATH. */
function resolveExecutable(command: string): string | undefined {
  const isFile = (p: string): boolean => {
    try {
      return fs.statSync(p).isFile();
    } catch {
      return false;
    }
  };
  const exts =
    process.platform === 'win32'
      ? ['', ...(process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';').filter(Boolean)]
      : [''];
  if (command.includes('/') || command.includes('\\')) {
    const base = path.isAbsolute(command)
      ? command
      : path.resolve(vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd(), command);
    return exts.map((e) => base + e).find(isFile);
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) {
      continue;
    }
    const found = exts.map((e) => path.join(dir, command + e)).find(isFile);
    if (found) {
      return found;
    }
  }
  return undefined;
}

async function start(): Promise<void> {
  const { command, args } = settings();
  const executable = resolveExecutable(command);
  if (!executable) {
    void reportMissingServer(command);
    return;
  }

  const serverOptions: ServerOptions = {
    command: executable,
    args,
    // stdio, without the `--stdio` flag that `transport: TransportKind.stdio` would append.
    options: { cwd: vscode.workspace.workspaceFolders?.[0]?.uri.fsPath },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'vtl' }],
    outputChannel: output,
    errorHandler: restartPolicy(() => started),
    // A failed initialize is reported once, below, with what to do about it.
    initializationFailedHandler: () => false,
  };

  let started = false;
  const c = new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
  client = c;
  try {
    await c.start();
    started = true;
    output?.appendLine(`Started ${executable} ${args.join(' ')}`);
    // A new server knows none of the contexts chosen before: tell it again.
    for (const [uri, file] of contexts) {
      await sendUseContext(c, uri, file).catch(() => undefined);
    }
  } catch (err) {
    client = undefined;
    await c.dispose().catch(() => undefined);
    const message = err instanceof Error ? err.message : String(err);
    output?.appendLine(`Could not start ${executable} ${args.join(' ')}: ${message}`);
    // Not awaited: activation must not wait for the user to answer.
    void reportStartFailure(`${executable} ${args.join(' ')}`, message);
  }
}

/**
 * A server that never came up is not restarted (it is the wrong binary, or an
 * old vtl without `lsp`); one that crashes later is, up to 4 times in 3 minutes.
 */
function restartPolicy(hasStarted: () => boolean): ErrorHandler {
  const crashes: number[] = [];
  return {
    error: (_error, _message, count) => ({
      action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown,
    }),
    closed: (): CloseHandlerResult => {
      if (!hasStarted()) {
        return { action: CloseAction.DoNotRestart, handled: true };
      }
      const now = Date.now();
      crashes.push(now);
      while (crashes.length > 0 && now - crashes[0] > 3 * 60 * 1000) {
        crashes.shift();
      }
      if (crashes.length > 4) {
        return {
          action: CloseAction.DoNotRestart,
          message:
            'AppSync VTL: vtl lsp stopped 5 times in 3 minutes and will not be restarted ' +
            '(see the AppSync VTL output; "AppSync VTL: Restart Language Server" starts it again).',
        };
      }
      return { action: CloseAction.Restart, handled: true };
    },
  };
}

async function reportStartFailure(commandLine: string, message: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(
    `AppSync VTL: \`${commandLine}\` did not start as a language server (${message}). ` +
      'Is it a vtl build with the `lsp` command? What it printed is in the AppSync VTL output.',
    'Show Output',
    'Open Settings',
  );
  if (choice === 'Show Output') {
    output?.show();
  } else if (choice === 'Open Settings') {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'appsyncVtl.server');
  }
}

async function reportMissingServer(command: string): Promise<void> {
  const where =
    command.includes('/') || command.includes('\\')
      ? `\`${command}\` does not exist`
      : `\`${command}\` is not on PATH`;
  const message =
    `AppSync VTL: the language server was not found (${where}). ` +
    'Install it with `cargo install --path .` in the appsync-vtl repository, ' +
    'or set `appsyncVtl.server.path` to the `vtl` binary. Colouring works without it.';
  output?.appendLine(message);
  const choice = await vscode.window.showErrorMessage(message, 'Open Settings');
  if (choice === 'Open Settings') {
    await vscode.commands.executeCommand('workbench.action.openSettings', 'appsyncVtl.server.path');
  }
}

async function stop(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop(2000);
    } catch {
      // The server is gone already, or never came up.
    }
    await c.dispose().catch(() => undefined);
  }
}

async function restart(): Promise<void> {
  await stop();
  await start();
}

function sendUseContext(c: LanguageClient, uri: string, file: string | null): Promise<unknown> {
  return c.sendRequest(ExecuteCommandRequest.type, {
    command: SERVER_COMMAND_USE_CONTEXT,
    arguments: [uri, file],
  });
}

/** `AppSync VTL: Explain with a context…`: picks a JSON context for a template, or clears it. */
async function useContext(target?: vscode.Uri): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const document =
    target !== undefined
      ? vscode.workspace.textDocuments.find((d) => d.uri.toString() === target.toString())
      : editor?.document;
  if (!document || document.languageId !== 'vtl') {
    void vscode.window.showWarningMessage('AppSync VTL: open a .vtl template first.');
    return;
  }
  const c = client;
  if (!c || !c.isRunning()) {
    void vscode.window.showWarningMessage(
      'AppSync VTL: the language server is not running (see the AppSync VTL output).',
    );
    return;
  }
  const commands = c.initializeResult?.capabilities.executeCommandProvider?.commands ?? [];
  if (!commands.includes(SERVER_COMMAND_USE_CONTEXT)) {
    void vscode.window.showWarningMessage(
      `AppSync VTL: this vtl server does not offer ${SERVER_COMMAND_USE_CONTEXT}; update vtl.`,
    );
    return;
  }

  const uri = document.uri.toString();
  const current = contexts.get(uri);
  let file: string | null | undefined;
  if (current !== undefined) {
    const pick = await vscode.window.showQuickPick(
      [
        { label: '$(file) Choose a context file…', id: 'choose' },
        { label: '$(close) Stop explaining', description: path.basename(current), id: 'clear' },
      ],
      { placeHolder: `Explaining ${path.basename(document.uri.fsPath)} with ${current}` },
    );
    if (!pick) {
      return;
    }
    file = pick.id === 'clear' ? null : await pickContextFile(document.uri, current);
  } else {
    file = await pickContextFile(document.uri, undefined);
  }
  if (file === undefined) {
    return;
  }

  try {
    await sendUseContext(c, uri, file);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    void vscode.window.showErrorMessage(`AppSync VTL: ${SERVER_COMMAND_USE_CONTEXT} failed: ${message}`);
    return;
  }
  if (file === null) {
    contexts.delete(uri);
    vscode.window.setStatusBarMessage('AppSync VTL: context cleared', 3000);
  } else {
    contexts.set(uri, file);
    vscode.window.setStatusBarMessage(`AppSync VTL: explaining with ${path.basename(file)}`, 3000);
  }
}

async function pickContextFile(template: vscode.Uri, current: string | undefined): Promise<string | undefined> {
  const defaultUri =
    current !== undefined
      ? vscode.Uri.file(current)
      : template.scheme === 'file'
        ? vscode.Uri.file(path.dirname(template.fsPath))
        : vscode.workspace.workspaceFolders?.[0]?.uri;
  const picked = await vscode.window.showOpenDialog({
    canSelectFiles: true,
    canSelectFolders: false,
    canSelectMany: false,
    defaultUri,
    filters: { 'Context (JSON)': ['json'] },
    openLabel: 'Explain with this context',
    title: 'AppSync VTL: a context for the template',
  });
  return picked?.[0]?.fsPath;
}
