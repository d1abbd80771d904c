// Colours of overlaid runs on the charts, distinct from the live run's blue.
const COLORS = ['#d9480f', '#2b8a3e', '#862e9c', '#e67700', '#0b7285', '#c2255c'];

export function overlayColor(i: number): string {
  return COLORS[i % COLORS.length] as string;
}
