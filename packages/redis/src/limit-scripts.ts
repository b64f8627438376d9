/**
 * Lua scripts for the limits the nodes share: each touches one key and reads the time from
 * Redis, so that the nodes' clocks need not agree.
 */

const now = `
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
`;

/**
 * KEYS: bucket hash. ARGV: limit, interval ms, burst, count. Takes up to `count` tokens from a
 * token bucket (a missing one is full) and returns how many. The hash expires once it would be
 * full again, which is the same as missing.
 */
export const takeTokens = `${now}
local limit, interval, burst = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
if now > at then
  tokens = math.min(burst, tokens + (now - at) * limit / interval)
  at = now
end
local taken = math.max(0, math.min(tonumber(ARGV[4]), math.floor(tokens)))
tokens = tokens - taken
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(at))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) * interval / limit) + 1)
return taken
`;

/**
 * KEYS: counts hash, with a field `n:<node>` (its count) and `t:<node>` (until when that count
 * holds) per node. ARGV: node, limit, lease ms. Drops the counts of nodes whose lease ran out,
 * then counts one more connection for the node unless the others add up to `limit`: 1 if
 * counted, 0 if not. The hash expires a lease after the last write by any node.
 */
export const addConnection = `${now}
local fields = redis.call('HGETALL', KEYS[1])
local counts, leases = {}, {}
for i = 1, #fields, 2 do
  local node = string.sub(fields[i], 3)
  if string.sub(fields[i], 1, 1) == 't' then leases[node] = tonumber(fields[i + 1])
  else counts[node] = tonumber(fields[i + 1]) end
end
local total = 0
for node, count in pairs(counts) do
  if (leases[node] or 0) < now then redis.call('HDEL', KEYS[1], 'n:' .. node, 't:' .. node)
  else total = total + count end
end
if total >= tonumber(ARGV[2]) then return 0 end
redis.call('HINCRBY', KEYS[1], 'n:' .. ARGV[1], 1)
redis.call('HSET', KEYS[1], 't:' .. ARGV[1], now + tonumber(ARGV[3]))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`;

/** KEYS: counts hash. ARGV: node. One connection fewer for the node. */
export const removeConnection = `
local left = redis.call('HINCRBY', KEYS[1], 'n:' .. ARGV[1], -1)
if left <= 0 then redis.call('HDEL', KEYS[1], 'n:' .. ARGV[1], 't:' .. ARGV[1]) end
return left
`;

/** KEYS: counts hash. ARGV: node, count, lease ms. Restates the node's count for a new lease. */
export const holdConnections = `${now}
redis.call('HSET', KEYS[1], 'n:' .. ARGV[1], ARGV[2], 't:' .. ARGV[1], now + tonumber(ARGV[3]))
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`;
