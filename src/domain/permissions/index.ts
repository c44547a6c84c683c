export { createPolicy, type Actor, type Policy, type RepoAction, type Verdict } from './policy.js';
export { commandLabel, createPermissionGate, mayConfirmFor, type GateDeps, type PermissionGate } from './gate.js';
export { BUILTIN_ROLES, channelMatches, isMember, isRoleName } from '../../core/members.js';
export { originKey, originLabel, originOfDeploy, originOfRelease, sameOrigin, type Origin } from './ownership.js';
