'use strict';
// Per-call cost of the Node binding from JavaScript, beside the Amplify simulator
// in-process and the Rust engine (`npm run bench` in bindings/node, after
// `npm run build`; the simulator: `npm ci --prefix bench` once).
//
// What is timed, per template of benches/templates (auth, putitem, filter):
//
//   binding (text ctx)  evaluateMappingTemplateSync({ template, context: <JSON text> },
//                       { now, seed: 0 }): the whole call as a user pays it. The
//                       binding reads the context JSON on every call, renders, and
//                       builds the response object; the template is parsed on the
//                       first call and kept (as every user's repeated template is).
//   binding (obj ctx)   the same with the context as an object (the TypeScript layer
//                       JSON.stringify's it, then the same call).
//   Rust parse+render   examples/bench_engine (run through `cargo run --release`): the
//                       median `parse_us` plus the median `render_from_json_us` (the
//                       context converted from parsed JSON inside each render, as the
//                       binding does; the JSON *text* parse is not in it).
//   simulator           @aws-amplify/amplify-appsync-simulator's VelocityTemplate,
//                       in-process, as ../shared/bench/engines/node/amplify-sim.js
//                       times its "render": the template parsed once outside the loop,
//                       the context an object already parsed, deep-copied
//                       (structuredClone) before the batch, outside the clock.
//
// Every figure is per call: warm-up, then BATCHES batches of n calls (n sized so a
// batch lasts about BATCH_MS), each batch's time / n; the median batch is reported
// (garbage collection falls inside the batches, as it does for a user). The binding's
// variants run in rounds (one batch of each in turn), and so do the simulator's, so
// that load from elsewhere falls on the variants of a group alike.
//
// The split of the binding's cost: an empty template with `{}` (the fixed cost of a
// call), an empty template with the real context (+ moving and parsing the context),
// the addon's call as the TypeScript layer makes it (the template prepared once,
// `evaluatePrepared`) without the layer, JSON.stringify of the object,
// and bench/native-body (the addon's work timed in Rust, without N-API: the same
// call, its empty and context-only variants and its parts).
//
// Targets (per template, on the text-context call, as the SDK passes it):
//   A. binding <= 1.5 x Rust parse+render + 5 us
//   B. simulator / binding >= 30
// B is also shown with both timed as ../shared/bench/engines/node/harness.js times a
// render (each call alone, the median of the single calls), beside the ratio the
// engine's own work in Rust (bench/native-body, no N-API) reaches.
//
// Knobs (environment): BATCHES (default 11), BATCH_MS (100), WARMUP_MS (300),
// RUST_ITER (2000; iterations given to bench_engine), BENCH_ENGINE (a built
// bench_engine binary: skips cargo for it), NO_RUST=1 (no cargo at all),
// TEMPLATES=auth,filter, JSON=file (also write the results as JSON).
//
// The Rust figures are built by cargo from the working tree as it is now; the
// addon is whatever `npm run build` built last. The script warns when the addon is
// older than the engine's sources, and when it is a debug build (it has debug info).

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

const node = path.join(__dirname, '..');
const repo = path.join(node, '..', '..');
const templatesDir = path.join(repo, 'benches', 'templates');

const BATCHES = intEnv('BATCHES', 11);
const BATCH_MS = intEnv('BATCH_MS', 100);
const WARMUP_MS = intEnv('WARMUP_MS', 300);
const RUST_ITER = intEnv('RUST_ITER', 2000);
const TEMPLATES = (process.env.TEMPLATES || 'auth,putitem,filter').split(',').filter(Boolean);
const NOW = '2024-01-15T10:30:45.123Z';
const OPTIONS = { now: NOW, seed: 0 };
const TARGET_FACTOR = 1.5;
const TARGET_PLUS_US = 5;
const TARGET_SIM_RATIO = 30;

function intEnv(name, dflt) {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = parseInt(v, 10);
  if (!(n > 0)) throw new Error(`${name} must be a positive integer, got ${v}`);
  return n;
}

// ---------------------------------------------------------------- the engines

let binding;
try {
  binding = require(path.join(node, 'dist', 'index.js'));
} catch (e) {
  console.error(`cannot load the binding (${e.message.split('\n')[0]}); run \`npm run build\` in bindings/node first`);
  process.exit(2);
}
// The addon itself, below the TypeScript layer (argument checks, option merging,
// error mapping): to see what the layer costs.
const rawAddon = require(path.join(node, 'native.js'));

function loadSimulator() {
  const root = path.join(__dirname, 'node_modules');
  try {
    const { VelocityTemplate } = require(path.join(root, '@aws-amplify/amplify-appsync-simulator/lib/velocity'));
    const version = require(path.join(root, '@aws-amplify/amplify-appsync-simulator/package.json')).version;
    const avt = require(path.join(root, 'amplify-velocity-template/package.json')).version;
    return { VelocityTemplate, version: `${version} (amplify-velocity-template ${avt})` };
  } catch (e) {
    console.error(`warning: the Amplify simulator is not installed (${e.code || e.message}); ` +
      'run `npm ci --prefix bench` in bindings/node. Its columns are left empty.');
    return null;
  }
}
const simulator = loadSimulator();

// As ../shared/bench/engines/node/amplify-sim.js builds its render.
const AUTH_MODES = {
  'User Pool Authorization': 'AMAZON_COGNITO_USER_POOLS',
  'API Key Authorization': 'API_KEY',
  'IAM Authorization': 'AWS_IAM',
  'Open ID Connect Authorization': 'OPENID_CONNECT',
};
const simulatorContext = {
  appSyncConfig: { defaultAuthenticationType: { authenticationType: 'AMAZON_COGNITO_USER_POOLS' } },
};
const info = { fieldName: 'bench', fieldNodes: [], variableValues: {}, parentType: 'Query', fragments: {} };

function simParse(src) {
  return new simulator.VelocityTemplate({ content: src, path: 'bench.vtl' }, simulatorContext);
}

function simRender(tpl, c) {
  const identity = c.identity || {};
  const requestContext = {
    requestAuthorizationMode: AUTH_MODES[c.authType] || 'AMAZON_COGNITO_USER_POOLS',
    jwt: identity.claims || {},
    sourceIp: (identity.sourceIp || ['127.0.0.1'])[0],
    headers: {},
  };
  const r = tpl.render(
    { arguments: c.arguments || {}, source: c.source, result: c.result, stash: c.stash || {} },
    requestContext, info);
  if (r.hadException) {
    throw new Error('template raised: ' + JSON.stringify(r.errors.map((e) => e.message)));
  }
  return typeof r.result === 'string' ? r.result : JSON.stringify(r.result);
}

// ---------------------------------------------------------------- timing

let sink = 0; // keeps results alive so no call is optimised away

function nowNs() {
  return process.hrtime.bigint();
}

/**
 * Per-call microseconds of each variant `{ call, prepare }`: each is warmed up for
 * WARMUP_MS (and at least 20 calls), which also sizes its batches to BATCH_MS;
 * then BATCHES rounds, each running one batch of every variant in turn, so that
 * a burst of load from elsewhere falls on all of them alike. `prepare(n)`, when
 * given, runs before a batch, outside the clock; `call(input, i)` gets its result.
 */
function measure(variants) {
  const none = () => null;
  const state = {};
  for (const [key, v] of Object.entries(variants)) {
    const prepare = v.prepare || none;
    let calls = 0;
    let spent = 0n;
    while (calls < 20 || spent < BigInt(WARMUP_MS) * 1000000n) {
      const input = prepare(1);
      const t0 = nowNs();
      sink ^= touch(v.call(input, 0));
      spent += nowNs() - t0;
      calls++;
    }
    const estimateUs = Number(spent) / 1000 / calls;
    state[key] = { call: v.call, prepare, n: Math.max(5, Math.round((BATCH_MS * 1000) / estimateUs)), perCall: [] };
  }
  for (let b = 0; b < BATCHES; b++) {
    for (const st of Object.values(state)) {
      const input = st.prepare(st.n);
      const call = st.call;
      const n = st.n;
      const t0 = nowNs();
      for (let i = 0; i < n; i++) sink ^= touch(call(input, i));
      st.perCall.push(Number(nowNs() - t0) / 1000 / n);
    }
  }
  const out = {};
  for (const [key, st] of Object.entries(state)) {
    const sorted = [...st.perCall].sort((a, b) => a - b);
    out[key] = {
      median: sorted[Math.floor(sorted.length / 2)],
      min: sorted[0],
      max: sorted[sorted.length - 1],
      batches: BATCHES,
      callsPerBatch: st.n,
    };
  }
  return out;
}

/**
 * Per-call microseconds as ../shared/bench/engines/node/harness.js measures a
 * render: `warmup` calls, then `iterations` calls each timed alone
 * (`process.hrtime.bigint` around the call, `prepare()` before it, outside the
 * clock); the median of the single calls. Garbage collection falls on the few
 * calls it interrupts and the median leaves them out, where a batch's mean keeps
 * them: this protocol gives the lower figure.
 */
function measureEach({ call, prepare }, iterations) {
  const none = () => null;
  prepare = prepare || none;
  const warmup = Math.max(20, Math.floor(iterations / 5));
  for (let i = 0; i < warmup; i++) sink ^= touch(call(prepare()));
  const each = [];
  for (let i = 0; i < iterations; i++) {
    const input = prepare();
    const t0 = nowNs();
    sink ^= touch(call(input));
    each.push(Number(nowNs() - t0) / 1000);
  }
  each.sort((a, b) => a - b);
  return { median: each[Math.floor(each.length / 2)], min: each[0], max: each[each.length - 1], calls: iterations };
}

function touch(v) {
  if (typeof v === 'string') return v.length;
  if (v && typeof v.evaluationResult === 'string') return v.evaluationResult.length;
  return 1;
}

// ---------------------------------------------------------------- Rust

function rustFigures(name, tplPath, ctxPath) {
  if (process.env.NO_RUST) return null;
  let cmd, args;
  if (process.env.BENCH_ENGINE) {
    cmd = process.env.BENCH_ENGINE;
    args = [tplPath, ctxPath, String(RUST_ITER)];
  } else {
    cmd = 'cargo';
    args = ['run', '--release', '--quiet', '--example', 'bench_engine', '--', tplPath, ctxPath, String(RUST_ITER)];
  }
  const r = spawnSync(cmd, args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) {
    console.error(`warning: ${cmd} ${args.join(' ')} failed (${r.error ? r.error.message : 'exit ' + r.status}); no Rust figures for ${name}`);
    return null;
  }
  const line = JSON.parse(r.stdout.trim().split('\n').pop());
  return {
    parse: line.parse_us.median,
    render: line.render_us.median,
    renderFromJson: line.render_from_json_us.median,
    parseRender: line.parse_us.median + line.render_from_json_us.median,
  };
}

// The addon's body in Rust (bench/native-body), built into the repository's
// target directory.
function nativeBody(name, tplPath, ctxPath) {
  if (process.env.NO_RUST) return null;
  const args = ['run', '--release', '--quiet',
    '--manifest-path', path.join(__dirname, 'native-body', 'Cargo.toml'),
    '--target-dir', path.join(repo, 'target', 'node-bench'),
    '--', tplPath, ctxPath];
  const env = { ...process.env, BATCHES: String(BATCHES), BATCH_MS: String(BATCH_MS), WARMUP_MS: String(WARMUP_MS) };
  const r = spawnSync('cargo', args, { cwd: repo, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) {
    console.error(`warning: cargo ${args.join(' ')} failed (${r.error ? r.error.message : 'exit ' + r.status}); no split for ${name}`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

/** The newest modification time of the .rs files under `dir`. */
function newestSource(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (entry.name.endsWith('.rs')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

function staleAddon() {
  const addons = fs.readdirSync(node).filter((f) => f.endsWith('.node'));
  if (!addons.length) return null;
  const built = Math.max(...addons.map((f) => fs.statSync(path.join(node, f)).mtimeMs));
  const sources = Math.max(newestSource(path.join(repo, 'src')), newestSource(path.join(node, 'src')));
  return sources > built ? new Date(sources).toISOString() : null;
}

/**
 * Whether the addon (an ELF file) has a `.debug_info` section: a debug build
 * (`npm run build:debug`) has one, the release build (`npm run build`, stripped)
 * has none. `null` when it cannot tell (not ELF).
 */
function addonHasDebugInfo() {
  const file = fs.readdirSync(node).find((f) => f.endsWith('.node'));
  if (!file) return null;
  const buf = fs.readFileSync(path.join(node, file));
  if (buf.length < 64 || buf.readUInt32BE(0) !== 0x7f454c46 || buf[4] !== 2 || buf[5] !== 1) return null;
  const shoff = Number(buf.readBigUInt64LE(0x28));
  const shentsize = buf.readUInt16LE(0x3a);
  const shnum = buf.readUInt16LE(0x3c);
  const shstrndx = buf.readUInt16LE(0x3e);
  if (!shoff || shstrndx >= shnum || shoff + shnum * shentsize > buf.length) return null;
  const section = (i) => shoff + i * shentsize;
  const strtab = Number(buf.readBigUInt64LE(section(shstrndx) + 0x18));
  for (let i = 0; i < shnum; i++) {
    const nameAt = strtab + buf.readUInt32LE(section(i));
    const end = buf.indexOf(0, nameAt);
    if (buf.toString('latin1', nameAt, end) === '.debug_info') return true;
  }
  return false;
}

// ---------------------------------------------------------------- output check

// As ../shared/bench/check_output.py: mask UUIDs and ISO-8601 timestamps, parse
// both as JSON, compare structurally. (JavaScript cannot tell 3 from 3.0 apart
// after JSON.parse, which the Python check can.)
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;
const TS = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g;

function masked(text) {
  return JSON.parse(text.replace(UUID, '<UUID>').replace(TS, '<TIMESTAMP>'));
}

function kind(v) {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function diff(a, b, at = '$') {
  const show = (v) => String(JSON.stringify(v)).slice(0, 80);
  if (kind(a) !== kind(b)) return `${at}: ${show(a)} != ${show(b)}`;
  if (kind(a) === 'object') {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
      if (!(k in a) || !(k in b)) return `${at}.${k}: missing on one side`;
      const d = diff(a[k], b[k], `${at}.${k}`);
      if (d) return d;
    }
  } else if (kind(a) === 'array') {
    if (a.length !== b.length) return `${at}: list length ${a.length} != ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = diff(a[i], b[i], `${at}[${i}]`);
      if (d) return d;
    }
  } else if (a !== b) {
    return `${at}: ${show(a)} != ${show(b)}`;
  }
  return null;
}

function checkOutputs(ours, theirs) {
  try {
    const d = diff(masked(theirs), masked(ours));
    return d === null ? 'ok' : `mismatch (simulator vs binding): ${d}`;
  } catch (e) {
    return `error: output is not JSON (${e.name})`;
  }
}

// ---------------------------------------------------------------- run

function fmt(us) {
  if (us === null || us === undefined || Number.isNaN(us)) return 'n/a';
  if (us < 10) return us.toFixed(2);
  if (us < 100) return us.toFixed(1);
  return Math.round(us).toLocaleString('en-US');
}

function machine() {
  const cpus = os.cpus();
  let commit = '?';
  const g = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repo, encoding: 'utf8' });
  if (g.status === 0) commit = g.stdout.trim();
  const d = spawnSync('git', ['status', '--porcelain', '--untracked-files=no', '--', 'src', 'bindings/node/src', 'Cargo.toml', 'Cargo.lock'],
    { cwd: repo, encoding: 'utf8' });
  const dirty = d.status === 0 && d.stdout.trim() !== '';
  return {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    cpu: cpus.length ? cpus[0].model : '?',
    cores: cpus.length,
    node: process.version,
    binding: binding.version(),
    simulator: simulator ? simulator.version : null,
    commit,
    dirty,
    loadStart: os.loadavg()[0],
  };
}

function main() {
  const m = machine();
  console.log(`appsync-vtl ${m.binding} Node binding, per call, µs (median of ${BATCHES} batches of ~${BATCH_MS} ms after ${WARMUP_MS} ms warm-up)`);
  console.log(`${m.date}, ${m.cpu}, ${m.cores} cores, Node ${m.node}, at ${m.commit}${m.dirty ? ' (+ uncommitted changes)' : ''}, 1-min load ${m.loadStart.toFixed(2)}`);
  if (addonHasDebugInfo()) {
    console.log('WARNING: the addon carries debug info: it looks like a debug build (`npm run build:debug`); ' +
      'run `npm run build` for the release build, or the figures are an unoptimised build\'s.');
  }
  const stale = staleAddon();
  if (stale) {
    console.log(`WARNING: the addon is older than the engine's sources (changed ${stale}): the binding's figures and the Rust ones ` +
      '(built now by cargo) may come from different code; run `npm run build` first.');
  }
  if (simulator) console.log(`simulator: @aws-amplify/amplify-appsync-simulator ${simulator.version}`);
  if (m.loadStart >= m.cores) {
    console.log(`WARNING: the 1-min load (${m.loadStart.toFixed(2)}) is at or above the core count: other work shares the cores, the figures will be high and noisy.`);
  }
  console.log('');

  const rows = [];
  for (const name of TEMPLATES) {
    const tplPath = path.join(templatesDir, `${name}.vtl`);
    const ctxPath = path.join(templatesDir, `${name}.context.json`);
    const template = fs.readFileSync(tplPath, 'utf8');
    const ctxText = fs.readFileSync(ctxPath, 'utf8');
    const ctxObj = JSON.parse(ctxText);
    const prepared = rawAddon.prepareTemplate(template);
    process.stderr.write(`${name}: Rust...`);
    const rust = rustFigures(name, path.relative(repo, tplPath), path.relative(repo, ctxPath));
    const body = nativeBody(name, path.relative(repo, tplPath), path.relative(repo, ctxPath));

    // The outputs first (this is also the first call).
    const ours = binding.evaluateMappingTemplateSync({ template, context: ctxText }, OPTIONS);
    if (ours.error) console.error(`warning: ${name}: the binding answered an error: ${ours.error.message}`);
    const row = { template: name, rust, body, check: null };

    process.stderr.write(' binding...');
    Object.assign(row, measure({
      text: { call: () => binding.evaluateMappingTemplateSync({ template, context: ctxText }, OPTIONS) },
      object: { call: () => binding.evaluateMappingTemplateSync({ template, context: ctxObj }, OPTIONS) },
      // The split.
      raw: { call: () => rawAddon.evaluatePrepared(prepared, ctxText, undefined, undefined, undefined, NOW, 0) },
      emptyCall: { call: () => binding.evaluateMappingTemplateSync({ template: '', context: '{}' }, OPTIONS) },
      contextOnly: { call: () => binding.evaluateMappingTemplateSync({ template: '', context: ctxText }, OPTIONS) },
      stringify: { call: () => JSON.stringify(ctxObj) },
    }));

    if (simulator) {
      process.stderr.write(' simulator...');
      const compiled = simParse(template);
      const theirs = simRender(compiled, structuredClone(ctxObj));
      row.check = checkOutputs(ours.evaluationResult || '', theirs);
      Object.assign(row, measure({
        // As the adapter's render: parsed once, the copies made outside the clock.
        sim: {
          call: (copies, i) => simRender(compiled, copies[i]),
          prepare: (n) => Array.from({ length: n }, () => structuredClone(ctxObj)),
        },
        // The simulator doing what one binding call does: parse the template and
        // the context text, then render (for reference; not the target's measure).
        simFull: { call: () => simRender(simParse(template), JSON.parse(ctxText)) },
      }));
      // Both timed as the shared harness times a render (its iteration counts:
      // ITER_SMALL 2000, ITER_FILTER 500), one after the other.
      const iterations = name === 'filter' ? 500 : 2000;
      row.simEach = measureEach({
        call: (c) => simRender(compiled, c),
        prepare: () => structuredClone(ctxObj),
      }, iterations);
      row.textEach = measureEach({
        call: () => binding.evaluateMappingTemplateSync({ template, context: ctxText }, OPTIONS),
      }, iterations);
    }
    process.stderr.write(' done\n');
    rows.push(row);
  }
  m.loadEnd = os.loadavg()[0];

  // The table.
  const verdicts = [];
  console.log('| template | binding (text ctx) | binding (object ctx) | Rust parse+render | simulator (render) | sim / binding | target met |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const b = r.text.median;
    const rust = r.rust ? r.rust.parseRender : null;
    const sim = r.sim ? r.sim.median : null;
    const limit = rust !== null ? TARGET_FACTOR * rust + TARGET_PLUS_US : null;
    const a = limit !== null ? b <= limit : null;
    const ratio = sim !== null ? sim / b : null;
    const s = ratio !== null ? ratio >= TARGET_SIM_RATIO : null;
    const met = a === null || s === null ? 'n/a' : a && s ? 'yes' : 'no';
    verdicts.push({ r, b, rust, limit, a, ratio, s });
    console.log(`| ${r.template} | ${fmt(b)} | ${fmt(r.object.median)} | ${fmt(rust)} | ${fmt(sim)} | ` +
      `${ratio === null ? 'n/a' : ratio.toFixed(ratio < 10 ? 1 : 0) + '×'} | ${met} |`);
  }
  console.log('');
  console.log(`Targets: A. binding ≤ ${TARGET_FACTOR} × Rust parse+render + ${TARGET_PLUS_US} µs; B. simulator ≥ ${TARGET_SIM_RATIO} × binding (text context).`);
  for (const v of verdicts) {
    const a = v.a === null ? 'A n/a' :
      `A ${v.a ? 'met' : 'missed'}: ${fmt(v.b)} vs limit ${fmt(v.limit)} µs (${(v.b / v.rust).toFixed(2)}× Rust, ` +
      `${fmt(Math.abs(v.b - v.limit))} µs ${v.a ? 'under' : 'over'})`;
    const s = v.s === null ? 'B n/a' :
      `B ${v.s ? 'met' : 'missed'}: ${v.ratio.toFixed(1)}× (${TARGET_SIM_RATIO}× needs the binding at ≤ ${fmt(v.r.sim.median / TARGET_SIM_RATIO)} µs)`;
    const ob = v.limit !== null ? ` (object ctx: A ${v.r.object.median <= v.limit ? 'met' : 'missed'}` +
      (v.r.sim ? `, B ${v.r.sim.median / v.r.object.median >= TARGET_SIM_RATIO ? 'met' : 'missed'})` : ')') : '';
    console.log(`  ${v.r.template}: ${a}; ${s}${ob}`);
  }

  if (verdicts.some((v) => v.r.simEach)) {
    console.log('');
    console.log('B again, with each call timed alone as ../shared/bench/engines/node/harness.js times a render ' +
      '(median of 2000 calls, 500 for filter), and the floor the engine itself sets (its work in Rust, no N-API):');
    for (const v of verdicts) {
      const e = v.r.simEach;
      if (!e) continue;
      const ours = v.r.textEach.median;
      const rust = v.r.body ? v.r.body.call_us : null;
      const floor = rust === null ? '' : `; the same work in Rust alone: ${fmt(rust)} µs, ${(e.median / rust).toFixed(1)}× the simulator's figure`;
      console.log(`  ${v.r.template}: simulator ${fmt(e.median)} µs, binding ${fmt(ours)} µs: ${(e.median / ours).toFixed(1)}× ` +
        `(B ${e.median / ours >= TARGET_SIM_RATIO ? 'met' : 'missed'}; ${TARGET_SIM_RATIO}× needs ≤ ${fmt(e.median / TARGET_SIM_RATIO)} µs)${floor}`);
    }
  }

  console.log('');
  console.log('Where a binding call goes, µs (medians; "Rust" rows: bench/native-body, the addon\'s work without N-API, same batches):');
  const cols = rows.map((r) => r.template);
  console.log(`| | ${cols.join(' | ')} |`);
  console.log(`|---|${cols.map(() => '---').join('|')}|`);
  const line = (label, f) => console.log(`| ${label} | ${rows.map((r) => { try { return fmt(f(r)); } catch { return 'n/a'; } }).join(' | ')} |`);
  const b = (r, k) => (r.body ? r.body[k] : null);
  const less = (x, y) => (x === null || y === null ? null : x - y);
  line('call from JS, context as text', (r) => r.text.median);
  line('call from JS, context as object', (r) => r.object.median);
  line('the addon called directly (`evaluatePrepared`, no TypeScript layer)', (r) => r.raw.median);
  line('the same work in Rust, no N-API', (r) => b(r, 'call_us'));
  line('→ N-API and JS layer (JS − Rust)', (r) => less(r.text.median, b(r, 'call_us')));
  line('empty template, `{}`: from JS', (r) => r.emptyCall.median);
  line('empty template, `{}`: Rust', (r) => b(r, 'empty_call_us'));
  line('empty template, real context: from JS', (r) => r.contextOnly.median);
  line('empty template, real context: Rust', (r) => b(r, 'context_only_call_us'));
  line('Rust: context JSON text parsed (serde_json)', (r) => b(r, 'context_json_parse_us'));
  line('Rust: `Request::from_json` (engine, context parsed)', (r) => b(r, 'request_from_json_us'));
  line('Rust: `Request::render` (a fresh parse, then render)', (r) => b(r, 'parse_then_render_us'));
  line('Rust: parse (native-body)', (r) => b(r, 'parse_us'));
  line('Rust: render from JSON, template reused (native-body)', (r) => b(r, 'render_from_json_us'));
  line('Rust: parse (bench_engine)', (r) => r.rust && r.rust.parse);
  line('Rust: render from JSON (bench_engine)', (r) => r.rust && r.rust.renderFromJson);
  line('Rust: render, context copied untimed (bench_engine; the docs\' "render")', (r) => r.rust && r.rust.render);
  line('JSON.stringify(context)', (r) => r.stringify.median);
  line('simulator render (parsed once, copy untimed)', (r) => r.sim.median);
  line('simulator per call: JSON.parse + parse + render', (r) => r.simFull.median);
  line('simulator render, each timed alone (../shared/bench\'s protocol)', (r) => r.simEach.median);
  line('call from JS, context as text, each timed alone', (r) => r.textEach.median);

  console.log('');
  console.log('Spread (min–max of the batch medians) and calls per batch:');
  for (const r of rows) {
    const s = (x) => (x ? `${fmt(x.min)}–${fmt(x.max)} (n=${x.callsPerBatch})` : 'n/a');
    console.log(`  ${r.template}: text ${s(r.text)}; object ${s(r.object)}; simulator ${s(r.sim)}`);
  }

  console.log('');
  for (const r of rows) {
    if (r.check === null) console.log(`output check ${r.template}: not made (no simulator)`);
    else if (r.check === 'ok') console.log(`output check ${r.template}: ok (evaluationResult = simulator's output, masked)`);
    else console.log(`WARNING: output check ${r.template}: ${r.check}`);
  }
  console.log(`1-min load: ${m.loadStart.toFixed(2)} at start, ${m.loadEnd.toFixed(2)} at end`);

  if (process.env.JSON) {
    fs.writeFileSync(process.env.JSON, JSON.stringify({ machine: m, rows }, null, 2) + '\n');
  }
  if (sink === 0.5) console.log(''); // never true; uses the sink
}

main();
