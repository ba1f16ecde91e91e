-- wrk script: GET the URL's path with a bearer token (the same service's trivial endpoint).
-- usage: wrk ... -s get.lua URL -- TOKEN [DELAY_MS]
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

function init(args)
  math.randomseed(os.time() * 100 + id)
  wrk.headers["Authorization"] = "Bearer " .. args[1]
  delayMs = tonumber(args[2] or "0")
end

function delay()
  if delayMs <= 0 then
    return 0
  end
  local base = math.floor(delayMs)
  if math.random() < delayMs - base then
    return base + 1
  end
  return base
end
