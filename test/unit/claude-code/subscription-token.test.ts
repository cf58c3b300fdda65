import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findSubscriptionToken } from '../../../src/claude-code/subscription-token.js';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import { FAKE_SUBSCRIPTION_TOKEN } from '../../helpers/tokens.js';

const TOKEN = `sk-ant-oat01-${'Ab9_-'.repeat(19)}xyzAA`;
const OTHER = `sk-ant-oat01-${'Zq8-_'.repeat(19)}xyzAA`;
/** What `claude setup-token | …` (Claude Code 2.1.332) wrote into the pipe, its token replaced. */
const PIPED_SCREEN = readFileSync(
  new URL('./setup-token-piped-screen.txt', import.meta.url),
  'utf8',
);

describe('findSubscriptionToken: the one token in what `claude setup-token` printed (issue 19 defect 4)', () => {
  it('finds it in the whole piped Ink screen: boxes, colours, cursor moves, repeated frames', () => {
    expect(findSubscriptionToken(PIPED_SCREEN.replace('{{TOKEN}}', TOKEN))).toBe(TOKEN);
  });

  it.each([
    ['alone, with whitespace', `  ${TOKEN}\n`],
    ['coloured', `\u001b[38;5;220m${TOKEN}\u001b[39m\r\n`],
    [
      'wrapped over three lines of a narrow terminal',
      ` ${TOKEN.slice(0, 40)}\n ${TOKEN.slice(40, 80)}\r\n ${TOKEN.slice(80)}\n\n Store this token securely.\n`,
    ],
    ['shown twice (a redrawn frame)', `${TOKEN}\n…\n${TOKEN}\n`],
  ])('finds it %s', (_shape, text) => {
    expect(findSubscriptionToken(text)).toBe(TOKEN);
  });

  it('refuses two different tokens, naming neither', () => {
    const error = (() => {
      try {
        findSubscriptionToken(`${TOKEN}\n${OTHER}\n`);
      } catch (caught) {
        return caught as Error & { code: string };
      }
      throw new Error('accepted two tokens');
    })();
    expect(error.code).toBe(AuthErrorCode.CONFIG_INVALID);
    expect(error.message).toMatch(/2 different subscription tokens/);
    for (const token of [TOKEN, OTHER]) expect(error.message).not.toContain(token.slice(13, 40));
  });

  it.each([
    ['nothing', ''],
    ['a garbled token', 'sk-ant-oat01-garbled token here'],
    ['an API key', `sk-ant-api03-${'k'.repeat(60)}`],
  ])('refuses %s without echoing it', (_what, text) => {
    expect(() => findSubscriptionToken(text)).toThrow(
      expect.objectContaining({ code: AuthErrorCode.CONFIG_INVALID }),
    );
    if (text.length > 13)
      try {
        findSubscriptionToken(text);
      } catch (error) {
        expect((error as Error).message).not.toContain(text.slice(13));
      }
  });
});

/** A fake token as long as the reviewer's (94 characters), and a second one differing in one place. */
const T = FAKE_SUBSCRIPTION_TOKEN;
const T2 = T.replace('FAKE', 'ZZZZ');

describe('findSubscriptionToken: joins only a token a terminal wrapped (review repros; these failed before)', () => {
  it.each([
    ['the same token twice is one token, not doubled', `${T}\n${T}\n`, T],
    ['a word on the next line is not part of the token', `${T}\nDone\n`, T],
    [
      'box borders around wrapped parts are stripped',
      `│ ${T.slice(0, 60)} │\n│ ${T.slice(60)} │\n`,
      T,
    ],
    [
      'a coloured screen with the token wrapped at 80 columns',
      `\u001b[32mYour OAuth token:\u001b[39m\n\n${T.slice(0, 80)}\n${T.slice(80)}\n\nStore this token securely.\n`,
      T,
    ],
  ])('%s', (_shape, text, token) => {
    expect(findSubscriptionToken(text)).toBe(token);
  });

  it('refuses a wrapped token whose end is missing, naming no part of it', () => {
    const text = `│ ${T.slice(0, 60)} │\n│ ${T.slice(60, 80)} │\n\nStore this token securely.\n`;
    expect(() => findSubscriptionToken(text)).toThrow(
      expect.objectContaining({ code: AuthErrorCode.CONFIG_INVALID }),
    );
    try {
      findSubscriptionToken(text);
    } catch (error) {
      expect((error as Error).message).not.toContain(T.slice(13, 30));
    }
  });

  it('refuses two tokens with a word between them, storing neither glued to the other', () => {
    expect(() => findSubscriptionToken(`${T}\nand\n${T2}\n`)).toThrow(
      expect.objectContaining({ code: AuthErrorCode.CONFIG_INVALID }),
    );
  });
});
