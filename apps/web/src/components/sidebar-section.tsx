import type { ReactNode } from 'react';

interface SidebarSectionProps {
  title: string;
  actionLabel?: string;
  onAction?: () => void;
  children: ReactNode;
}

export function SidebarSection({ title, actionLabel, onAction, children }: SidebarSectionProps) {
  return (
    <section className="sidebar-section">
      <header>
        <h2>{title}</h2>
        {onAction && (
          <button
            type="button"
            className="icon-button"
            onClick={onAction}
            aria-label={actionLabel}
            title={actionLabel}
          >
            +
          </button>
        )}
      </header>
      <ul>{children}</ul>
    </section>
  );
}
