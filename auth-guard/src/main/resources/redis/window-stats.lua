-- Statistics of one policy's window for "Rate Limit Overwhelmed".
-- KEYS: 1 active clients (set), 2 limited clients (sorted set), 3 limited endpoints (sorted set),
--       4 total 429s (counter)
-- ARGV: 1 how many top keys and endpoints to return
-- Returns {active, limited, total429, {key, count, ...}, {endpoint, count, ...}}
local top = tonumber(ARGV[1]) - 1
local active = redis.call('SCARD', KEYS[1])
local limited = redis.call('ZCARD', KEYS[2])
local total = tonumber(redis.call('GET', KEYS[4]) or '0')
local keys = redis.call('ZREVRANGE', KEYS[2], 0, top, 'WITHSCORES')
local endpoints = redis.call('ZREVRANGE', KEYS[3], 0, top, 'WITHSCORES')
return {active, limited, total, keys, endpoints}
