import type { ReactNode } from 'react';

/**
 * A table that scrolls sideways inside its own box on a narrow screen (the page itself never does). The box
 * is focusable and named, so a keyboard user can scroll it too.
 */
export const TableScroll = ({ label, children }: { label: string; children: ReactNode }) => (
  // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard (WCAG 2.1.1)
  <section className="table-scroll" aria-label={label} tabIndex={0}>
    {children}
  </section>
);
