import { CREDENTIAL_KEYS } from './credentialKeys'
import { isValidIban } from './iban'
import { isLuhnValid } from './luhn'
import type { BuiltinRule } from './types'

/** One kind of secret or personal data found inside strings. */
export interface Rule {
  /** Regular expression source, compiled without flags and combined with the other rules. */
  readonly source: string
  /** The replacement for a match, or null to keep the match (a failed checksum, say). */
  readonly replace: (match: string) => string | null
  /** A substring every match contains: strings without it skip this rule entirely. */
  readonly needs?: string
  /** How many capture groups `source` has (only custom patterns have any). */
  readonly groups?: number
  /** Set for a pattern that cannot join the combined regex (flags, back-references): it runs alone. */
  readonly flags?: string
}

const label = (text: string) => (): string => text
const raw = String.raw

// `[pP][aA]…`: the credential names, case-insensitive, without an `i` flag on the whole regex.
const CREDENTIAL_NAMES = CREDENTIAL_KEYS.map((key) =>
  key.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`).replace(/-/g, '\\-'),
).join('|')

const digitCount = (text: string): number => text.replace(/\D/g, '').length

/** Always on: secrets are removed whatever the options say. */
export const CREDENTIAL_RULES: readonly Rule[] = [
  {
    // `Bearer <token>`; the token must hold a digit so that "the bearer of bad news" stays.
    source: raw`(?<![\w-])[Bb]earer[ \t]+(?=[\w.~+/-]*\d)[\w.~+/-]{8,}=*`,
    replace: label('[bearer]'),
  },
  {
    // OpenAI/Anthropic sk-…, Stripe sk_live_…, Google AIza…, GitHub, Slack, AWS access key ids.
    source:
      raw`(?<![\w-])(?:sk-(?=[\w-]*\d)[\w-]{20,}|[rs]k_(?:live|test)_[A-Za-z0-9]{16,}|AIza[\w-]{35}` +
      raw`|gh[oprsu]_[A-Za-z0-9]{36,}|github_pat_\w{22,}|xox[abprs]-[A-Za-z0-9-]{10,}|A(?:KI|SI)A[0-9A-Z]{16})(?![\w-])`,
    replace: label('[api_key]'),
  },
  {
    // `?api_key=…` in a URL: keep the name, drop the value.
    source: raw`[?&;](?:${CREDENTIAL_NAMES})=[^&#\s"'[][^&#\s"']*`,
    replace: (match) => `${match.slice(0, match.indexOf('=') + 1)}[credential]`,
  },
  {
    // `"password": "…"` inside a JSON text (a request body kept as a string).
    source: raw`"(?:${CREDENTIAL_NAMES})"\s*:\s*"(?:[^"\\]|\\.)*"`,
    replace: (match) =>
      match.endsWith('"[credential]"') ? null : `${match.slice(0, match.indexOf(':'))}:"[credential]"`,
  },
]

const OCTET = raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`
const IPV4 = raw`${OCTET}(?:\.${OCTET}){3}`
const H = '[0-9A-Fa-f]{1,4}'
const IPV6_END = raw`(?:%[\w.]+)?(?![\w:]|\.\d)`

/** The built-in rules, on by default; each can be left out by listing the others. */
export const BUILTIN_RULES: Readonly<Record<BuiltinRule, readonly Rule[]>> = {
  email: [
    {
      source:
        raw`(?<![\w.%+-])[\w.%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])`,
      replace: label('[email]'),
      needs: '@',
    },
  ],
  // Before phone: a 13–19 digit number starting like a card network (2–6) with a valid Luhn sum.
  card: [
    {
      source: raw`(?<![\w+.-]|\d[ -])[2-6]\d(?:[ -]?\d){11,17}(?![\w]|[ .-]\d)`,
      replace: (match) => (isLuhnValid(match) ? '[card]' : null),
    },
  ],
  phone: [
    {
      // International `+…` (8–15 digits, any usual separators); North American `(555) 123-4567`
      // and `555-123-4567`; national numbers with a trunk 0 and separators (`020 7946 0958`,
      // `06 12 34 56 78`). Plain digit runs (counts, ids, timestamps) and dates are not phones.
      source:
        raw`(?<![\w+])\+(?:\d[ .()-]{0,2}){7,14}\d(?!\d)` +
        raw`|(?<![\w+.-])(?:1[ .-])?(?:\([2-9]\d\d\) ?|[2-9]\d\d[ .-])\d{3}[ .-]\d{4}(?![\w:]|[ ./-]\d)` +
        raw`|(?<![\w+.-])\(?0\d{1,4}\)?[ ./-]\d{2,8}(?:[ .-]\d{2,8}){0,4}(?![\w:]|[ ./-]\d)`,
      replace: (match) => {
        const digits = digitCount(match)
        return digits >= (match.startsWith('+') ? 8 : 9) && digits <= 15 ? '[phone]' : null
      },
    },
  ],
  iban: [
    {
      source: raw`(?<![\w-])[A-Z]{2}\d\d(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![\w-])`,
      replace: (match) => (isValidIban(match) ? '[iban]' : null),
    },
  ],
  ip: [
    {
      // IPv6 with `::` (and IPv4-mapped). Needs a digit, so `cafe::babe` and a bare `::` stay.
      source:
        raw`(?<![\w:.])(?:::(?:[fF]{4}(?::0{1,4})?:)?${IPV4}|(?:${H}:){1,4}:${IPV4}|(?:${H}:){1,7}:` +
        raw`|(?:${H}:){1,6}:${H}|(?:${H}:){1,5}(?::${H}){1,2}|(?:${H}:){1,4}(?::${H}){1,3}` +
        raw`|(?:${H}:){1,3}(?::${H}){1,4}|(?:${H}:){1,2}(?::${H}){1,5}|${H}:(?::${H}){1,6}` +
        raw`|:(?::${H}){1,7}|::)${IPV6_END}`,
      replace: (match) => (/\d/.test(match) ? '[ip]' : null),
      needs: '::',
    },
    {
      // Full IPv6, eight groups (or six and an IPv4).
      source: raw`(?<![\w:.])(?:(?:${H}:){7}${H}|(?:${H}:){6}${IPV4})${IPV6_END}`,
      replace: label('[ip]'),
      needs: ':',
    },
    {
      // IPv4. Not after a letter or dot, so `v1.2.3.4` and longer dotted numbers stay.
      source: raw`(?<![\w.])${IPV4}(?![\w]|\.\d)`,
      replace: label('[ip]'),
      needs: '.',
    },
  ],
  jwt: [
    {
      source: raw`(?<![\w-])eyJ[\w-]{2,}\.eyJ[\w-]{2,}\.[\w-]*`,
      replace: label('[jwt]'),
      needs: 'eyJ',
    },
  ],
}

export const BUILTIN_RULE_NAMES = Object.keys(BUILTIN_RULES) as BuiltinRule[]
