-- POST /v1/consent/decisions, cycling over the request bodies in WRK_BODIES (one JSON body per line).
package.path = os.getenv("WRK_LUA_DIR") .. "/?.lua;" .. package.path
require("common").script("WRK_BODIES", function(i, bodies)
  return wrk.format("POST", "/v1/consent/decisions", nil, bodies[(i % #bodies) + 1])
end)
