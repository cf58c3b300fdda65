// Writes tokens to one file as fast as it can until killed. Each token's access
// and refresh tokens carry the same sequence number, so a torn write shows.
import { AuthToken, TokenStorage } from '../../../dist/index.js';

const storage = new TokenStorage(process.argv[2]);
for (let seq = 0; ; seq++) {
  await storage.saveToken(
    new AuthToken({
      kind: 'oauth',
      accessToken: `access-${process.pid}-${seq}`,
      refreshToken: `refresh-${process.pid}-${seq}`,
      expiresAt: new Date(Date.now() + 3_600_000),
      unknownFields: { padding: 'x'.repeat(seq % 4096) },
    }),
  );
  if (seq === 0) process.stdout.write('ready\n');
}
