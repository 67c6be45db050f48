import { type ReactNode, useEffect, useRef } from 'react';

/**
 * The page's h1. It takes focus when the page opens, so a screen reader announces the new page after a
 * client-side navigation, and it names the document.
 */
export const PageHeading = ({ children, title }: { children: ReactNode; title?: string }) => {
  const ref = useRef<HTMLHeadingElement>(null);
  const text = title ?? (typeof children === 'string' ? children : undefined);
  useEffect(() => {
    ref.current?.focus({ preventScroll: true });
  }, []);
  useEffect(() => {
    if (text) document.title = `${text} · Shop`;
  }, [text]);
  return (
    <h1 ref={ref} tabIndex={-1} className="page-heading">
      {children}
    </h1>
  );
};
