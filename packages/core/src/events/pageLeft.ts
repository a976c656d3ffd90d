/**
 * The payload of the `session.paused` a page saves as it leaves normally (`pagehide`: a reload, a
 * navigation, a closed tab): the session is `suspended`, to be resumed, not `interrupted`.
 */
export const PAGE_LEFT = '{"reason":"page-left"}'
