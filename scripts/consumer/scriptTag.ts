/// <reference types="@tapedeck/widget/global" />
// A page that loads tapedeck.js with a <script> tag and is written in TypeScript: the global types.

// @package @tapedeck/widget
const recorder = Tapedeck.init({ endpoint: 'https://rec.example.com' })
void recorder.start()
void window.Tapedeck.destroy()
// @ts-expect-error init takes an options object
Tapedeck.init('https://rec.example.com')
// @ts-expect-error no such member
window.Tapedeck.notThere
export {}
