/**
 * A document the server rendered from Markdown (the guidelines, the consent
 * text, a footer text, a community's rules) placed under a page's own
 * heading: its headings are renumbered to follow that heading's level, so the
 * page's outline has no jumps whatever level the Markdown began at.
 */
export function headingsUnder(html: string, level: number): string {
  const template = document.createElement('template');
  template.innerHTML = html;
  const headings = [...template.content.querySelectorAll('h1, h2, h3, h4, h5, h6')];
  const levels = [...new Set(headings.map(levelOf))].sort();
  for (const heading of headings) {
    // The document's highest level follows the page's; each lower one comes one step below the last.
    const shifted = document.createElement(`h${Math.min(6, level + 1 + levels.indexOf(levelOf(heading)))}`);
    for (const attribute of heading.attributes) shifted.setAttribute(attribute.name, attribute.value);
    shifted.append(...heading.childNodes);
    heading.replaceWith(shifted);
  }
  return headings.length > 0 ? template.innerHTML : html;
}

function levelOf(heading: Element): number {
  return Number(heading.tagName.slice(1));
}
