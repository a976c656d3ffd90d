// The Vite React template's configuration, nothing Tapedeck-specific.
import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

export default defineConfig({ plugins: [react()] })
