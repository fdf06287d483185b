/* wast_map.c - writes and reads the module mapping that carries a spec script's compile
 * results from the host to the runner under the emulator (format in wast_map.h and below). */
#include "wast_map.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The format, one record a line, fields separated by tabs, tabs, newlines and backslashes in
 * fields escaped as \t, \n, \r and \\:
 *   swasm-wast-map 1
 *   script NAME
 *   module FILE READ-STATUS COMPILE-STATUS|- TEXT                                           */
#define MAGIC "swasm-wast-map 1"

static const char *const status_names[] = {
  "ok", "malformed", "invalid", "limit", "unsupported", "io", "internal"};
#define NSTATUS (sizeof status_names / sizeof status_names[0])

const char *wast_status_name(wast_status_t st) {
  return (size_t)st < NSTATUS ? status_names[st] : NULL;
}

static bool status_parse(const char *s, wast_status_t *out) {
  for (size_t i = 0; i < NSTATUS; i++)
    if (strcmp(s, status_names[i]) == 0) {
      *out = (wast_status_t)i;
      return true;
    }
  return false;
}

uint8_t *wast_read_file(const char *path, size_t *size) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, len = 0;
  uint8_t *buf = malloc(cap);
  while (buf) {
    size_t n = fread(buf + len, 1, cap - len, f);
    len += n;
    if (n == 0) break;
    if (len == cap) {
      uint8_t *nb = cap > SIZE_MAX / 2 ? NULL : realloc(buf, cap * 2);
      if (!nb) { free(buf); buf = NULL; errno = ENOMEM; }
      else { buf = nb; cap *= 2; }
    }
  }
  if (buf && ferror(f)) { free(buf); buf = NULL; errno = EIO; }
  fclose(f);
  *size = len;
  return buf;
}

bool wast_map_path(const char *json, char *out, size_t size) {
  size_t n = strlen(json);
  if (n >= 5 && strcmp(json + n - 5, ".json") == 0) n -= 5;
  int r = snprintf(out, size, "%.*s%s", (int)n, json, WAST_MAP_SUFFIX);
  return r > 0 && (size_t)r < size;
}

bool wast_map_add(wast_map_t *m, const char *file, wast_status_t read, bool compiled,
                  wast_status_t compile, const char *text) {
  if (m->n == m->cap) {
    size_t cap = m->cap ? m->cap * 2 : 64;
    wast_map_entry_t *e = realloc(m->entries, cap * sizeof *e);
    if (!e) return false;
    m->entries = e;
    m->cap = cap;
  }
  wast_map_entry_t *e = &m->entries[m->n];
  e->file = strdup(file);
  e->text = strdup(text ? text : "");
  e->read = read;
  e->compiled = compiled;
  e->compile = compile;
  if (!e->file || !e->text) {
    free(e->file);
    free(e->text);
    return false;
  }
  m->n++;
  return true;
}

static void put_field(FILE *f, const char *s) {
  fputc('\t', f);
  for (; *s; s++) {
    switch (*s) {
    case '\t': fputs("\\t", f); break;
    case '\n': fputs("\\n", f); break;
    case '\r': fputs("\\r", f); break;
    case '\\': fputs("\\\\", f); break;
    default: fputc(*s, f);
    }
  }
}

bool wast_map_write(const wast_map_t *m, const char *path) {
  char tmp[4200];
  if (snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid()) >= (int)sizeof tmp) {
    errno = ENAMETOOLONG;
    return false;
  }
  FILE *f = fopen(tmp, "w");
  if (!f) return false;
  fprintf(f, "%s\nscript", MAGIC);
  put_field(f, m->script ? m->script : "");
  fputc('\n', f);
  for (size_t i = 0; i < m->n; i++) {
    const wast_map_entry_t *e = &m->entries[i];
    fputs("module", f);
    put_field(f, e->file);
    put_field(f, wast_status_name(e->read));
    put_field(f, e->compiled ? wast_status_name(e->compile) : "-");
    put_field(f, e->text);
    fputc('\n', f);
  }
  bool ok = !ferror(f);
  ok = fclose(f) == 0 && ok;
  if (ok && rename(tmp, path) == 0) return true;
  int e = errno;
  unlink(tmp);
  errno = e;
  return false;
}

/* Splits line (modified in place) at tabs into at most max unescaped fields. */
static size_t split(char *line, char **fields, size_t max) {
  size_t n = 0;
  char *w = line;
  fields[n++] = w;
  for (char *r = line; *r; r++) {
    if (*r == '\t') {
      *w++ = '\0';
      if (n == max) return max + 1;
      fields[n++] = w;
    } else if (*r == '\\' && r[1]) {
      r++;
      *w++ = *r == 't' ? '\t' : *r == 'n' ? '\n' : *r == 'r' ? '\r' : *r;
    } else {
      *w++ = *r;
    }
  }
  *w = '\0';
  return n;
}

static bool parse_line(wast_map_t *m, char *line, char *err, size_t errsize, size_t lineno) {
  char *f[6];
  size_t n = split(line, f, 6);
  wast_status_t read, compile = WAST_OK;
  if (n == 2 && strcmp(f[0], "script") == 0) {
    free(m->script);
    m->script = strdup(f[1]);
    if (m->script) return true;
    snprintf(err, errsize, "out of memory");
    return false;
  }
  bool compiled = n == 5 && strcmp(f[3], "-") != 0;
  if (n != 5 || strcmp(f[0], "module") != 0 || !status_parse(f[2], &read) ||
      (compiled && !status_parse(f[3], &compile))) {
    snprintf(err, errsize, "line %zu: not a mapping record", lineno);
    return false;
  }
  if (wast_map_add(m, f[1], read, compiled, compile, f[4])) return true;
  snprintf(err, errsize, "out of memory");
  return false;
}

bool wast_map_read(const char *path, wast_map_t *m, char *err, size_t errsize) {
  memset(m, 0, sizeof *m);
  size_t size;
  char *text = (char *)wast_read_file(path, &size);
  if (!text) {
    snprintf(err, errsize, "cannot read %s: %s", path, strerror(errno));
    return false;
  }
  char *end = text + size, *line = text;
  bool ok = true;
  for (size_t lineno = 1; ok && line < end; lineno++) {
    char *nl = memchr(line, '\n', (size_t)(end - line));
    if (!nl) {
      snprintf(err, errsize, "%s: line %zu is not finished", path, lineno);
      ok = false;
      break;
    }
    *nl = '\0';
    if (memchr(line, '\0', (size_t)(nl - line))) {
      snprintf(err, errsize, "%s: line %zu holds a NUL byte", path, lineno);
      ok = false;
    } else if (lineno == 1) {
      ok = strcmp(line, MAGIC) == 0;
      if (!ok) snprintf(err, errsize, "%s is not a module mapping", path);
    } else {
      ok = parse_line(m, line, err, errsize, lineno);
    }
    line = nl + 1;
  }
  if (ok && size == 0) {
    snprintf(err, errsize, "%s is empty", path);
    ok = false;
  }
  free(text);
  if (!ok) wast_map_free(m);
  return ok;
}

const wast_map_entry_t *wast_map_find(wast_map_t *m, const char *file) {
  for (size_t k = 0; k < m->n; k++) {
    size_t i = (m->cursor + k) % m->n;
    if (strcmp(m->entries[i].file, file) == 0) {
      m->cursor = i + 1;
      return &m->entries[i];
    }
  }
  return NULL;
}

void wast_map_free(wast_map_t *m) {
  for (size_t i = 0; i < m->n; i++) {
    free(m->entries[i].file);
    free(m->entries[i].text);
  }
  free(m->entries);
  free(m->script);
  memset(m, 0, sizeof *m);
}
