/** A right-click menu: arrow keys move, Enter runs, Esc or a click elsewhere closes. */

import { useEffect, useRef } from "react";

export interface MenuItem {
  label: string;
  run: () => void;
}

export interface MenuState {
  x: number;
  y: number;
  title: string;
  items: readonly MenuItem[] | "loading";
}

export function ContextMenu({ menu, onClose }: { menu: MenuState; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const first = ref.current?.querySelector<HTMLButtonElement>("button");
    first?.focus();
  }, [menu.items]);
  useEffect(() => {
    const away = (event: MouseEvent) => {
      if (!ref.current?.contains(event.target as Node)) onClose();
    };
    document.addEventListener("mousedown", away);
    return () => document.removeEventListener("mousedown", away);
  }, [onClose]);
  const move = (step: number) => {
    const buttons = [...(ref.current?.querySelectorAll<HTMLButtonElement>("button") ?? [])];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    buttons[(at + step + buttons.length) % buttons.length]?.focus();
  };
  const left = Math.min(menu.x, window.innerWidth - 230);
  const top = Math.min(menu.y, window.innerHeight - 260);
  return (
    <div
      ref={ref}
      className="context-menu"
      role="menu"
      aria-label={menu.title}
      style={{ left, top }}
      onKeyDown={(event) => {
        if (event.key === "Escape") onClose();
        else if (event.key === "ArrowDown") move(1);
        else if (event.key === "ArrowUp") move(-1);
        else return;
        event.preventDefault();
      }}
    >
      <div className="menu-title">{menu.title}</div>
      {menu.items === "loading" ? (
        <div className="menu-note">Loading…</div>
      ) : menu.items.length === 0 ? (
        <div className="menu-note">No action available</div>
      ) : (
        menu.items.map((item) => (
          <button
            key={item.label}
            type="button"
            role="menuitem"
            onClick={() => {
              onClose();
              item.run();
            }}
          >
            {item.label}
          </button>
        ))
      )}
    </div>
  );
}
