import { TapedeckRecorderElement } from './TapedeckRecorderElement'

/**
 * Registers `<tapedeck-recorder>` (or another tag name) unless that name is taken, and returns
 * the element class. Does nothing where there are no custom elements (a server render).
 */
export function defineRecorderElement(tagName = 'tapedeck-recorder'): typeof TapedeckRecorderElement {
  if (typeof customElements !== 'undefined' && !customElements.get(tagName)) {
    // A class can be registered under one name only: any other name gets a subclass.
    customElements.define(tagName, tagName === 'tapedeck-recorder' ? TapedeckRecorderElement : class extends TapedeckRecorderElement {})
  }
  return TapedeckRecorderElement
}
