/**
 * Setup file of the `unit` project (vitest.config.ts): a unit test stays inside its own
 * process. Starting a child process (git, python, npm, the built CLI) or opening a socket
 * (Redis, a loopback server, fetch) fails the test with where it belongs, rather than
 * quietly making `npm run test:unit` slow or dependent on the machine. Vitest runs every
 * test file in a fresh worker, so none of this reaches the integration project.
 */
import { createRequire, syncBuiltinESMExports } from 'node:module';

const require = createRequire(import.meta.url);

function refuse(what: string): never {
  throw new Error(
    `${what} in a unit test. Unit tests use no git, Redis, python, child processes or sockets: ` +
      'this test belongs in the integration project (add its file to INTEGRATION in vitest.config.ts), ' +
      'or swap the dependency for an in-memory one.',
  );
}

const childProcess = require('node:child_process') as Record<string, unknown>;
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) {
  childProcess[name] = (command: unknown) => refuse(`child_process.${name}(${JSON.stringify(String(command))})`);
}

const net = require('node:net') as typeof import('node:net');
net.Socket.prototype.connect = function connect(): never {
  refuse('A network connection');
};
net.Server.prototype.listen = function listen(): never {
  refuse('A listening server');
};

// Also for `import { spawn } from 'node:child_process'` (ESM named exports of builtins).
syncBuiltinESMExports();
