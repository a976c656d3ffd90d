import type { Plugin } from 'vite'

export function sourcesOnly(): Plugin
