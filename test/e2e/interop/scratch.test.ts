import { it } from 'vitest';
import { GlewlwydServer } from '../../helpers/glewlwyd-server.js';
import { basicAuth, postForm, runSqlite } from '../../helpers/interop-provider.js';

it('glewlwyd smoke', async () => {
  const s = await GlewlwydServer.start();
  const db = (s as unknown as { log: string }) && `${(await import('node:path')).dirname(s.log.match(/path = "([^"]+)"/)?.[1] ?? '')}`;
  const sec = (s as any)['confidentialClient'].secret;
  for (const [id, secret] of [['cli-conf', sec], ['cli%2Dconf', sec], ['cli-conf', 'wrong']]) {
    console.log(id, secret === sec, await postForm(s.endpoints.token, { grant_type: 'client_credentials', scope: 'introspect' }, { authorization: basicAuth(id, secret) }));
  }
  console.log(await postForm(s.endpoints.token, { grant_type: 'client_credentials', scope: 'introspect', client_id: 'cli-conf', client_secret: sec }));
  await s.close();
}, 30000);
