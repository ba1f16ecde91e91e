-- wrk script: POST one audit event per request, each with a fresh id (audit-keeper skips an id it
-- already stored, so a repeated body would not be a write).
-- usage: wrk ... -s audit-event.lua URL -- TOKEN [DELAY_MS]
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

function init(args)
  math.randomseed(os.time() * 100 + id)
  token = args[1]
  delayMs = tonumber(args[2] or "0")
  run = tostring(os.time()) .. "-" .. tostring(math.random(1, 1000000))
  n = 0
  headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }
end

function request()
  n = n + 1
  local body = '{"id":"wrk-' .. run .. '-' .. id .. '-' .. n .. '","userId":"u-' .. (n % 500) ..
    '","action":"note.read","details":{"noteId":"cn-' .. n .. '"},"ipAddress":"198.51.100.' .. (n % 250) .. '"}'
  return wrk.format("POST", "/api/v1/audit-events", headers, body)
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
