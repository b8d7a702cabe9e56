-- A second, independent LSP client: headless Neovim (0.7+) starts the
-- language server on a workspace, opens one file, waits for its diagnostics
-- and writes what it received, and what Neovim shows, to a JSON file.
--
--   RC_NODE=node RC_SERVER=dist/cli.js RC_ROOT=<workspace> RC_FILE=<relative file> RC_OUT=<json> \
--     nvim --headless --clean -u NONE -c 'luafile test/neovim/client.lua'
local node = os.getenv('RC_NODE') or 'node'
local server = assert(os.getenv('RC_SERVER'), 'RC_SERVER: the path of dist/cli.js')
local root = assert(os.getenv('RC_ROOT'), 'RC_ROOT: the workspace folder')
local file = assert(os.getenv('RC_FILE'), 'RC_FILE: the file to open, relative to RC_ROOT')
local out = assert(os.getenv('RC_OUT'), 'RC_OUT: where to write the result')
local timeout_ms = tonumber(os.getenv('RC_TIMEOUT_MS') or '30000')

local path = root .. '/' .. file
local target = vim.uri_from_fname(path)
local published = nil
local log = {}

local function note(message)
  table.insert(log, message)
end

local client_id = vim.lsp.start_client({
  name = 'rust-consolidate',
  cmd = { node, server, 'lsp', '--stdio' },
  root_dir = root,
  workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ':t') } },
  handlers = {
    ['textDocument/publishDiagnostics'] = function(err, result, ctx, config)
      if result.uri == target and #result.diagnostics > 0 then
        published = result.diagnostics
      end
      return vim.lsp.handlers['textDocument/publishDiagnostics'](err, result, ctx, config)
    end,
  },
  on_exit = function(code, signal)
    note(string.format('server exited: code %s, signal %s', code, signal))
  end,
})

local result = { client = client_id ~= nil, nvim = tostring(vim.version().major) .. '.' .. tostring(vim.version().minor) .. '.' .. tostring(vim.version().patch) }
if client_id then
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local buffer = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(buffer, client_id)
  result.received = vim.wait(timeout_ms, function()
    return published ~= nil and #vim.diagnostic.get(buffer) > 0
  end, 50)
  result.published = published or vim.NIL
  -- What a user sees: the diagnostics Neovim holds for the buffer (0-based lines).
  result.shown = {}
  for _, d in ipairs(vim.diagnostic.get(buffer)) do
    table.insert(result.shown, { lnum = d.lnum, col = d.col, severity = d.severity, source = d.source or vim.NIL, message = d.message })
  end
  local client = vim.lsp.get_client_by_id(client_id)
  result.initialized = client ~= nil and client.initialized == true
  vim.lsp.stop_client(client_id)
  vim.wait(5000, function()
    return vim.lsp.get_client_by_id(client_id) == nil
  end, 50)
end
result.log = log

local handle = assert(io.open(out, 'w'))
handle:write(vim.fn.json_encode(result))
handle:close()
vim.cmd('qall!')
