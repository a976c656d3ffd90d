import type { Rule } from './rules'

/** One compiled regex over some rules, and the replacer that knows which rule matched. */
interface Pass {
  readonly regex: RegExp
  readonly replacer: (match: string, ...groups: unknown[]) => string
}

/**
 * Replaces rule matches inside strings, all rules in one regex pass. A rule that needs a substring
 * (`@` for emails, `::` for IPv6…) joins the pass only for strings that contain it, so the common
 * string is scanned once by a small regex; a string with no match is returned as it is.
 */
export class StringRedactor {
  /** Replacements made so far; the caller resets it. */
  count = 0
  private readonly rules: readonly Rule[]
  private readonly needs: string[]
  private readonly passes: Array<Pass | null | undefined> = []
  private readonly ownPasses: Pass[]

  constructor(rules: readonly Rule[]) {
    this.rules = rules.filter((rule) => rule.flags === undefined)
    this.needs = [...new Set(this.rules.flatMap((rule) => (rule.needs === undefined ? [] : [rule.needs])))]
    this.ownPasses = rules.filter((rule) => rule.flags !== undefined).map((rule) => this.pass([rule], rule.flags))
  }

  redact(text: string): string {
    for (const pass of this.ownPasses) text = this.run(pass, text)
    let mask = 0
    for (let bit = 0; bit < this.needs.length; bit++) {
      if (text.includes(this.needs[bit]!)) mask |= 1 << bit
    }
    let pass = this.passes[mask]
    if (pass === undefined) pass = this.passes[mask] = this.compile(mask)
    return pass === null ? text : this.run(pass, text)
  }

  private run({ regex, replacer }: Pass, text: string): string {
    regex.lastIndex = 0
    return regex.test(text) ? text.replace(regex, replacer) : text
  }

  private compile(mask: number): Pass | null {
    const rules = this.rules.filter(
      (rule) => rule.needs === undefined || (mask & (1 << this.needs.indexOf(rule.needs))) !== 0,
    )
    return rules.length === 0 ? null : this.pass(rules, '')
  }

  private pass(rules: readonly Rule[], flags = ''): Pass {
    // Each rule is wrapped in one capture group; remember which group belongs to which rule.
    // A rule alone is not wrapped, so that its own back-references keep their numbers.
    const single = rules.length === 1
    const groupOf: number[] = []
    let group = 1
    for (const rule of rules) {
      groupOf.push(group)
      group += 1 + (rule.groups ?? 0)
    }
    const source = single ? rules[0]!.source : rules.map((rule) => `(${rule.source})`).join('|')
    const regex = new RegExp(source, `${flags}g`)
    const replacer = (match: string, ...groups: unknown[]): string => {
      if (match === '') return match
      for (let i = 0; i < rules.length; i++) {
        if (!single && groups[groupOf[i]! - 1] === undefined) continue
        const replacement = rules[i]!.replace(match)
        if (replacement === null) return match
        this.count++
        return replacement
      }
      return match
    }
    return { regex, replacer }
  }
}
