-- Statistics of one policy's window for "Rate Limit Overwhelmed".
-- KEYS: 1 active clients (set), 2 limited clients (sorted set), 3 limited endpoints (sorted set),
--       4 total 429s (counter), 5 active clients of the window before (set)
-- ARGV: 1 how many top keys and endpoints to return, 2 how many limited clients to sample
-- Returns {active, limited, total429, {key, count, ...}, {endpoint, count, ...}, sampled,
--          sampled that were active in the window before}
local top = tonumber(ARGV[1]) - 1
local active = redis.call('SCARD', KEYS[1])
local limited = redis.call('ZCARD', KEYS[2])
local total = tonumber(redis.call('GET', KEYS[4]) or '0')
local keys = redis.call('ZREVRANGE', KEYS[2], 0, top, 'WITHSCORES')
local endpoints = redis.call('ZREVRANGE', KEYS[3], 0, top, 'WITHSCORES')
local sample = redis.call('ZRANDMEMBER', KEYS[2], tonumber(ARGV[2]))
local returning = 0
if #sample > 0 then
  local known = redis.call('SMISMEMBER', KEYS[5], unpack(sample))
  for i = 1, #known do
    returning = returning + known[i]
  end
end
return {active, limited, total, keys, endpoints, #sample, returning}
