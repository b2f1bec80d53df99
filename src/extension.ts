// The editor integration (issue 4) builds its services here; until then activation registers nothing.
export function activate(): void {}
export function deactivate(): void {}
