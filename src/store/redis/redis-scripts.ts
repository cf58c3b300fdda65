/**
 * The Lua scripts of the Redis store. Redis runs a script atomically, so each
 * is one indivisible step of the one-writer protocol (DESIGN.md §6a). Scripts
 * are not rolled back on error, so nothing that may be refused by an ACL
 * (`PUBLISH` to a channel the user lacks) runs with `redis.call` after a write:
 * `redis.pcall` keeps a refused notification from hiding a write that landed.
 */

/**
 * Compare-and-swap of a credential record.
 *
 * The record is a hash: `seq` counts every change ever made and survives a
 * delete, so a version is never reused (a logout then a login does not bring
 * back version 3); `rev` is the version of the record stored now (absent when
 * none), with `kid` (the key id) and `ct` (the sealed record) beside it.
 *
 * KEYS[1] the record hash. ARGV: [1] expected `rev` ('' for none), [2] the
 * `seq` the new version was sealed for, [3] `set` or `del`, [4] key id,
 * [5] sealed record, [6] the channel told of the new version.
 * Returns `{1, newVersion}` or `{0, currentRev}`.
 */
export const COMPARE_AND_SWAP = `
local rev = redis.call('HGET', KEYS[1], 'rev') or ''
local seq = redis.call('HGET', KEYS[1], 'seq') or '0'
if rev ~= ARGV[1] or seq ~= ARGV[2] then return {0, rev} end
local version = tostring(tonumber(seq) + 1)
if ARGV[3] == 'set' then
  redis.call('HSET', KEYS[1], 'seq', version, 'rev', version, 'kid', ARGV[4], 'ct', ARGV[5])
else
  redis.call('HDEL', KEYS[1], 'rev', 'kid', 'ct')
  redis.call('HSET', KEYS[1], 'seq', version)
end
redis.pcall('PUBLISH', ARGV[6], version)
return {1, version}
`;

/**
 * Deletes a key of another type where a record belongs (`logout --force`),
 * only if it is still not a record: a claude-auth hash written meanwhile stays.
 *
 * KEYS[1] the record key. Returns 1 when deleted (or already gone), 0 when it is a hash.
 */
export const DELETE_STRAY_KEY = `
if redis.call('TYPE', KEYS[1]).ok == 'hash' then return 0 end
redis.call('DEL', KEYS[1])
return 1
`;

/**
 * Takes the lease (`SET NX PX`) or reports how long the current one has left.
 *
 * KEYS[1] the lease. ARGV: [1] our random owner id, [2] TTL in ms.
 * Returns `{1, 0}` when taken, `{0, pttl}` when another holds it.
 */
export const ACQUIRE_LEASE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return {1, 0} end
return {0, redis.call('PTTL', KEYS[1])}
`;

/**
 * Releases the lease only if it is still ours (compare-and-delete): a holder
 * whose lease expired must not delete its successor's.
 *
 * KEYS[1] the lease. ARGV: [1] our owner id, [2] the channel told of the release.
 * Returns 1 when released, 0 when it was no longer ours.
 */
export const RELEASE_LEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.pcall('PUBLISH', ARGV[2], 'released')
return 1
`;
