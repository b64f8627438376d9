/**
 * Lua scripts, so that what must be atomic is: taking the next offset, appending, trimming and
 * publishing one publication; reading a stream's position with its entries; expiring presence.
 */

/**
 * KEYS: stream, meta. ARGV: fan-out channel, body JSON, size, ttl ms, now ms, new epoch, the
 * publish command (`SPUBLISH` on a cluster, whose fan-out channel shares the keys' slot).
 * Appends (trimmed to `size`), sets both keys to expire after `ttl` (0: never), publishes
 * `offset \t epoch \t ts \t body`, and returns { offset, epoch }.
 */
export const publishWithHistory = `
local epoch = redis.call('HGET', KEYS[2], 'epoch')
if not epoch then
  epoch = ARGV[6]
  redis.call('HSET', KEYS[2], 'epoch', epoch)
end
local offset = redis.call('HINCRBY', KEYS[2], 'top', 1)
redis.call('HSET', KEYS[2], 'ttl', ARGV[4])
redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[3], offset .. '-0', 'ts', ARGV[5], 'b', ARGV[2])
local ttl = tonumber(ARGV[4])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[2], ttl)
else
  redis.call('PERSIST', KEYS[1])
  redis.call('PERSIST', KEYS[2])
end
redis.call(ARGV[7], ARGV[1], offset .. '\\t' .. epoch .. '\\t' .. ARGV[5] .. '\\t' .. ARGV[2])
return {offset, epoch}
`;

/**
 * KEYS: stream, meta. ARGV: new epoch, idle expiry ms for a stream created by this read,
 * from (an XRANGE bound), count (-1: all), reverse ('1' or '0').
 * Returns { top, epoch, ttl, entries } read in one step, so that the position and the entries
 * agree. A stream nobody published to gets its epoch now, kept by its first publication.
 */
export const readHistory = `
if redis.call('HSETNX', KEYS[2], 'epoch', ARGV[1]) == 1 then
  redis.call('HSET', KEYS[2], 'top', 0)
  redis.call('PEXPIRE', KEYS[2], ARGV[2])
end
local meta = redis.call('HMGET', KEYS[2], 'top', 'epoch', 'ttl')
local count = tonumber(ARGV[4])
local entries = {}
if count ~= 0 then
  local args = {}
  if ARGV[5] == '1' then
    args = {'XREVRANGE', KEYS[1], ARGV[3], '-'}
  else
    args = {'XRANGE', KEYS[1], ARGV[3], '+'}
  end
  if count > 0 then
    table.insert(args, 'COUNT')
    table.insert(args, count)
  end
  entries = redis.call(unpack(args))
end
return {meta[1] or '0', meta[2], meta[3] or '0', entries}
`;

/**
 * KEYS: presence hash, expiry set. ARGV: connection id, entry JSON, expiry time ms, ttl ms.
 * The keys themselves expire too, after the longest ttl any node gave, so that a channel whose
 * nodes all died leaves nothing behind.
 */
export const addPresence = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
for i = 1, 2 do
  redis.call('PEXPIRE', KEYS[i], ARGV[4], 'NX')
  redis.call('PEXPIRE', KEYS[i], ARGV[4], 'GT')
end
return 1
`;

/** KEYS: presence hash, expiry set. ARGV: now ms. Drops expired entries, returns the rest. */
export const readPresence = `
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
for _, id in ipairs(expired) do
  redis.call('HDEL', KEYS[1], id)
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[1])
return redis.call('HVALS', KEYS[1])
`;
