-- POST /v1/consent/decisions, cycling over the request bodies in WRK_BODIES (one JSON body per line).
package.path = os.getenv("WRK_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
local bodies

setup = common.setup

function init()
  common.init()
  bodies = common.read_lines(os.getenv("WRK_BODIES"))
end

function request()
  local body = bodies[(common.next_index() % #bodies) + 1]
  return wrk.format("POST", "/v1/consent/decisions", nil, body)
end

done = common.done
