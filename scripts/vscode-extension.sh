#!/usr/bin/env bash
# Builds, tests and packages the VS Code extension in editors/vscode the way CI
# does: `npm ci`, `npm run compile` (tsc type-check, esbuild bundle),
# `npm run test:grammar` (vscode-tmgrammar-test over test/grammar/*.vtl),
# `npm run package` (vsce, offline, from the devDependency) and
# `npm run test:client` (node --test: the packaged client bundle against a fake
# `vtl lsp`, and against target/debug/vtl when that is built), then checks that the .vsix holds the grammar, the language
# configuration and the bundled client, and lists it. Needs Node.js 20+ and npm with registry access. Leaves
# editors/vscode/appsync-vtl-<version>.vsix (ignored by git).
#
#   bash scripts/vscode-extension.sh
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ext=$root/editors/vscode
cd "$ext"

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if (( node_major < 20 )); then
  echo "vscode-extension: Node.js 20 or newer is needed (found $(node --version 2>/dev/null || echo none))" >&2
  exit 2
fi

version=$(node -p 'require("./package.json").version')
vsix=$ext/appsync-vtl-$version.vsix
rm -f "$ext"/appsync-vtl-*.vsix

echo "== npm ci (editors/vscode)"
npm ci --no-audit --no-fund

echo "== npm run compile"
npm run --silent compile

echo "== npm run test:grammar"
npm run --silent test:grammar
files=$(find test/grammar -name '*.vtl' | wc -l)
asserts=$(cat test/grammar/*.vtl | grep -cE '^##[[:space:]]*(\^|<~*-)')
echo "grammar tests: $files files, $asserts assertion lines, all passed"

echo "== npm run package"
npm run --silent package

if [[ ! -f $vsix ]]; then
  echo "vscode-extension: npm run package made no $vsix" >&2
  exit 1
fi

echo "== npm run test:client (the bundle that went into the .vsix)"
# Against the real server too when a vtl with the lsp command is built (cargo
# build / cargo test leave target/debug/vtl); VTL_BIN set by the caller wins.
if [[ -z ${VTL_BIN:-} ]]; then
  for candidate in "$root/target/debug/vtl" "$root/target/release/vtl"; do
    if [[ -x $candidate ]] && "$candidate" lsp --help >/dev/null 2>&1; then
      export VTL_BIN=$candidate
      break
    fi
  done
fi
if [[ -n ${VTL_BIN:-} ]]; then
  echo "(the real-server test uses $VTL_BIN)"
else
  echo "(no vtl build with the lsp command in target/: the real-server test is skipped)"
fi
npm run --silent test:client

echo "== contents of $(basename "$vsix")"
if command -v unzip >/dev/null 2>&1; then
  listing=$(unzip -l "$vsix")
else
  listing=$(python3 -m zipfile -l "$vsix")
fi
echo "$listing"
for entry in extension/package.json extension/out/extension.js \
  extension/syntaxes/vtl.tmLanguage.json extension/language-configuration.json \
  extension/readme.md extension/changelog.md; do
  if ! grep -qF "$entry" <<<"$listing"; then
    echo "vscode-extension: $entry is missing from $(basename "$vsix")" >&2
    exit 1
  fi
done
if grep -qF 'extension/node_modules/' <<<"$listing"; then
  echo "vscode-extension: node_modules went into the .vsix (the client is meant to be bundled)" >&2
  exit 1
fi

size=$(wc -c <"$vsix")
echo "vscode-extension: $(basename "$vsix") built, $size bytes ($(( (size + 1023) / 1024 )) KiB)"
