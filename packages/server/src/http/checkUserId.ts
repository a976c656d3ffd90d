import { ServerError } from '../ServerError.js'

/** A user id to erase by, from the path or `?userId=`: 1 to 256 characters without control characters. */
export function checkUserId(userId: string): string {
  if (userId.length < 1 || userId.length > 256 || /\p{Cc}/u.test(userId)) {
    throw new ServerError('invalid_id', 'userId must be 1 to 256 characters without control characters.')
  }
  return userId
}
