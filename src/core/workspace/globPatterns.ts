/**
 * serverless.yml package patterns: every file is included, then each pattern in order includes the files
 * it matches, or with a leading ! excludes them (later patterns win).
 */
export function patternFilter(patterns: readonly string[]): (relativePath: string) => boolean {
  const rules = patterns.map((pattern) => {
    const exclude = pattern.startsWith('!');
    return { exclude, regex: globToRegExp(exclude ? pattern.slice(1) : pattern) };
  });
  return (relativePath) => {
    let included = true;
    for (const rule of rules) {
      if (rule.regex.test(relativePath)) included = !rule.exclude;
    }
    return included;
  };
}

/** A glob (*, **, ?, {a,b}) as a regular expression over '/'-separated relative paths. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  const text = glob.replace(/^\.\//, '').replace(/\/$/, '/**');
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '*') {
      if (text[i + 1] === '*') {
        const slash = text[i + 2] === '/';
        source += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else {
        source += '[^/]*';
      }
    } else if (c === '?') {
      source += '[^/]';
    } else if (c === '{') {
      const close = text.indexOf('}', i);
      if (close < 0) { source += '\\{'; continue; }
      source += '(?:' + text.slice(i + 1, close).split(',').map(escape).join('|') + ')';
      i = close;
    } else {
      source += escape(c);
    }
  }
  // A pattern naming a folder matches everything in it.
  return new RegExp(`^${source}(?:/.*)?$`);
}

function escape(text: string): string {
  return text.replace(/[.+^${}()|[\]\\]/g, '\\$&');
}
