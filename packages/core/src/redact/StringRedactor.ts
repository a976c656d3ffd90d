import type { Rule } from './rules'

/** One compiled regex over some rules: rule `i` is capture group `groupOf[i]`. */
interface Pass {
  readonly regex: RegExp
  readonly rules: readonly Rule[]
  readonly groupOf: readonly number[]
}

const CUSTOM = 1 << 30 // the screen found a rule without a trigger (a custom pattern)

/**
 * Replaces rule matches inside strings, cheapest step first; a string that no step keeps is
 * returned as it is, without allocating:
 * 1. a class of the rules' characters (`[\d@"=_z]` for the built-ins): prose without digits or
 *    those characters stops here, after the cheapest scan a regex can do;
 * 2. the screen, one regex of every rule's trigger (`@`, `eyJ`, eight digits…), tells which
 *    rules can match: ids, model names, prose with a year or a price stop here;
 * 3. one regex pass of just those rules (compiled once per combination) replaces the matches.
 */
export class StringRedactor {
  /** Replacements made so far; the caller resets it. */
  count = 0
  private readonly rules: readonly Rule[]
  private readonly triggers: readonly string[]
  private readonly chars: RegExp | null
  private readonly screen: RegExp | null
  private readonly passes = new Map<number, Pass>()
  private readonly ownPasses: readonly Pass[]

  constructor(rules: readonly Rule[]) {
    this.rules = rules.filter((rule) => rule.flags === undefined)
    this.triggers = [...new Set(this.rules.flatMap((rule) => (rule.trigger === undefined ? [] : [rule.trigger])))]
    // Triggers are groups 1..n; untriggered rules follow, ungrouped (they may have groups of their own).
    const untriggered = this.rules.filter((rule) => rule.trigger === undefined).map((rule) => `(?:${rule.source})`)
    const screen = [...this.triggers.map((trigger) => `(${trigger})`), ...untriggered].join('|')
    this.screen = screen === '' ? null : new RegExp(screen, 'g')
    const everyRuleHasChars = this.rules.every((rule) => rule.chars !== undefined)
    this.chars = everyRuleHasChars ? new RegExp(`[${[...new Set(this.rules.map((rule) => rule.chars))].join('')}]`) : null
    this.ownPasses = rules.filter((rule) => rule.flags !== undefined).map((rule) => this.pass([rule], rule.flags))
  }

  redact(text: string): string {
    for (const pass of this.ownPasses) text = this.run(pass, text)
    const screen = this.screen
    if (screen === null || (this.chars !== null && !this.chars.test(text))) return text
    let found = 0
    screen.lastIndex = 0
    for (let match = screen.exec(text); match !== null; match = screen.exec(text)) {
      let bit = CUSTOM
      for (let i = 0; i < this.triggers.length; i++) {
        if (match[i + 1] !== undefined) {
          bit = 1 << i
          break
        }
      }
      // A family seen already: carry on after it. Otherwise look again from the next character,
      // for a trigger of another family that may overlap this match.
      if ((found & bit) === 0 || bit === CUSTOM) screen.lastIndex = match.index + 1
      found |= bit
    }
    if (found === 0) return text
    let pass = this.passes.get(found & ~CUSTOM)
    if (pass === undefined) {
      pass = this.pass(
        this.rules.filter((rule) => rule.trigger === undefined || (found & (1 << this.triggers.indexOf(rule.trigger))) !== 0),
      )
      this.passes.set(found & ~CUSTOM, pass)
    }
    return this.run(pass, text)
  }

  private run({ regex, rules, groupOf }: Pass, text: string): string {
    let out = ''
    let end = 0 // of the last replacement
    regex.lastIndex = 0
    for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
      if (match[0] === '') {
        regex.lastIndex++ // a custom pattern that matches empty here: skip, never loop
        continue
      }
      const rule = rules.length === 1 ? rules[0]! : rules[groupOf.findIndex((group) => match[group] !== undefined)]!
      const start = rule.start === undefined ? match.index : rule.start(text, match.index)
      if (start < end) continue
      const stop = match.index + match[0].length
      const replacement = rule.replace(start === match.index ? match[0] : text.slice(start, stop))
      if (replacement === null) continue
      out += text.slice(end, start) + replacement
      end = stop
      this.count++
    }
    return end === 0 ? text : out + text.slice(end)
  }

  private pass(rules: readonly Rule[], flags = ''): Pass {
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
