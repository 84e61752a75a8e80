/** Small inline SVG icons (no icon font: they look the same on every machine). */

const PATHS = {
  folder: "M2 5.5A1.5 1.5 0 0 1 3.5 4h4l1.6 1.8h7.4A1.5 1.5 0 0 1 18 7.3v7.2a1.5 1.5 0 0 1-1.5 1.5h-13A1.5 1.5 0 0 1 2 14.5z",
  share: "M13.5 3a2.5 2.5 0 1 1-2.2 3.7L7.9 8.6a2.5 2.5 0 0 1 0 2.8l3.4 1.9a2.5 2.5 0 1 1-.7 1.3l-3.4-1.9a2.5 2.5 0 1 1 0-5.4l3.4-1.9A2.5 2.5 0 0 1 13.5 3z",
  link: "M8.5 11.5l3-3M7 9.5 5.6 10.9a2.5 2.5 0 0 0 3.5 3.5l1.4-1.4M13 10.5l1.4-1.4a2.5 2.5 0 0 0-3.5-3.5L9.5 7",
  cloud: "M6 15.5h8.5a3.2 3.2 0 0 0 .3-6.4A4.5 4.5 0 0 0 6.2 8 3.8 3.8 0 0 0 6 15.5z",
} as const;

export function Icon({ name, color, title }: { name: keyof typeof PATHS; color?: string; title?: string }) {
  const stroke = name === "link";
  return (
    <svg
      className="svg-icon"
      viewBox="0 0 20 20"
      width="16"
      height="16"
      aria-hidden={title ? undefined : true}
      role={title ? "img" : undefined}
    >
      {title && <title>{title}</title>}
      <path
        d={PATHS[name]}
        fill={stroke ? "none" : (color ?? "currentColor")}
        stroke={stroke ? (color ?? "currentColor") : "none"}
        strokeWidth={stroke ? 1.8 : 0}
        strokeLinecap="round"
      />
    </svg>
  );
}

export const FOLDER_COLOURS: Record<string, string> = {
  manual: "#e0a526",
  default: "#e0a526",
  rule: "#5b7bd6",
  record: "#8aa2e6",
};

export function Dot({ color }: { color: string }) {
  return <span className="dot" style={{ background: color }} aria-hidden="true" />;
}
