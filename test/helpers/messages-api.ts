import { once } from 'node:events';
import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the stand-in saw of one request: never the body's secrets, just what identifies the caller. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The credential it carried: `x-api-key`, else the bearer token, else undefined. */
  readonly credential: string | undefined;
  readonly status: number;
}

/** Decides the status for a request; 200 streams a normal reply. */
export type Responder = (request: {
  credential: string | undefined;
  headers: IncomingHttpHeaders;
  index: number;
}) => number | Promise<number>;

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * Answers a Messages API request with a fixed reply: streamed as server-sent
 * events when the request asks for a stream, else one JSON message.
 */
export function writeReply(
  response: ServerResponse,
  body: string,
  reply: string,
  id: number,
): void {
  const parsed = JSON.parse(body || '{}') as { model?: string; stream?: boolean };
  const usage = { input_tokens: 10, output_tokens: 5 };
  const message = {
    id: `msg_${id}`,
    type: 'message',
    role: 'assistant',
    model: parsed.model ?? 'claude-test',
    content: [] as unknown[],
    stop_reason: null,
    stop_sequence: null,
    usage,
  };
  if (!parsed.stream) {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({
        ...message,
        content: [{ type: 'text', text: reply }],
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
      delta: { type: 'text_delta', text: reply },
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
}

/**
 * A local stand-in for the Anthropic Messages API on 127.0.0.1: streams a fixed
 * reply over SSE, records the headers of every request, and answers 401, 403
 * or 429 when its responder says so.
 */
export class MessagesApi {
  readonly requests: RecordedRequest[] = [];
  reply = 'Hello from the stand-in.';
  respond: Responder = () => 200;
  readonly #server: Server;

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<MessagesApi> {
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
      writeReply(response, body, api.reply, api.requests.length);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return api;
  }

  /** The base URL to give Claude Code as `ANTHROPIC_BASE_URL`. */
  get url(): string {
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
  }

  /** The requests to the Messages endpoint. */
  get messageRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.path === '/v1/messages');
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    this.#server.close();
    await once(this.#server, 'close');
  }
}
