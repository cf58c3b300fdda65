import type { SDKUserMessage } from '@anthropic-ai/claude-agent-sdk';

/**
 * A multi-turn prompt the test drives: each turn is sent when the test calls
 * `send`, and the stream ends on `end`.
 */
export class StreamingPrompt implements AsyncIterable<SDKUserMessage> {
  readonly #queue: (string | null)[] = [];
  #wake: (() => void) | undefined;

  send(text: string): void {
    this.#queue.push(text);
    this.#wake?.();
  }

  end(): void {
    this.#queue.push(null);
    this.#wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<SDKUserMessage> {
    for (;;) {
      if (this.#queue.length === 0) {
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
        continue;
      }
      const text = this.#queue.shift();
      if (text === null || text === undefined) return;
      yield {
        type: 'user',
        message: { role: 'user', content: text },
        parent_tool_use_id: null,
        session_id: '',
      } as SDKUserMessage;
    }
  }
}
