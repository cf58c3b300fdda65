import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuthErrorCode } from '../../../../src/errors/authentication-error.js';
import {
  DEFAULT_REDIS_PREFIX,
  parseRedisStoreUrl,
  redisTlsOptions,
} from '../../../../src/store/redis/redis-store-config.js';
import { tempDir } from '../../../helpers/temp-dir.js';

describe('parseRedisStoreUrl', () => {
  it('reads host, port, database, user, password, prefix and timeouts; the address omits the password', () => {
    const config = parseRedisStoreUrl(
      'rediss://ci%40fleet:s3cr%2Ft@redis.internal:6380/2?prefix=team:&connectTimeout=500&commandTimeout=700&leaseMs=9000',
    );
    expect(config).toMatchObject({
      tls: true,
      host: 'redis.internal',
      port: 6380,
      db: 2,
      username: 'ci@fleet',
      password: 's3cr/t',
      prefix: 'team:',
      connectTimeoutMs: 500,
      commandTimeoutMs: 700,
      leaseMs: 9000,
      address: 'rediss://ci%40fleet@redis.internal:6380/2',
    });
  });

  it('defaults: port 6379, database 0, the default prefix, no password, IPv6 shown in brackets', () => {
    const config = parseRedisStoreUrl('redis://[::1]');
    expect(config).toMatchObject({ host: '::1', port: 6379, db: 0, prefix: DEFAULT_REDIS_PREFIX });
    expect(config.password).toBeUndefined();
    expect(config.address).toBe('redis://[::1]:6379/0');
  });

  it('takes the password from CLAUDE_AUTH_REDIS_PASSWORD_FILE and the prefix from CLAUDE_AUTH_REDIS_PREFIX', async () => {
    const file = join(await tempDir(), 'password');
    await writeFile(file, 'from-the-file\n', { mode: 0o600 });
    const config = parseRedisStoreUrl('redis://runner@127.0.0.1/0', {
      CLAUDE_AUTH_REDIS_PASSWORD_FILE: file,
      CLAUDE_AUTH_REDIS_PREFIX: 'fleet:',
    });
    expect(config.password).toBe('from-the-file');
    expect(config.prefix).toBe('fleet:');
  });

  it.each([
    ['http://127.0.0.1', /scheme/],
    ['redis://', /not a URL|no host/],
    ['redis://h/abc', /database number/],
    ['redis://h/0?bogus=1', /"bogus" is not known/],
    ['redis://h/0?prefix=a*b', /prefix/],
    ['redis://h/0?connectTimeout=0', /connectTimeout/],
    ['redis://:hunter2@h:99999/0', /port 99999 is out of range \(1 to 65535\)/],
    ['redis://h:0', /port 0 is out of range/],
  ])('refuses %s with CONFIG_INVALID', (url, message) => {
    expect(() => parseRedisStoreUrl(url)).toThrow(message);
    try {
      parseRedisStoreUrl(url);
    } catch (error) {
      expect((error as { code: string }).code).toBe(AuthErrorCode.CONFIG_INVALID);
    }
  });

  it('never echoes the password in an error', () => {
    expect(() => parseRedisStoreUrl('redis://u:hunter2-password@h/x')).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') }),
    );
  });
});

describe('redisTlsOptions', () => {
  it('names a host for SNI and the certificate check', () => {
    expect(redisTlsOptions('redis.example')).toEqual({ servername: 'redis.example' });
  });

  // Node 26 throws on an IP servername (Node 20 only warned): rediss://127.0.0.1 never connected there.
  it.each(['127.0.0.1', '::1'])('sends no server name for the IP literal %s', (host) => {
    expect(redisTlsOptions(host)).toEqual({});
  });
});
