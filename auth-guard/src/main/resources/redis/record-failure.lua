-- Counts one failed sign-in over sliding windows, atomically (one round trip per event).
-- KEYS: 1 failures of the IP, 2 failures of the account, 3 all failures, 4 usernames tried from
--       the IP, 5 password fingerprints tried on the account, 6 IPs failing on the account,
--       7 accounts the fingerprint failed on, 8 fingerprints tried from the IP,
--       9 the IP's failures that used a common password
-- ARGV: 1 now ms, 2 event time ms, 3 window ms, 4 unique member, 5 username, 6 ip,
--       7 fingerprint ('' when none), 8 accounts that make a fingerprint common
-- Returns the nine counts in the order of KEYS.
local now = tonumber(ARGV[1])
local at = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local cutoff = now - window
local function add(key, member)
  redis.call('ZADD', key, 'GT', at, member)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', cutoff)
  redis.call('PEXPIRE', key, window)
  return redis.call('ZCARD', key)
end
local member = ARGV[4]
local username = ARGV[5]
local ip = ARGV[6]
local fp = ARGV[7]
local ipFailures = add(KEYS[1], member)
local accountFailures = add(KEYS[2], member)
local globalFailures = add(KEYS[3], member)
local ipUsernames = add(KEYS[4], username)
local accountIps = add(KEYS[6], ip)
local accountFingerprints = 0
local fingerprintAccounts = 0
local ipFingerprints = 0
if fp ~= '' then
  accountFingerprints = add(KEYS[5], fp)
  fingerprintAccounts = add(KEYS[7], username)
  ipFingerprints = add(KEYS[8], fp)
  if fingerprintAccounts >= tonumber(ARGV[8]) then
    add(KEYS[9], member)
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[9], '-inf', cutoff)
local ipCommon = redis.call('ZCARD', KEYS[9])
return {ipFailures, accountFailures, globalFailures, ipUsernames, accountFingerprints,
        accountIps, fingerprintAccounts, ipFingerprints, ipCommon}
