// The dedicated worker of bench/lastWords.mjs's probe (a): it starts the requests it is given and says so.
import { startRequests, type Send } from './startRequests'

onmessage = (message: MessageEvent<Send>) => postMessage(startRequests(message.data))
