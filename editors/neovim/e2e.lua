-- End-to-end: Neovim's built-in LSP client drives `vtl lsp` on a template
-- from a case folder: diagnostics, a quick fix applied, completion, hover
-- with the explain answer, go to definition. Run headless by
-- scripts/lsp-neovim.sh (VTL = the binary, CASE = a case folder copy).
-- Works with Neovim 0.7 (Debian 12) and later.

local vtl = assert(os.getenv('VTL'), 'VTL is not set')
local case = assert(os.getenv('CASE'), 'CASE is not set')
local failures = 0

local function check(ok, what)
  if ok then
    io.stdout:write('ok   ' .. what .. '\n')
  else
    io.stdout:write('FAIL ' .. what .. '\n')
    failures = failures + 1
  end
end

vim.cmd('edit ' .. case .. '/template.vtl')
local buf = vim.api.nvim_get_current_buf()
vim.bo[buf].filetype = 'vtl'

local client_id = vim.lsp.start_client({
  name = 'vtl',
  cmd = { vtl, 'lsp' },
  root_dir = case,
})
check(client_id ~= nil, 'the client starts vtl lsp')
vim.lsp.buf_attach_client(buf, client_id)

local function diagnostics(code)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local c = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    if c == code then table.insert(found, d) end
  end
  return found
end

-- Diagnostics arrive for the open buffer: the misspelled $util function and
-- the branch that did not run with the case's context.
vim.wait(10000, function() return #diagnostics('unknown-util') > 0 end, 50)
local unknown = diagnostics('unknown-util')
check(#unknown == 1, 'unknown-util diagnostic published')
check(#diagnostics('not-run') == 1, 'the branch that did not run with context.json is marked')

-- The quick fix: `toJsn` -> `toJson`, applied through the client.
local line = unknown[1] and unknown[1].lnum or 0
local actions = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  range = { start = { line = line, character = 0 }, ['end'] = { line = line, character = 40 } },
  context = { diagnostics = {} },
}, 5000)
local action = actions and actions[client_id] and actions[client_id].result and actions[client_id].result[1]
check(action ~= nil and action.title == 'use `toJson`', 'a quick fix is offered')
if action then
  vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16')
end
check(vim.api.nvim_buf_get_lines(buf, line, line + 1, false)[1]:find('toJson(', 1, true) ~= nil,
  'the quick fix edits the buffer')
vim.wait(10000, function() return #diagnostics('unknown-util') == 0 end, 50)
check(#diagnostics('unknown-util') == 0, 'the diagnostic goes once the edit reaches the server')

-- Completion after `$util.` (a new last line).
local last = vim.api.nvim_buf_line_count(buf)
vim.api.nvim_buf_set_lines(buf, last, last, false, { '$util.' })
local items = vim.lsp.buf_request_sync(buf, 'textDocument/completion', {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  position = { line = last, character = 6 },
}, 5000)
local labels = {}
local result = items and items[client_id] and items[client_id].result or {}
for _, item in ipairs(result.items or result) do labels[item.label] = true end
check(labels['toJson'] and labels['dynamodb'], 'completion offers $util functions and namespaces')

-- Hover on `$isAuthorized` in the last #if: where it is set, and why it ended so.
local hover = vim.lsp.buf_request_sync(buf, 'textDocument/hover', {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  position = { line = 4, character = 8 },
}, 5000)
local value = hover and hover[client_id] and hover[client_id].result and hover[client_id].result.contents.value or ''
check(value:find('set on lines 1, 3', 1, true) ~= nil, 'hover says where the variable is set')
check(value:find('With context.json', 1, true) ~= nil, 'hover carries the explain answer')

-- Go to definition from that read lands on the #set inside the #if.
local def = vim.lsp.buf_request_sync(buf, 'textDocument/definition', {
  textDocument = { uri = vim.uri_from_bufnr(buf) },
  position = { line = 4, character = 8 },
}, 5000)
local loc = def and def[client_id] and def[client_id].result
check(loc ~= nil and loc.range ~= nil and loc.range.start.line == 2, 'go to definition')

vim.lsp.stop_client(client_id)
-- shutdown, then exit: the server leaves with status 0.
vim.wait(5000, function() return vim.lsp.client_is_stopped(client_id) end, 50)
check(vim.lsp.client_is_stopped(client_id), 'the server shuts down when asked')
io.stdout:write(failures == 0 and 'all passed\n' or (failures .. ' failed\n'))
vim.cmd(failures == 0 and 'qall!' or 'cquit 1')
