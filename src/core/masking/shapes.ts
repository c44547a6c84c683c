/**
 * Credential shapes: recognised and masked whether or not anything was registered. Every
 * pattern is linear: one distinctive literal lead, then character classes with *bounded*
 * quantifiers and no quantified groups, so no input makes the engine backtrack more than a
 * constant amount per position. The bounds also give each pattern a maximum match length,
 * which is what lets the streaming masker (stream.ts) hold back only a bounded tail.
 */
import { MASK } from './mask.js';

/** What a user is told about a credential found in their message (see detect.ts). */
export interface CredentialKind {
  kind: string;
  /** "a Slack bot token": fits "That message contains what looks like …". */
  label: string;
  /** What to rotate: "token", "key", "password", "secret". */
  noun: string;
}

export interface Shape extends CredentialKind {
  /** Regular-expression source (no flags besides g; no capture groups: see masked()). */
  source: string;
  /** The longest text `source` can match. */
  maxLength: number;
  /** What replaces a match. */
  masked(match: string): string;
}

/** Longest body of a PEM private key kept in one match (an 8192-bit RSA key is ~6.3 KB). */
export const PEM_BODY_MAX = 8192;
/** Longest opaque token after Bearer / Basic / an Authorization header. */
const HEADER_TOKEN_MAX = 4096;
/** Longest prefixed token (GitHub, GitLab, Slack tokens are all far shorter). */
const TOKEN_MAX = 255;

const full = (): string => MASK;
/** Keeps a scheme or keyword lead (up to and including `keep`), masks the rest. */
const keepThrough = (keep: RegExp) => (match: string): string => {
  const lead = keep.exec(match);
  return lead ? `${lead[0]}${MASK}` : MASK;
};

// RSA, EC, DSA, OPENSSH, ENCRYPTED, PKCS#8 (no word) and PGP (`… PRIVATE KEY BLOCK-----`).
const PEM_LABEL = '[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----';

export const SHAPES: readonly Shape[] = [
  {
    kind: 'private_key',
    label: 'a private key',
    noun: 'key',
    // Through the END line, or (a key cut off in a log tail) the next PEM_BODY_MAX characters.
    source: `-----BEGIN ${PEM_LABEL}(?:[\\s\\S]{0,${PEM_BODY_MAX}}?-----END ${PEM_LABEL}|[\\s\\S]{0,${PEM_BODY_MAX}})`,
    maxLength: 2 * ('-----BEGIN '.length + 40 + 'PRIVATE KEY BLOCK-----'.length) + PEM_BODY_MAX,
    masked: full,
  },
  {
    kind: 'url_credentials',
    label: 'a URL with credentials in it',
    noun: 'password',
    source: '(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{0,31}:\\/\\/[^\\s/?#@]{1,1024}@',
    maxLength: 32 + 3 + 1024 + 1,
    masked: (m) => `${m.slice(0, m.indexOf('://') + 3)}${MASK}@`,
  },
  {
    kind: 'authorization_header',
    label: 'an Authorization header',
    noun: 'credential',
    // `Authorization: Basic …`, `authorization=token …`, `"Authorization": "Bearer …"`.
    source: `(?:[Pp]roxy-)?(?:[Aa]uthorization|AUTHORIZATION)["']?[ \\t]{0,8}[:=][ \\t]{0,8}["']?(?:[A-Za-z]{1,16}[ \\t]{1,8})?[^\\s"',;]{1,${HEADER_TOKEN_MAX}}`,
    maxLength: 6 + 13 + 1 + 8 + 1 + 8 + 1 + 16 + 8 + HEADER_TOKEN_MAX,
    masked: keepThrough(/^[^:=]*[:=][ \t]*["']?(?:(?:Bearer|Basic|[Tt]oken|Bot|Digest)[ \t]+)?/i),
  },
  {
    kind: 'bearer_token',
    label: 'a bearer token',
    noun: 'token',
    // At least one digit in it, so "Bearer authentication." in prose is left alone.
    source: `(?<![A-Za-z0-9])(?:[Bb]earer|BEARER)[ \\t]{1,8}(?=[A-Za-z._~+/-]{0,${HEADER_TOKEN_MAX}}[0-9])[A-Za-z0-9._~+/-]{8,${HEADER_TOKEN_MAX}}={0,2}`,
    maxLength: 6 + 8 + HEADER_TOKEN_MAX + 2,
    masked: keepThrough(/^\S+[ \t]+/),
  },
  {
    kind: 'basic_auth',
    label: 'HTTP basic-auth credentials',
    noun: 'password',
    source: `(?<![A-Za-z0-9])(?:Basic|BASIC)[ \\t]{1,8}(?=[A-Za-z]{0,${HEADER_TOKEN_MAX}}[0-9+/=])[A-Za-z0-9+/]{8,${HEADER_TOKEN_MAX}}={0,2}`,
    maxLength: 5 + 8 + HEADER_TOKEN_MAX + 2,
    masked: keepThrough(/^\S+[ \t]+/),
  },
  slack('xoxb-', 'slack_bot_token', 'a Slack bot token'),
  slack('xoxp-', 'slack_user_token', 'a Slack user token'),
  slack('xapp-', 'slack_app_token', 'a Slack app-level token'),
  slack('xox[aers]-', 'slack_token', 'a Slack token'),
  {
    kind: 'github_token',
    label: 'a GitHub token',
    noun: 'token',
    source: `(?:gh[pousr]_[A-Za-z0-9]{30,${TOKEN_MAX}}|github_pat_[A-Za-z0-9_]{30,${TOKEN_MAX}})`,
    maxLength: 11 + TOKEN_MAX,
    masked: full,
  },
  {
    kind: 'gitlab_token',
    label: 'a GitLab token',
    noun: 'token',
    source: `glpat-[A-Za-z0-9_-]{20,${TOKEN_MAX}}`,
    maxLength: 6 + TOKEN_MAX,
    masked: full,
  },
  {
    kind: 'discord_token',
    label: 'a Discord bot token',
    noun: 'token',
    // base64(user id) . timestamp . HMAC
    source: '(?<![A-Za-z0-9_-])[MNO][A-Za-z0-9_-]{20,30}\\.[A-Za-z0-9_-]{6}\\.[A-Za-z0-9_-]{27,40}(?![A-Za-z0-9_-])',
    maxLength: 31 + 1 + 6 + 1 + 40,
    masked: full,
  },
  {
    kind: 'aws_access_key',
    label: 'an AWS access key id',
    noun: 'key',
    source: '(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])',
    maxLength: 20,
    masked: full,
  },
];

function slack(prefix: string, kind: string, label: string): Shape {
  return { kind, label, noun: 'token', source: `${prefix}[A-Za-z0-9-]{10,${TOKEN_MAX}}`, maxLength: 5 + TOKEN_MAX, masked: full };
}

/** One pattern for every shape: group i+1 is SHAPES[i]. */
export const SHAPES_SOURCE = SHAPES.map((s) => `(${s.source})`).join('|');
/** Longest match of SHAPES_SOURCE. */
export const SHAPES_MAX_LENGTH = Math.max(...SHAPES.map((s) => s.maxLength));

/** The shape a match of SHAPES_SOURCE came from. */
export function shapeOf(m: RegExpExecArray): Shape {
  for (let i = 0; i < SHAPES.length; i++) if (m[i + 1] !== undefined) return SHAPES[i]!;
  return SHAPES[0]!;
}
