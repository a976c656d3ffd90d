// One binary search for the player and the viewer: the player's.
export { upperBound } from '@tapedeck/player'
