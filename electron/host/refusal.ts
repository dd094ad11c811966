/**
 * A command the host refuses, with a reason a person can act on ("the phase is already on
 * hold"). Not a failure: it is answered, not logged as an error, and nothing changed.
 */
export class Refusal extends Error {}
