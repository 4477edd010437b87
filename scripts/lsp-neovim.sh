#!/usr/bin/env bash
# End-to-end test of `vtl lsp` with a real editor's client: Neovim's built-in
# LSP client, headless (editors/neovim/e2e.lua). Installs Neovim from the
# distribution's packages when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v nvim >/dev/null 2>&1; then
  echo "== installing Neovim (Debian package)"
  apt-get update -qq && apt-get install -y -qq neovim >/dev/null
fi
cargo build --locked --quiet
vtl="$PWD/target/debug/vtl"

case_dir=$(mktemp -d)
trap 'rm -rf "$case_dir"' EXIT
cat > "$case_dir/template.vtl" <<'VTL'
#set($isAuthorized = false)
#if($ctx.identity.sub == "owner-1")
  #set($isAuthorized = true)
#end
#if(!$isAuthorized)
  $util.unauthorized()
#end
$util.toJsn({"ok": $isAuthorized})
VTL
echo '{}' > "$case_dir/case.json"
echo '{"identity": {"sub": "someone-else", "username": "u", "claims": {}}}' > "$case_dir/context.json"

echo "== Neovim $(nvim --version | head -1) drives vtl lsp"
VTL="$vtl" CASE="$case_dir" timeout 120 nvim --headless -u NONE -i NONE -n \
  -c "luafile editors/neovim/e2e.lua" 2>&1
