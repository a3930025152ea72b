-- POST /v2/customers/{id}/subscriptions, each request a real change: it flips one customer's
-- EMAIL/BULK consent, rotating over the customer ids in WRK_IDS (OPTOUT on even passes, OPTIN on odd).
package.path = os.getenv("WRK_LUA_DIR") .. "/?.lua;" .. package.path
local common = require("common")
local ids

setup = common.setup

function init()
  common.init()
  ids = common.read_lines(os.getenv("WRK_IDS"))
  wrk.method = "POST"
end

function request()
  local i = common.next_index()
  local id = ids[(i % #ids) + 1]
  local type = (math.floor(i / #ids) % 2 == 0) and "OPTOUT" or "OPTIN"
  local body = '{"reason":"bench","subscriptions":[{"channel":"EMAIL","priority":"BULK","type":"' .. type .. '"}]}'
  return wrk.format(nil, "/v2/customers/" .. id .. "/subscriptions", nil, body)
end

done = common.done
