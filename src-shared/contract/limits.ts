/**
 * Every size limit between a workflow file and Temporal, in one place (README "Sizes and limits" lists
 * them with what happens past each). Temporal refuses a payload over 2 MB and a gRPC message over 4 MB;
 * whatever a workflow or a server sends, what goes into a workflow's input, result, signals and
 * heartbeats must stay well under that, so large data goes by content hash through the payload store.
 */

/** A prompt input string longer than this (a base64 image, a long text) goes by reference. */
export const INLINE_VALUE_BYTES = 16 * 1024

/** extra_pnginfo (the UI workflow written into PNGs) larger than this goes by reference. */
export const INLINE_EXTRA_BYTES = 16 * 1024

/**
 * A run's workflow input once large values went by reference: only the graph's structure is left, so
 * this is reached by a graph of thousands of nodes (or a long prompt-list batch). Past it the submit is
 * refused (413); the rest of Temporal's 2 MB is margin for what travels with the input.
 */
export const RUN_INPUT_MAX_BYTES = 1536 * 1024

/**
 * The child inputs a batch starts in one workflow task (one gRPC message, 4 MB at most): the batch's
 * window is narrowed so that window × child input stays under this.
 */
export const BATCH_TASK_BYTES = 2 * 1024 * 1024

/** One ComfyUI event's data in get_events, signals and results; beyond it a bounded preview is kept. */
export const EVENT_DATA_BYTES = 2 * 1024

/** The most items one history page holds (`limit`): a page is one query and one answer, kept small. */
export const HISTORY_PAGE_MAX = 500

/** Output refs a run's result carries inline; beyond it the full list goes by reference. */
export const INLINE_OUTPUTS = 500
