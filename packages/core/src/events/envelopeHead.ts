/**
 * An event's NDJSON line up to its payload (`…,"data":`), as stored and as sent (docs/protocol.md
 * §1). One function for the engine and for the page's own send (keepaliveTail): the two copies of
 * an event must be the same bytes.
 */
export function envelopeHead(id: string, sessionId: string, seq: number, ts: number, t: number, tab: string, type: string): string {
  return `{"v":1,"id":"${id}","sessionId":"${sessionId}","seq":${seq},"ts":${ts},"t":${t},"tab":"${tab}","type":"${type}","data":`
}
