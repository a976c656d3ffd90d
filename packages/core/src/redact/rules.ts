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
  /**
   * Regex source for something every match this rule replaces contains, cheap to look for:
   * `@` for an email, `yJ` for a JWT (a rare first character scans faster than `eyJ`). One regex
   * of all triggers screens each string, and a rule runs only where its trigger was found.
   * Rules with the same trigger form one family. Triggers of different families must not match
   * at the same place, nor start inside one another's matches: the screen finds them
   * leftmost-first and skips over a family it has seen already.
   * Without one (custom patterns), the rule's own source screens, and the rule joins every pass.
   */
  readonly trigger?: string
  /**
   * Screened by a regex of its own, apart from the other triggers. The trigger on numbers (it
   * starts on any digit) in one regex with the others made the whole screen of a chat payload
   * ~1.6× slower than the two regexes apart (V8, measured on the bench's chat events).
   */
  readonly apart?: boolean
  /**
   * Characters (a regex class body) one of which every replaced match holds: `\d`, `@`, `_z`…
   * A string with none of a rule's characters skips its trigger in the screen, and a string with
   * none of any rule's is not screened at all (a class scan is several times cheaper than the
   * screen). A rule without them (custom patterns) is screened for in every string.
   */
  readonly chars?: string
  /** How many capture groups `source` has (only custom patterns have any). */
  readonly groups?: number
  /** Set for a pattern that cannot join the combined regex (flags, back-references): it runs alone. */
  readonly flags?: string
  /**
   * Where the match really starts, for a rule that matches from a rare character and reaches
   * back (an email from its `@`): the start, not below `floor` (the end of the previous
   * replacement), or -1 when there is no match after all.
   */
  readonly start?: (text: string, index: number, floor: number) => number
}

const label = (text: string) => (): string => text
const raw = String.raw

// `[pP][aA]…`: the credential names, case-insensitive, without an `i` flag on the whole regex.
const CREDENTIAL_NAMES = CREDENTIAL_KEYS.map((key) =>
  key.replace(/[a-z]/g, (c) => `[${c}${c.toUpperCase()}]`).replace(/-/g, '\\-'),
).join('|')

/** [A-Za-z0-9_.%+-], the characters of an email's local part. */
function isEmailLocal(code: number): boolean {
  return (
    (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) ||
    code === 95 || code === 46 || code === 37 || code === 43 || code === 45
  )
}

/**
 * The trigger of every rule on numbers (card, phone, IBAN, IPv4): nine digits with short
 * separators (no card, national phone or IBAN has fewer), `+` and eight (an international
 * phone), or a dotted quad. Years, dates, prices, counts and ULIDs do not have it.
 */
const NUMBERS = raw`\d(?:[ ./()-]{0,2}\d){8}|\+\d(?:[ .()-]{0,2}\d){7}|\d\.\d{1,3}\.\d{1,3}\.\d`

/** `"name" : ` at the start of a JSON member. */
const JSON_KEY = /^"[^"]*"\s*:\s*/

const digitCount = (text: string): number => text.replace(/\D/g, '').length

/** Always on: secrets are removed whatever the options say. */
export const CREDENTIAL_RULES: readonly Rule[] = [
  {
    // `Bearer <token>`; the token must hold a digit so that "the bearer of bad news" stays.
    source: raw`(?<![\w-])[Bb]earer[ \t]+(?=[\w.~+/-]*\d)[\w.~+/-]{8,}=*`,
    replace: label('[bearer]'),
    trigger: raw`[Bb]earer[ \t]`,
    chars: raw`\d`,
  },
  {
    // OpenAI/Anthropic sk-…, Slack xox…-, AWS AKIA…/ASIA… key ids. They must hold a digit (real
    // ones do): `sk-learn-…` slugs stay, and strings without digits skip this rule.
    source:
      raw`(?<![\w-])(?:sk-(?=[\w-]*\d)[\w-]{20,}|xox[abprs]-(?=[\w-]*\d)[A-Za-z0-9-]{10,}` +
      raw`|A(?:KI|SI)A(?=[0-9A-Z]*\d)[0-9A-Z]{16})(?![\w-])`,
    replace: label('[api_key]'),
    trigger: 'k-|xox|KIA|SIA',
    chars: raw`\d`,
  },
  {
    // Stripe sk_live_…/rk_live_…, GitHub ghp_…/github_pat_…, Google AIza….
    source:
      raw`(?<![\w-])(?:[rs]k_(?:live|test)_[A-Za-z0-9]{16,}|gh[oprsu]_[A-Za-z0-9]{36,}|github_pat_\w{22,}` +
      raw`|AIza[\w-]{35})(?![\w-])`,
    replace: label('[api_key]'),
    trigger: 'k_(?:live|test)_|h[oprsu]_|b_pat_|Iza',
    chars: '_z',
  },
  {
    // `?api_key=…` in a URL: keep the name, drop the value.
    source: raw`[?&;](?:${CREDENTIAL_NAMES})=[^&#\s"'[][^&#\s"']*`,
    replace: (match) => `${match.slice(0, match.indexOf('=') + 1)}[credential]`,
    trigger: raw`[?&;](?:${CREDENTIAL_NAMES})=`,
    chars: '=',
  },
  {
    // `"password": "…"` inside a JSON text (a request body kept as a string).
    source: raw`"(?:${CREDENTIAL_NAMES})"\s*:\s*"(?:[^"\\]|\\.)*"`,
    replace: (match) => (match.endsWith('"[credential]"') ? null : `${JSON_KEY.exec(match)![0]}"[credential]"`),
    trigger: raw`"(?:${CREDENTIAL_NAMES})"`,
    chars: '"',
  },
]

const OCTET = raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`
const IPV4 = raw`${OCTET}(?:\.${OCTET}){3}`
const H = '[0-9A-Fa-f]{1,4}'
/** The trigger of both IPv6 rules: `::`, or two groups between colons (eight-group form). */
const IPV6 = '::|:[0-9A-Fa-f]{1,4}:[0-9A-Fa-f]{1,4}:'
const IPV6_END = raw`(?:%[\w.]+)?(?![\w:]|\.\d)`

/** The built-in rules, on by default; each can be left out by listing the others. */
export const BUILTIN_RULES: Readonly<Record<BuiltinRule, readonly Rule[]>> = {
  email: [
    {
      // Matched from the `@` (a regex that starts on the local part is slow: it starts on every
      // word); `start` then takes in the local part, 1–64 of [A-Za-z0-9_.%+-].
      source: raw`@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])`,
      start: (text, index, floor) => {
        let start = index
        while (start > floor && index - start <= 64 && isEmailLocal(text.charCodeAt(start - 1))) start--
        return start === index || index - start > 64 ? -1 : start
      },
      replace: label('[email]'),
      trigger: '@',
      chars: '@',
    },
  ],
  // Before phone: a 13–19 digit number starting like a card network (2–6) with a valid Luhn sum.
  card: [
    {
      source: raw`(?<![\w+.-]|\d[ -])[2-6]\d(?:[ -]?\d){11,17}(?![\w]|[ .-]\d)`,
      replace: (match) => (isLuhnValid(match) ? '[card]' : null),
      trigger: NUMBERS,
      apart: true,
      chars: raw`\d`,
    },
  ],
  phone: [
    {
      // International `+…` (8–15 digits, any usual separators); North American `(555) 123-4567`
      // and `555-123-4567`; national numbers with a trunk 0 and separators (`020 7946 0958`,
      // `06 12 34 56 78`). Plain digit runs (counts, ids, timestamps) and dates are not phones.
      source:
        raw`(?<![\w+])\+(?:\d[ .()-]{0,2}){7,14}\d(?![ .()-]{0,2}\d)` +
        raw`|(?<![\w+.-])(?:1[ .-])?(?:\([2-9]\d\d\) ?|[2-9]\d\d[ .-])\d{3}[ .-]\d{4}(?![\w:]|[ ./-]\d)` +
        raw`|(?<![\w+.-])\(?0\d{1,4}\)?[ ./-]\d{2,8}(?:[ .-]\d{2,8}){0,4}(?![\w:]|[ ./-]\d)`,
      replace: (match) => {
        const digits = digitCount(match)
        return digits >= (match.startsWith('+') ? 8 : 9) && digits <= 15 ? '[phone]' : null
      },
      trigger: NUMBERS,
      apart: true,
      chars: raw`\d`,
    },
  ],
  iban: [
    {
      source: raw`(?<![\w-])[A-Z]{2}\d\d(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?![\w-])`,
      replace: (match) => (isValidIban(match) ? '[iban]' : null),
      trigger: NUMBERS,
      apart: true,
      chars: raw`\d`,
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
      trigger: IPV6,
      chars: raw`\d`,
    },
    {
      // Full IPv6, eight groups (or six and an IPv4).
      source: raw`(?<![\w:.])(?:(?:${H}:){7}${H}|(?:${H}:){6}${IPV4})${IPV6_END}`,
      replace: (match) => (/\d/.test(match) ? '[ip]' : null),
      trigger: IPV6,
      chars: raw`\d`,
    },
    {
      // IPv4. Not after a letter or dot, so `v1.2.3.4` and longer dotted numbers stay, nor after
      // `product/`, so a browser version in a user agent (`Chrome/156.0.0.0`) stays.
      source: raw`(?<![\w.]|[A-Za-z]/)${IPV4}(?![\w]|\.\d)`,
      replace: label('[ip]'),
      trigger: NUMBERS,
      apart: true,
      chars: raw`\d`,
    },
  ],
  jwt: [
    {
      // A header and a payload that start `{"` (eyJ), and a signature; with a digit (real ones
      // have: the header names the algorithm, HS256, RS256…).
      source: raw`(?<![\w-])eyJ(?=[\w.-]*\d)[\w-]{2,}\.eyJ[\w-]{2,}\.[\w-]*`,
      replace: label('[jwt]'),
      trigger: 'yJ',
      chars: raw`\d`,
    },
  ],
}

