export { confine, confineIfExplicit, createSandbox, noSandbox, type Resolved, type Sandbox } from './sandbox.js';
export type { SandboxKind, SandboxMode, SandboxRun, SandboxSettings, WrappedRun } from './types.js';
export { sandboxSettings } from './settings.js';
