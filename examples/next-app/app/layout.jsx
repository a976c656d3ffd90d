import { Providers } from './providers.jsx'

export const metadata = { title: 'Tapedeck · Next.js example' }

// A server component: the recorder lives in the client layout below it.
export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  )
}
