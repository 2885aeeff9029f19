// Copying a link or address for the member, with the sentence that says what happened either way.

/** Copies `text`; answers "Link copied." (for `what` = "link"), or how to copy it by hand. */
export async function copyText(text: string, what: 'link' | 'address'): Promise<string> {
  try {
    await navigator.clipboard.writeText(text);
    return `${what === 'link' ? 'Link' : 'Address'} copied.`;
  } catch {
    return `Select the ${what} and copy it.`;
  }
}
