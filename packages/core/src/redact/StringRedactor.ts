import type { Rule } from './rules'

/** One compiled regex over some rules: rule `i` is capture group `groupOf[i]`. */
interface Pass {
  readonly regex: RegExp
  readonly rules: readonly Rule[]
  readonly groupOf: readonly number[]
}

/** A screen: one regex of some rules' triggers; capture group `i + 1` finds trigger `bits[i]`. */
interface Screen {
  readonly regex: RegExp
  readonly bits: readonly number[]
}

const DIGIT = /\d/
const UNTRIGGERED = 1 << 30 // the screen found a rule without a trigger (a custom pattern)

/**
 * Replaces rule matches inside strings, cheapest step first; a string that no step keeps is
 * returned as it is, without allocating:
 * 1. a class of the rules' characters (`[\d_z="@]` for the built-ins): prose without digits
 *    or those characters stops here, after the cheapest scan there is;
 * 2. the screen, a regex of the rules' triggers (`@`, `yJ`, eight digits…; only those of rules
 *    that need no digit when the string has none) — two regexes when some rules are screened
 *    `apart` — tells which rules can match: ids, model names, prose with a year or a price stop
 *    here;
 * 3. one regex pass of just those rules (compiled once per combination) replaces the matches.
 */
export class StringRedactor {
  /** Replacements made so far; the caller resets it. */
  count = 0
  readonly #rules: readonly Rule[]
  /** Every distinct trigger; trigger `i` is bit `1 << i` of a screen's findings. */
  readonly #triggers: readonly string[]
  /** The class of the rules' characters; null when a rule has none (then every string is screened). */
  readonly #chars: RegExp | null
  /** The screens for strings without and with digits, compiled when first needed. */
  readonly #screens: [Screen[] | undefined, Screen[] | undefined] = [undefined, undefined]
  readonly #passes = new Map<number, Pass>()
  readonly #ownPasses: readonly Pass[]

  constructor(rules: readonly Rule[]) {
    this.#rules = rules.filter((rule) => rule.flags === undefined)
    this.#triggers = [...new Set(this.#rules.flatMap((rule) => (rule.trigger === undefined ? [] : [rule.trigger])))]
    const chars = [...new Set(this.#rules.map((rule) => rule.chars))]
    this.#chars = chars.includes(undefined) ? null : new RegExp(`[${chars.join('')}]`)
    this.#ownPasses = rules.filter((rule) => rule.flags !== undefined).map((rule) => this.#pass([rule], rule.flags))
  }

  redact(text: string): string {
    for (const pass of this.#ownPasses) text = this.#run(pass, text)
    if (this.#chars !== null && !this.#chars.test(text)) return text
    const digits = this.#chars === null || DIGIT.test(text) ? 1 : 0
    let screens = this.#screens[digits]
    if (screens === undefined) screens = this.#screens[digits] = this.#compileScreens(digits === 1)
    let found = 0
    for (const screen of screens) found |= scan(screen, text)
    if (found === 0) return text
    const key = found & ~UNTRIGGERED
    let pass = this.#passes.get(key)
    if (pass === undefined) {
      const on = (rule: Rule) => rule.trigger === undefined || (key & (1 << this.#triggers.indexOf(rule.trigger))) !== 0
      this.#passes.set(key, (pass = this.#pass(this.#rules.filter(on))))
    }
    return this.#run(pass, text)
  }

  #compileScreens(digits: boolean): Screen[] {
    // Without digits, a rule whose characters are only digits cannot match.
    const possible = digits ? this.#rules : this.#rules.filter((rule) => rule.chars?.replace('\\d', '') !== '')
    const apart = this.#compileScreen(possible.filter((rule) => rule.apart === true))
    const together = this.#compileScreen(possible.filter((rule) => rule.apart !== true))
    return [apart, together].filter((screen) => screen !== null)
  }

  #compileScreen(possible: readonly Rule[]): Screen | null {
    const triggers = this.#triggers.filter((trigger) => possible.some((rule) => rule.trigger === trigger))
    // Triggers are groups 1..n; untriggered rules follow, ungrouped (they may have groups of their own).
    const untriggered = possible.filter((rule) => rule.trigger === undefined).map((rule) => `(?:${rule.source})`)
    const source = [...triggers.map((trigger) => `(${trigger})`), ...untriggered].join('|')
    const bits = triggers.map((trigger) => 1 << this.#triggers.indexOf(trigger))
    return source === '' ? null : { regex: new RegExp(source, 'g'), bits }
  }

  #run({ regex, rules, groupOf }: Pass, text: string): string {
    let out = ''
    let end = 0 // of the last replacement
    regex.lastIndex = 0
    for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
      if (match[0] === '') {
        regex.lastIndex++ // a custom pattern that matches empty here: skip, never loop
        continue
      }
      const rule = rules.length === 1 ? rules[0]! : rules[groupOf.findIndex((group) => match[group] !== undefined)]!
      const start = rule.start === undefined ? match.index : rule.start(text, match.index, end)
      if (start < 0) continue
      const stop = match.index + match[0].length
      const replacement = rule.replace(start === match.index ? match[0] : text.slice(start, stop))
      if (replacement === null) continue
      out += text.slice(end, start) + replacement
      end = stop
      this.count++
    }
    return end === 0 ? text : out + text.slice(end)
  }

  #pass(rules: readonly Rule[], flags = ''): Pass {
    // Each rule is wrapped in one capture group; remember which group belongs to which rule.
    // A rule alone is not wrapped, so that its own back-references keep their numbers.
    const groupOf: number[] = []
    let group = 1
    for (const rule of rules) {
      groupOf.push(group)
      group += 1 + (rule.groups ?? 0)
    }
    const source = rules.length === 1 ? rules[0]!.source : rules.map((rule) => `(${rule.source})`).join('|')
    return { regex: new RegExp(source, `${flags}g`), rules, groupOf }
  }
}

/** The triggers one screen finds in `text`, as bits. */
function scan({ regex, bits }: Screen, text: string): number {
  let found = 0
  regex.lastIndex = 0
  for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
    let bit = UNTRIGGERED
    for (let i = 0; i < bits.length; i++) {
      if (match[i + 1] !== undefined) {
        bit = bits[i]!
        break
      }
    }
    // A trigger seen already: carry on after it. Otherwise look again from the next character,
    // for a trigger of another family that may overlap this match.
    if ((found & bit) === 0 || bit === UNTRIGGERED) regex.lastIndex = match.index + 1
    found |= bit
  }
  return found
}
