/** The clock: ms since the epoch. Use cases take one so that tests can move time by hand. */
export type Clock = () => number;
