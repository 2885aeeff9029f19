/**
 * Helplines to show a member at once: set when the server's crisis
 * screening answers a post, a thread or a chat message with `support`, and
 * kept on screen (across pages) until the member closes it.
 */
import type { Support } from './types';

export const support = $state<{ shown: Support | null }>({ shown: null });

/** Shows the helplines if the server sent any. */
export function offerSupport(answer: Support | null | undefined): void {
  if (answer && answer.helplines) support.shown = answer;
}

export function closeSupport(): void {
  support.shown = null;
}
