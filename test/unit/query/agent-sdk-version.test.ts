import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AuthErrorCode } from '../../../src/errors/authentication-error.js';
import {
  AGENT_SDK,
  assertSupportedAgentSdk,
  installedAgentSdkVersion,
  inVersionRange,
  parseVersionRange,
  supportedAgentSdkRange,
} from '../../../src/query/agent-sdk-version.js';
import { tempDir } from '../../helpers/temp-dir.js';

const manifest = (await import('../../../package.json', { with: { type: 'json' } })).default;
const RANGE = parseVersionRange('>=0.3.142 <0.4.0');

/** A project with the SDK's package.json and entry module (as the real one lays them out) at `version`. */
async function projectWithSdk(version: string | undefined) {
  const dir = await tempDir('agent-sdk-');
  if (version !== undefined) {
    const root = join(dir, 'node_modules', ...AGENT_SDK.split('/'));
    await mkdir(root, { recursive: true });
    await writeFile(
      join(root, 'package.json'),
      JSON.stringify({ name: AGENT_SDK, version, exports: { '.': { default: './sdk.mjs' } } }),
    );
    await writeFile(join(root, 'sdk.mjs'), 'export {};\n');
  }
  return pathToFileURL(join(dir, 'app.mjs'));
}

describe('the supported agent SDK range', () => {
  it('is the peer dependency, and the devDependency the tests run is inside it', () => {
    const range = supportedAgentSdkRange();
    expect(range.text).toBe(manifest.peerDependencies[AGENT_SDK]);
    expect(inVersionRange(manifest.devDependencies[AGENT_SDK], range)).toBe(true);
    expect(inVersionRange(range.lowest, range)).toBe(true);
  });

  it('includes its lowest version and excludes its bound, comparing numbers, not strings', () => {
    expect(inVersionRange('0.3.142', RANGE)).toBe(true);
    expect(inVersionRange('0.3.1000', RANGE)).toBe(true);
    expect(inVersionRange('0.3.141', RANGE)).toBe(false);
    expect(inVersionRange('0.3.99', RANGE)).toBe(false);
    expect(inVersionRange('0.2.999', RANGE)).toBe(false);
    expect(inVersionRange('0.4.0', RANGE)).toBe(false);
    expect(inVersionRange('0.4.0-beta.1', RANGE)).toBe(false);
    expect(inVersionRange('1.0.0', RANGE)).toBe(false);
    expect(inVersionRange('latest', RANGE)).toBe(false);
  });

  it('accepts only the >=a.b.c <d.e.f form', () => {
    expect(() => parseVersionRange('^0.3.142')).toThrow(/>=a\.b\.c <d\.e\.f/);
    expect(() => parseVersionRange('undefined')).toThrow();
  });
});

describe('installedAgentSdkVersion', () => {
  it('reads the version of the SDK that Node resolves from the importing module', async () => {
    expect(installedAgentSdkVersion(await projectWithSdk('0.3.200'))).toBe('0.3.200');
  });

  it('is undefined when no SDK is installed', async () => {
    expect(installedAgentSdkVersion(await projectWithSdk(undefined))).toBeUndefined();
  });

  it("finds this project's own devDependency", () => {
    expect(installedAgentSdkVersion()).toBe(manifest.devDependencies[AGENT_SDK]);
  });
});

describe('assertSupportedAgentSdk', () => {
  it('passes a version in the range', () => {
    expect(() => assertSupportedAgentSdk('0.3.337', RANGE)).not.toThrow();
  });

  it.each([
    ['0.2.141', /0\.2\.141 is installed; claude-auth supports >=0\.3\.142 <0\.4\.0/],
    ['0.4.0', /0\.4\.0 is installed; claude-auth supports >=0\.3\.142 <0\.4\.0/],
    [
      undefined,
      /need @anthropic-ai\/claude-agent-sdk \(>=0\.3\.142 <0\.4\.0\), and it is not installed/,
    ],
  ])(
    'refuses %s with SDK_UNSUPPORTED, naming both versions and the install command',
    (installed, message) => {
      let error: unknown;
      try {
        assertSupportedAgentSdk(installed, RANGE);
      } catch (caught) {
        error = caught;
      }
      expect(error).toMatchObject({
        code: AuthErrorCode.SDK_UNSUPPORTED,
        message: expect.stringMatching(message),
        fix: "npm install '@anthropic-ai/claude-agent-sdk@>=0.3.142 <0.4.0'",
      });
    },
  );
});
