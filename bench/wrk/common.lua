-- Shared by every wrk script of the bench: per-thread numbering, auth, and a JSON summary.
-- The bench starts wrk with WRK_THREADS threads; `setup` numbers them so that thread t sends the
-- requests t, t + threads, t + 2 * threads ... of one global sequence.
local common = {}
local next_thread = 0

function common.setup(thread)
  thread:set("thread_index", next_thread)
  next_thread = next_thread + 1
end

function common.init()
  local auth = os.getenv("WRK_AUTH")
  if auth and auth ~= "" then wrk.headers["authorization"] = auth end
  wrk.headers["content-type"] = "application/json"
  common.threads = tonumber(os.getenv("WRK_THREADS") or "1")
  common.sent = 0
end

-- The position of this thread's next request in the global sequence.
function common.next_index()
  local i = common.sent * common.threads + thread_index
  common.sent = common.sent + 1
  return i
end

function common.read_lines(path)
  local lines = {}
  for line in io.lines(path) do lines[#lines + 1] = line end
  return lines
end

-- One line of JSON the bench parses: rates per second, latencies in ms.
function common.done(summary, latency)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    '\nWRK_JSON {"requests":%d,"rps":%.1f,"p50":%.2f,"p90":%.2f,"p99":%.2f,"max":%.2f,"errors":%d}\n',
    summary.requests, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.status + e.timeout))
end

-- Installs wrk's hooks for a script whose requests are numbered: `lines_from` names the env var
-- of the file it reads (one item per line), and `request(i, lines)` builds request i.
function common.script(lines_from, request)
  local lines
  setup = common.setup
  init = function()
    common.init()
    lines = common.read_lines(os.getenv(lines_from))
  end
  _G.request = function() return request(common.next_index(), lines) end
  done = common.done
end

return common
