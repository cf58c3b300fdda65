#!/usr/bin/env node
// The first step of `npm test`: makes sure every program the suite starts is
// installed (the list is scripts/test-tools.json), so that no test can fail,
// or skip, for want of one. When all are present it only looks (no apt call).
// When some are missing: as root on Debian/Ubuntu it installs them with apt;
// anywhere else it stops at once and prints the command that installs them.
// Plain JavaScript because it runs before the TypeScript build.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

// TEST_TOOLS_LIST: another list, for this script's own tests.
const LIST = process.env.TEST_TOOLS_LIST ?? new URL('./test-tools.json', import.meta.url);
// Debian's own interpreter: a pyenv or virtualenv python3 earlier on PATH does not see Debian's packages.
const DEBIAN_PYTHON = '/usr/bin/python3';
// Other helpers (and unattended upgrades) may hold the dpkg lock; wait for it rather than fail.
const APT = ['apt-get', '-o', 'DPkg::Lock::Timeout=900'];

/** @typedef {{ package: string, command?: string | string[], pythonModule?: string, debconf?: string[], why: string }} Tool */

/** @returns {Tool[]} */
function loadTools() {
  return JSON.parse(readFileSync(LIST, 'utf8')).tools;
}

function onPath(command) {
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  const names = process.platform === 'win32' ? [`${command}.exe`, `${command}.cmd`] : [command];
  return dirs.some((dir) => names.some((name) => existsSync(join(dir, name))));
}

function pythonModuleInstalled(module) {
  const probe = `import importlib.util, sys; sys.exit(importlib.util.find_spec(${JSON.stringify(module)}) is None)`;
  return spawnSync(DEBIAN_PYTHON, ['-c', probe], { stdio: 'ignore' }).status === 0;
}

/** @param {Tool} tool */
function installed(tool) {
  if (tool.pythonModule !== undefined) return pythonModuleInstalled(tool.pythonModule);
  return [tool.command ?? []].flat().some(onPath);
}

function isDebianLike() {
  if (process.platform !== 'linux' || !existsSync('/etc/os-release')) return false;
  const release = readFileSync('/etc/os-release', 'utf8');
  return /^ID(_LIKE)?=.*\b(debian|ubuntu)\b/m.test(release) && onPath('apt-get');
}

/** @param {string[]} argv */
function run(argv) {
  console.error(`ensure-test-tools: $ ${argv.join(' ')}`);
  const result = spawnSync(argv[0], argv.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.status !== 0) {
    console.error(
      `ensure-test-tools: \`${argv.join(' ')}\` failed (${result.error?.message ?? `exit ${result.status}`}).`,
    );
    process.exit(1);
  }
}

/**
 * Answers install-time questions before apt asks them (`debconf-set-selections`).
 * @param {string[]} answers
 */
function preseed(answers) {
  console.error(`ensure-test-tools: $ debconf-set-selections <<< ${JSON.stringify(answers)}`);
  const result = spawnSync('debconf-set-selections', [], {
    input: `${answers.join('\n')}\n`,
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  if (result.status !== 0) {
    console.error('ensure-test-tools: debconf-set-selections failed.');
    process.exit(1);
  }
}

/** @param {Tool[]} tools */
function describe(tools) {
  return tools.map((tool) => `  - ${tool.package}: ${tool.why}`).join('\n');
}

const missing = loadTools().filter((tool) => !installed(tool));
if (missing.length === 0) process.exit(0);

const packages = missing.map((tool) => tool.package);
const aptInstall = ['install', '-y', '--no-install-recommends', ...packages];
console.error(
  `ensure-test-tools: the test suite needs ${packages.length} more package(s):\n${describe(missing)}`,
);

if (isDebianLike() && process.getuid?.() === 0) {
  run([...APT, 'update', '-qq']);
  const answers = missing.flatMap((tool) => tool.debconf ?? []);
  if (answers.length > 0) preseed(answers);
  run([...APT, ...aptInstall]);
  const still = missing.filter((tool) => !installed(tool));
  if (still.length > 0) {
    console.error(`ensure-test-tools: installed, yet still missing:\n${describe(still)}`);
    process.exit(1);
  }
  console.error('ensure-test-tools: all test tools installed.');
  process.exit(0);
}

const preseedCommand = missing
  .flatMap((tool) => tool.debconf ?? [])
  .map((answer) => `echo '${answer}' | sudo debconf-set-selections && `)
  .join('');
const aptCommand = `${preseedCommand}sudo apt-get update && sudo apt-get install -y --no-install-recommends ${packages.join(' ')}`;
if (isDebianLike()) {
  console.error(
    `\nInstall them (or run \`sudo "$(command -v node)" scripts/ensure-test-tools.mjs\`), then run npm test again:\n\n  ${aptCommand}\n`,
  );
} else {
  // Secret Service, glewlwyd and Django OAuth Toolkit are Linux servers: no brew or winget line installs them all.
  console.error(
    [
      '',
      'These are Debian packages; the full suite runs on Debian or Ubuntu. There:',
      '',
      `  ${aptCommand}`,
      '',
      'From here, run it in a Debian container (it installs them itself, as root):',
      '',
      `  docker run --rm -v "$PWD":/src:ro node:20-bookworm bash -c 'cp -r /src /work && cd /work && npm ci && npm test'`,
      '',
      'What runs natively on this platform (no extra tools): npm run test:smoke',
      '',
    ].join('\n'),
  );
}
process.exit(1);
