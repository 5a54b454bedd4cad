/** A projection cannot apply this event, and retrying will not help: it goes to dead letters. */
export class PoisonEventError extends Error {}
