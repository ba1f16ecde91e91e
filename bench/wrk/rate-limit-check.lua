-- wrk script: POST /api/v1/rate-limit/check with a random client key per request.
-- usage: wrk ... -s rate-limit-check.lua URL -- TOKEN [KEYS] [DELAY_MS]
--   KEYS      size of the client-key space (default 100000): most requests are allowed
--   DELAY_MS  think time per connection before each request (fractional ms allowed; default 0 =
--             as fast as possible). Used to hold a steady rate below peak ("half of peak").
local counter = 0
local threads = {}

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  token = args[1]
  keys = tonumber(args[2] or "100000")
  delayMs = tonumber(args[3] or "0")
  math.randomseed(os.time() * 100 + id)
  headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }
end

function request()
  local body = '{"key":"bench-' .. math.random(1, keys) .. '","policy":"READ","endpoint":"/api/notes"}'
  return wrk.format("POST", "/api/v1/rate-limit/check", headers, body)
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
