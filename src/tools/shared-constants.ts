// Limits more than one tool applies, kept here so no tool imports another tool's module for them.

/** Text budget for raw answers: about 12k tokens. Bigger answers are cut with advice on narrowing. */
export const RAW_TEXT_BUDGET = 48_000;
