'use client'
import { RecorderProvider } from '@tapedeck/react'

// The client layout: one recorder for the whole app, made by the provider in the browser. It
// uploads to @tapedeck/server, which this app mounts at /tapedeck (app/tapedeck/[...path]/route.js).
export function Providers({ children }) {
  return <RecorderProvider options={{ endpoint: '/tapedeck' }}>{children}</RecorderProvider>
}
