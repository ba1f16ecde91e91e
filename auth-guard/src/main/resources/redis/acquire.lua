-- Sliding-window-log rate limit, atomic in Redis (one round trip per decision).
-- KEYS: 1 the client's log (sorted set of request times), 2 active clients of the policy's
--       statistics window (set), 3 limited clients (sorted set: key -> 429 count),
--       4 limited endpoints (sorted set: endpoint -> 429 count), 5 total 429s (counter)
-- ARGV: 1 limit, 2 window ms, 3 burst, 4 burst window ms, 5 unique member, 6 client key,
--       7 endpoint, 8 statistics TTL ms
-- Returns {allowed 0|1, remaining, resetAt ms, retryAt ms (0 when allowed), now ms}
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local burstWindow = tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local count = redis.call('ZCARD', KEYS[1])
local allowed = 1
local retryAt = 0
if count >= limit then
  allowed = 0
  local e = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
  retryAt = tonumber(e[2]) + window
elseif burst < limit then
  local from = '(' .. (now - burstWindow)
  local inBurst = redis.call('ZCOUNT', KEYS[1], from, '+inf')
  if inBurst >= burst then
    allowed = 0
    local e = redis.call('ZRANGEBYSCORE', KEYS[1], from, '+inf', 'WITHSCORES', 'LIMIT', inBurst - burst, 1)
    retryAt = tonumber(e[2]) + burstWindow
  end
end
if allowed == 1 then
  redis.call('ZADD', KEYS[1], now, ARGV[5])
  count = count + 1
  redis.call('PEXPIRE', KEYS[1], window)
end
local resetAt = now + window
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if oldest[2] then
  resetAt = tonumber(oldest[2]) + window
end
local ttl = tonumber(ARGV[8])
redis.call('SADD', KEYS[2], ARGV[6])
redis.call('PEXPIRE', KEYS[2], ttl)
if allowed == 0 then
  redis.call('ZINCRBY', KEYS[3], 1, ARGV[6])
  redis.call('PEXPIRE', KEYS[3], ttl)
  redis.call('ZINCRBY', KEYS[4], 1, ARGV[7])
  redis.call('PEXPIRE', KEYS[4], ttl)
  redis.call('INCR', KEYS[5])
  redis.call('PEXPIRE', KEYS[5], ttl)
end
local remaining = limit - count
if remaining < 0 then
  remaining = 0
end
return {allowed, remaining, resetAt, retryAt, now}
