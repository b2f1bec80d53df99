import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

// Custom-runtime bootstraps written for these tests: a shell script in the style of AWS's custom runtime
// tutorial (curl against the Runtime API), and a C program built here with Debian's gcc.

/** bootstrap + function.sh: sources the handler's file, then loops over /invocation/next with curl. */
export const SHELL_BOOTSTRAP = {
  bootstrap: `#!/bin/sh
set -euo pipefail
source "$LAMBDA_TASK_ROOT/$(echo "$_HANDLER" | cut -d. -f1).sh"
echo "init from $(basename "$0")"
while true
do
  HEADERS="$(mktemp)"
  EVENT_DATA=$(curl -sS -LD "$HEADERS" "http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/next")
  REQUEST_ID=$(grep -Fi Lambda-Runtime-Aws-Request-Id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
  if echo "$EVENT_DATA" | grep -q '"fail"'; then
    curl -sS -X POST -H "Lambda-Runtime-Function-Error-Type: Handler.Failed" "http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/$REQUEST_ID/error" \\
      -d '{"errorType":"Handler.Failed","errorMessage":"the script was asked to fail"}' >/dev/null
    continue
  fi
  RESPONSE=$($(echo "$_HANDLER" | cut -d. -f2) "$EVENT_DATA")
  curl -sS "http://\${AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime/invocation/$REQUEST_ID/response" -d "$RESPONSE" >/dev/null
  rm -f "$HEADERS"
done
`,
  'function.sh': `handler () {
  EVENT_DATA=$1
  echo "handling $EVENT_DATA" 1>&2
  echo "{\\"echo\\": $EVENT_DATA, \\"handler\\": \\"$_HANDLER\\", \\"taskRoot\\": \\"$LAMBDA_TASK_ROOT\\", \\"custom\\": \\"\${CUSTOM:-}\\"}"
}
`,
};

/** The Runtime API loop in C: one connection per request, plain sockets, no library beyond libc. */
const C_BOOTSTRAP = `#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static char buffer[1 << 20];

/* Sends one request and reads the whole answer (Connection: close); returns its body, sets the request id. */
static char *call(const char *api, const char *method, const char *path, const char *extra, const char *body, char *request_id) {
  char host[64];
  const char *colon = strrchr(api, ':');
  snprintf(host, sizeof host, "%.*s", (int)(colon - api), api);
  struct sockaddr_in address = { .sin_family = AF_INET, .sin_port = htons(atoi(colon + 1)) };
  inet_pton(AF_INET, host, &address.sin_addr);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0 || connect(fd, (struct sockaddr *)&address, sizeof address) != 0) { perror("connect"); exit(2); }
  int length = snprintf(buffer, sizeof buffer, "%s %s HTTP/1.1\\r\\nHost: %s\\r\\nConnection: close\\r\\n%sContent-Length: %zu\\r\\n\\r\\n%s",
                        method, path, api, extra, strlen(body), body);
  for (int sent = 0; sent < length;) sent += write(fd, buffer + sent, length - sent);
  size_t got = 0;
  for (ssize_t n; (n = read(fd, buffer + got, sizeof buffer - 1 - got)) > 0;) got += n;
  buffer[got] = 0;
  close(fd);
  char *end = strstr(buffer, "\\r\\n\\r\\n");
  if (!end) { fprintf(stderr, "bad answer\\n"); exit(3); }
  *end = 0;
  if (request_id) {
    char *header = strcasestr(buffer, "Lambda-Runtime-Aws-Request-Id:");
    if (header) sscanf(header + 30, " %127[^\\r\\n]", request_id);
  }
  return end + 4;
}

int main(void) {
  const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
  const char *handler = getenv("_HANDLER");
  static char event[1 << 16], answer[1 << 17], path[256], request_id[128];
  printf("compiled bootstrap ready\\n");
  fflush(stdout);
  for (;;) {
    snprintf(event, sizeof event, "%s", call(api, "GET", "/2018-06-01/runtime/invocation/next", "", "", request_id));
    printf("handling %s\\n", request_id);
    fflush(stdout);
    if (strstr(event, "\\"fail\\"")) {
      snprintf(path, sizeof path, "/2018-06-01/runtime/invocation/%s/error", request_id);
      call(api, "POST", path, "Lambda-Runtime-Function-Error-Type: Compiled.Failed\\r\\n", "{\\"errorType\\":\\"Compiled.Failed\\",\\"errorMessage\\":\\"asked to fail\\"}", NULL);
      continue;
    }
    snprintf(answer, sizeof answer, "{\\"compiled\\":true,\\"handler\\":\\"%s\\",\\"event\\":%s}", handler ? handler : "", event);
    snprintf(path, sizeof path, "/2018-06-01/runtime/invocation/%s/response", request_id);
    call(api, "POST", path, "", answer, NULL);
  }
}
`;

/**
 * Builds the C bootstrap into dir/bootstrap with gcc: static (needs nothing in the image), or dynamic and
 * also linked to libstdc++, which no tool of the local custom-runtime image brings: it runs only if the
 * image carries the libraries the bootstrap itself links.
 */
export function buildCBootstrap(dir: string, kind: 'static' | 'dynamic'): string {
  const source = path.join(dir, 'bootstrap.c');
  fs.writeFileSync(source, C_BOOTSTRAP);
  const output = path.join(dir, 'bootstrap');
  const args = kind === 'static' ? ['-static', '-O2', '-o', output, source] : ['-O2', '-o', output, source, '-Wl,--no-as-needed', '-lstdc++'];
  try {
    execFileSync('gcc', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    throw new Error(`gcc could not build the test bootstrap (apt-get install -y gcc libc6-dev): ${String((error as { stderr?: Buffer }).stderr ?? error)}`);
  }
  fs.rmSync(source);
  return output;
}
