-- GET /v1/customers/{id}/consent?channel=EMAIL&topic=BULK, rotating over the customer ids in WRK_IDS.
package.path = os.getenv("WRK_LUA_DIR") .. "/?.lua;" .. package.path
require("common").script("WRK_IDS", function(i, ids)
  return wrk.format("GET", "/v1/customers/" .. ids[(i % #ids) + 1] .. "/consent?channel=EMAIL&topic=BULK")
end)
