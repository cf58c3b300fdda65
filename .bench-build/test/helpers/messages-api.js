import { once } from 'node:events';
import { createServer } from 'node:http';

function sse(event, data) {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}
/**
 * A local stand-in for the Anthropic Messages API on 127.0.0.1: streams a fixed
 * reply over SSE, records the headers of every request, and answers 401, 403
 * or 429 when its responder says so.
 */
export class MessagesApi {
  requests = [];
  reply = 'Hello from the stand-in.';
  respond = () => 200;
  #server;
  constructor(server) {
    this.#server = server;
  }
  static async start() {
    const server = createServer();
    const api = new MessagesApi(server);
    server.on('request', async (request, response) => {
      let body = '';
      for await (const chunk of request) body += chunk;
      const path = (request.url ?? '').split('?')[0] ?? '';
      const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
      const apiKey = request.headers['x-api-key'];
      const credential = typeof apiKey === 'string' ? apiKey : bearer;
      const isMessages = request.method === 'POST' && path === '/v1/messages';
      const status = isMessages
        ? await api.respond({ credential, headers: request.headers, index: api.requests.length })
        : 404;
      api.requests.push({
        method: request.method ?? '',
        path,
        headers: request.headers,
        credential,
        status,
      });
      if (status !== 200) {
        const type =
          status === 401
            ? 'authentication_error'
            : status === 403
              ? 'permission_error'
              : status === 429
                ? 'rate_limit_error'
                : 'not_found_error';
        response.writeHead(status, {
          'content-type': 'application/json',
          ...(status === 429 && { 'retry-after': '0' }),
        });
        response.end(
          JSON.stringify({
            type: 'error',
            error: { type, message: `stand-in answered ${status}` },
          }),
        );
        return;
      }
      const parsed = JSON.parse(body || '{}');
      const model = parsed.model ?? 'claude-test';
      const usage = { input_tokens: 10, output_tokens: 5 };
      const message = {
        id: `msg_${api.requests.length}`,
        type: 'message',
        role: 'assistant',
        model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage,
      };
      if (!parsed.stream) {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify({
            ...message,
            content: [{ type: 'text', text: api.reply }],
            stop_reason: 'end_turn',
          }),
        );
        return;
      }
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      response.write(sse('message_start', { type: 'message_start', message }));
      response.write(
        sse('content_block_start', {
          type: 'content_block_start',
          index: 0,
          content_block: { type: 'text', text: '' },
        }),
      );
      response.write(
        sse('content_block_delta', {
          type: 'content_block_delta',
          index: 0,
          delta: { type: 'text_delta', text: api.reply },
        }),
      );
      response.write(sse('content_block_stop', { type: 'content_block_stop', index: 0 }));
      response.write(
        sse('message_delta', {
          type: 'message_delta',
          delta: { stop_reason: 'end_turn', stop_sequence: null },
          usage: { output_tokens: 5 },
        }),
      );
      response.end(sse('message_stop', { type: 'message_stop' }));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return api;
  }
  /** The base URL to give Claude Code as `ANTHROPIC_BASE_URL`. */
  get url() {
    return `http://127.0.0.1:${this.#server.address().port}`;
  }
  /** The requests to the Messages endpoint. */
  get messageRequests() {
    return this.requests.filter((r) => r.path === '/v1/messages');
  }
  async close() {
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }
}
