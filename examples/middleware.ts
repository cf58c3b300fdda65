// Custom authentication middleware, and one of your own that logs every query.
import {
  AuthenticationMiddleware,
  getAuthHeaders,
  type QueryMiddleware,
  queryWithMiddleware,
} from 'claude-auth';

const authMiddleware = new AuthenticationMiddleware({ authHeadersProvider: getAuthHeaders });

const logging: QueryMiddleware = {
  async *handle(request, next) {
    const started = Date.now();
    for await (const message of next(request)) {
      if (message.type === 'result') console.error(`query took ${Date.now() - started} ms`);
      yield message;
    }
  },
};

for await (const message of queryWithMiddleware({
  prompt: 'Hello',
  middleware: [logging, authMiddleware],
})) {
  console.log(message);
}
