-- GET /v1/customers/{id}/consent?channel=EMAIL&topic=BULK, rotating over the customer ids in WRK_IDS.
package.path = os.getenv("WRK_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
local ids

setup = common.setup

function init()
  common.init()
  ids = common.read_lines(os.getenv("WRK_IDS"))
end

function request()
  local id = ids[(common.next_index() % #ids) + 1]
  return wrk.format("GET", "/v1/customers/" .. id .. "/consent?channel=EMAIL&topic=BULK")
end

done = common.done
