/**
 * The pid a debugger's own evaluations read as `process.pid` in a debugged instance: above every pid an
 * operating system hands out (Linux stops at 2^22, macOS below 100000, and Windows pids are multiples of 4),
 * so no process on the debugger's machine has it.
 */
export const UNREACHABLE_PID = 0x7fffffff;

/**
 * VS Code's JavaScript debugger (js-debug) asks an attached process for `process.pid` and, when its session
 * is stopped, kills that pid's process tree ON THE DEBUGGER'S MACHINE. It has no setting to stop that for
 * attach sessions (killBehavior is a launch setting), and in a container the pid it reads (1, or another
 * small number) names an unrelated process of the host: nearly every process there would die. So in a
 * debugged instance `process.pid` answers UNREACHABLE_PID to the debugger's own evaluations, and the true
 * pid to the function's code.
 */
export function shieldPidFromDebuggers(): void {
  const truePid = process.pid;
  Object.defineProperty(process, 'pid', {
    configurable: true,
    enumerable: true,
    get: function pid() {
      return readByDebugger(pid) ? UNREACHABLE_PID : truePid;
    },
  });
}

/**
 * True when the code reading the pid was sent by a debugger (Runtime.evaluate, which js-debug names
 * eval-*.cdp), not loaded from the function, a layer or Node.js, nor built by eval: the reading frame's script
 * is no file. Only that frame counts: a debugger's evaluation runs on top of whatever it paused, such as
 * the wait for the debugger itself.
 */
function readByDebugger(getter: () => number): boolean {
  const reader = callSites(getter)[0];
  return reader !== undefined && !reader.isEval() && !isFile(reader.getFileName() ?? undefined);
}

function isFile(name: string | undefined): boolean {
  return name !== undefined && (name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name) || /^(file|node):/.test(name));
}

function callSites(below: () => number): NodeJS.CallSite[] {
  const { prepareStackTrace, stackTraceLimit } = Error;
  try {
    Error.stackTraceLimit = 1;
    Error.prepareStackTrace = (_error, sites) => sites;
    const holder: { stack?: NodeJS.CallSite[] } = {};
    Error.captureStackTrace(holder, below);
    return holder.stack ?? [];
  } finally {
    Error.prepareStackTrace = prepareStackTrace;
    Error.stackTraceLimit = stackTraceLimit;
  }
}
