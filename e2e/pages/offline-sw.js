// A minimal offline app shell for the offline test page, as an installed PWA has: same-origin
// GETs go to the network and are kept; when the network is gone, the kept copy answers.
// Requests to other origins (the sync endpoint) are left alone.
self.addEventListener('install', () => self.skipWaiting())
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()))
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url)
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return
  event.respondWith(
    (async () => {
      const cache = await caches.open('app-shell')
      try {
        const response = await fetch(event.request)
        if (response.ok) await cache.put(event.request, response.clone())
        return response
      } catch (error) {
        const kept = await cache.match(event.request, { ignoreSearch: false })
        if (kept) return kept
        throw error
      }
    })(),
  )
})
