// `import '@tapedeck/widget/define'`: registers <tapedeck-recorder> as a side effect.
import { defineRecorderElement } from './element/defineRecorderElement'

defineRecorderElement()
