-- POST /v2/customers/{id}/subscriptions, each request a real change: it flips one customer's
-- EMAIL/BULK consent, rotating over the customer ids in WRK_IDS (OPTOUT on even passes, OPTIN on odd).
package.path = os.getenv("WRK_LUA_DIR") .. "/?.lua;" .. package.path
require("common").script("WRK_IDS", function(i, ids)
  local id = ids[(i % #ids) + 1]
  local type = (math.floor(i / #ids) % 2 == 0) and "OPTOUT" or "OPTIN"
  local body = '{"reason":"bench","subscriptions":[{"channel":"EMAIL","priority":"BULK","type":"' .. type .. '"}]}'
  return wrk.format("POST", "/v2/customers/" .. id .. "/subscriptions", nil, body)
end)
