/* test_wasi2.c - the WASI 0.2 host (linker/wasi2) called directly through its host tables,
 * with values built by hand as the linker would lift them: arguments and environment,
 * standard streams, files and directories in a granted directory, every kind of escape
 * refused with not-permitted, clocks, random, poll, sockets (denied) and exit. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "swasm/linker.h"

static int passed, failed;
static swasm_wasi2_t *W;
static swasm_carena_t *A;

#define CHECK(cond, ...)                                                                   \
  do {                                                                                     \
    if (cond) {                                                                            \
      passed++;                                                                            \
    } else {                                                                               \
      failed++;                                                                            \
      printf("FAIL %s:%d: ", __FILE__, __LINE__);                                          \
      printf(__VA_ARGS__);                                                                 \
      printf("\n");                                                                        \
    }                                                                                      \
  } while (0)

enum { NOT_PERMITTED = 31, NO_ENTRY = 20, EXIST = 7, NOT_EMPTY = 25 };

static swasm_cval_t U(uint64_t u) {
  swasm_cval_t v;
  memset(&v, 0, sizeof v);
  v.u.u = u;
  return v;
}
static swasm_cval_t H(uint32_t h) {
  swasm_cval_t v;
  memset(&v, 0, sizeof v);
  v.u.handle = h;
  return v;
}
static swasm_cval_t S(const char *s) {
  swasm_cval_t v;
  v.u.str.ptr = s;
  v.u.str.len = strlen(s);
  return v;
}
static swasm_cval_t BYTES(const char *s) {
  size_t n = strlen(s);
  swasm_cval_t v, *items = swasm_carena_alloc(A, (n ? n : 1) * sizeof *items);
  for (size_t i = 0; i < n; i++) items[i].u.u = (uint8_t)s[i];
  v.u.list.items = items;
  v.u.list.n = (uint32_t)n;
  return v;
}

static const swasm_chost_t *host(const char *iface) {
  uint32_t n;
  swasm_chost_t *const *h = swasm_wasi2_hosts(W, &n);
  for (uint32_t i = 0; i < n; i++)
    if (strncmp(h[i]->name, iface, strlen(iface)) == 0 && h[i]->name[strlen(iface)] == '@')
      return h[i];
  return NULL;
}

/* Calls iface's function fn; returns false (and the error) when it trapped or exited. */
static bool call(const char *iface, const char *fn, const swasm_cval_t *args, swasm_cval_t *r,
                 swasm_error_t *err) {
  const swasm_chost_t *h = host(iface);
  for (uint32_t i = 0; h && i < h->nfuncs; i++)
    if (strcmp(h->funcs[i].name, fn) == 0) {
      memset(r, 0, sizeof *r);
      return h->funcs[i].fn(h->env, args, r, A, err);
    }
  printf("no function %s in %s\n", fn, iface);
  exit(1);
}

static void drop(const char *iface, const char *res, uint32_t rep) {
  const swasm_chost_t *h = host(iface);
  for (uint32_t i = 0; h && i < h->nresources; i++)
    if (strcmp(h->resources[i].name, res) == 0)
      h->resources[i].dtor(h->env, rep);
}

/* Calls a function expected to return without a trap. */
static swasm_cval_t c(const char *iface, const char *fn, const swasm_cval_t *args) {
  swasm_cval_t r;
  swasm_error_t err;
  if (!call(iface, fn, args, &r, &err)) {
    printf("FAIL %s: trapped: %s\n", fn, err.message);
    failed++;
  }
  return r;
}

#define FS "wasi:filesystem/types"
#define M(x) "[method]descriptor." x

static bool is_ok(swasm_cval_t r) { return r.u.var.index == 0; }
static uint64_t errcode(swasm_cval_t r) {
  return r.u.var.index == 1 && r.u.var.payload ? r.u.var.payload->u.var.index : 999;
}

static uint32_t open_at(uint32_t dir, const char *path, uint64_t oflags, uint64_t dflags,
                        swasm_cval_t *res) {
  swasm_cval_t a[5] = {H(dir), U(0), S(path), U(0), U(0)};
  a[1].u.flags = 1;
  a[3].u.flags = oflags;
  a[4].u.flags = dflags;
  *res = c(FS, M("open-at"), a);
  return is_ok(*res) ? res->u.var.payload->u.handle : 0;
}

static void test_env(void) {
  swasm_cval_t r = c("wasi:cli/environment", "get-arguments", NULL);
  CHECK(r.u.list.n == 3 && r.u.list.items[2].u.str.len == 5 &&
        memcmp(r.u.list.items[2].u.str.ptr, "third", 5) == 0, "arguments");
  r = c("wasi:cli/environment", "get-environment", NULL);
  CHECK(r.u.list.n == 1, "one variable, got %u", r.u.list.n);
  if (r.u.list.n == 1) {
    swasm_cval_t *kv = r.u.list.items[0].u.list.items;
    CHECK(kv[0].u.str.len == 3 && memcmp(kv[0].u.str.ptr, "FOO", 3) == 0 &&
          kv[1].u.str.len == 7 && memcmp(kv[1].u.str.ptr, "bar=baz", 7) == 0, "FOO=bar=baz");
  }
  r = c("wasi:cli/environment", "initial-cwd", NULL);
  CHECK(r.u.var.index == 0, "initial-cwd none");
  r = c("wasi:cli/terminal-stdout", "get-terminal-stdout", NULL);
  CHECK(r.u.var.index == 0, "not a terminal");
}

static void test_stdout(int pipe_rd) {
  swasm_cval_t out = c("wasi:cli/stdout", "get-stdout", NULL);
  swasm_cval_t a[2] = {out, BYTES("hello, world\n")};
  swasm_cval_t r = c("wasi:io/streams", "[method]output-stream.blocking-write-and-flush", a);
  CHECK(is_ok(r), "write to stdout");
  r = c("wasi:io/streams", "[method]output-stream.check-write", a);
  CHECK(is_ok(r) && r.u.var.payload->u.u > 0, "check-write");
  a[1] = U(3);
  r = c("wasi:io/streams", "[method]output-stream.write-zeroes", a);
  char buf[64] = {0};
  ssize_t n = read(pipe_rd, buf, sizeof buf);
  CHECK(n == 16 && memcmp(buf, "hello, world\n\0\0\0", 16) == 0, "stdout got %zd bytes", n);
  swasm_cval_t p = c("wasi:io/streams", "[method]output-stream.subscribe", a);
  r = c("wasi:io/poll", "[method]pollable.ready", &p);
  CHECK(r.u.b, "stdout ready");
  drop("wasi:io/poll", "pollable", p.u.handle);
  drop("wasi:io/streams", "output-stream", out.u.handle);
}

static void test_stdin(int pipe_wr) {
  swasm_cval_t in = c("wasi:cli/stdin", "get-stdin", NULL);
  swasm_cval_t p = c("wasi:io/streams", "[method]input-stream.subscribe", &in);
  swasm_cval_t r = c("wasi:io/poll", "[method]pollable.ready", &p);
  CHECK(!r.u.b, "stdin not ready while the pipe is empty");
  if (write(pipe_wr, "abc", 3) != 3) return;
  r = c("wasi:io/poll", "[method]pollable.ready", &p);
  CHECK(r.u.b, "stdin ready once written");
  swasm_cval_t a[2] = {in, U(2)};
  r = c("wasi:io/streams", "[method]input-stream.blocking-read", a);
  CHECK(is_ok(r) && r.u.var.payload->u.list.n == 2, "read 2 of 3");
  r = c("wasi:io/streams", "[method]input-stream.skip", a);
  CHECK(is_ok(r) && r.u.var.payload->u.u == 1, "skip the last one");
  drop("wasi:io/poll", "pollable", p.u.handle);
  drop("wasi:io/streams", "input-stream", in.u.handle);
}

static void test_files(void) {
  swasm_cval_t dirs = c("wasi:filesystem/preopens", "get-directories", NULL);
  CHECK(dirs.u.list.n == 1, "one preopen");
  if (dirs.u.list.n != 1)
    return;
  swasm_cval_t *pair = dirs.u.list.items[0].u.list.items;
  CHECK(pair[1].u.str.len == 5 && memcmp(pair[1].u.str.ptr, "/data", 5) == 0, "named /data");
  uint32_t dir = pair[0].u.handle;
  swasm_cval_t r, a[6];

  /* create, write through a stream, read back, stat */
  uint32_t f = open_at(dir, "new.txt", 1 /* create */, 3 /* read|write */, &r);
  CHECK(f != 0, "create new.txt: %llu", (unsigned long long)errcode(r));
  a[0] = H(f);
  a[1] = U(0);
  r = c(FS, M("write-via-stream"), a);
  CHECK(is_ok(r), "write-via-stream");
  a[0] = *r.u.var.payload;
  a[1] = BYTES("file contents\n");
  r = c("wasi:io/streams", "[method]output-stream.blocking-write-and-flush", a);
  CHECK(is_ok(r), "stream write");
  drop("wasi:io/streams", "output-stream", a[0].u.handle);
  a[0] = H(f);
  r = c(FS, M("stat"), a);
  CHECK(is_ok(r) && r.u.var.payload->u.list.n == 6 &&
        r.u.var.payload->u.list.items[0].u.var.index == 6 &&
        r.u.var.payload->u.list.items[2].u.u == 14 &&
        r.u.var.payload->u.list.items[4].u.var.index == 1, "stat: regular file of 14 bytes");
  a[1] = U(0);
  r = c(FS, M("read-via-stream"), a);
  uint32_t in = r.u.var.payload->u.handle;
  a[0] = H(in);
  a[1] = U(100);
  r = c("wasi:io/streams", "[method]input-stream.blocking-read", a);
  CHECK(is_ok(r) && r.u.var.payload->u.list.n == 14 &&
        r.u.var.payload->u.list.items[0].u.u == 'f', "read back");
  r = c("wasi:io/streams", "[method]input-stream.read", a);
  CHECK(r.u.var.index == 1 && r.u.var.payload->u.var.index == 1, "then closed");
  drop("wasi:io/streams", "input-stream", in);
  a[0] = H(f);
  r = c(FS, M("get-type"), a);
  CHECK(is_ok(r) && r.u.var.payload->u.var.index == 6, "get-type regular-file");
  r = c(FS, M("get-flags"), a);
  CHECK(is_ok(r) && r.u.var.payload->u.flags == 3, "get-flags read|write");
  a[1] = BYTES("XY");
  a[2] = U(1);
  r = c(FS, M("write"), a);
  CHECK(is_ok(r) && r.u.var.payload->u.u == 2, "pwrite");
  a[1] = U(4);
  a[2] = U(0);
  r = c(FS, M("read"), a);
  CHECK(is_ok(r) && r.u.var.payload->u.list.items[0].u.list.n == 4 &&
        r.u.var.payload->u.list.items[0].u.list.items[1].u.u == 'X', "pread");
  a[1] = U(3);
  r = c(FS, M("set-size"), a);
  CHECK(is_ok(r), "set-size");
  drop(FS, "descriptor", f);

  /* access: read-only descriptors cannot be written and write-only ones not read */
  f = open_at(dir, "new.txt", 0, 1 /* read */, &r);
  a[0] = H(f);
  a[1] = U(0);
  r = c(FS, M("write-via-stream"), a);
  CHECK(errcode(r) == 3, "write-via-stream on read-only: bad-descriptor");
  a[1] = U(0);
  r = c(FS, M("set-size"), a);
  CHECK(errcode(r) == 3, "set-size on read-only: bad-descriptor");
  drop(FS, "descriptor", f);
  f = open_at(dir, "new.txt", 0, 2 /* write */, &r);
  a[0] = H(f);
  r = c(FS, M("read-via-stream"), a);
  CHECK(errcode(r) == 3, "read-via-stream on write-only: bad-descriptor");
  drop(FS, "descriptor", f);
  open_at(dir, "new.txt", 8 /* truncate */, 1, &r);
  CHECK(errcode(r) == 0, "truncate without write: access");

  /* exclusive create of an existing file; stat-at of a missing one */
  open_at(dir, "new.txt", 1 | 4, 3, &r);
  CHECK(errcode(r) == EXIST, "exclusive: exist, got %llu", (unsigned long long)errcode(r));
  a[0] = H(dir);
  a[1] = U(0);
  a[1].u.flags = 1;
  a[2] = S("missing");
  r = c(FS, M("stat-at"), a);
  CHECK(errcode(r) == NO_ENTRY, "stat-at missing: no-entry");

  /* directories */
  a[1] = S("sub");
  r = c(FS, M("create-directory-at"), a);
  CHECK(is_ok(r), "mkdir");
  f = open_at(dir, "sub/inner", 1, 3, &r);
  drop(FS, "descriptor", f);
  r = c(FS, M("remove-directory-at"), a);
  CHECK(errcode(r) == NOT_EMPTY, "rmdir non-empty");
  r = c(FS, M("read-directory"), a);
  CHECK(is_ok(r), "read-directory");
  uint32_t ds = r.u.var.payload->u.handle;
  int names = 0;
  bool saw_sub = false;
  for (int i = 0; i < 10; i++) {
    swasm_cval_t h = H(ds);
    r = c(FS, "[method]directory-entry-stream.read-directory-entry", &h);
    if (!is_ok(r) || r.u.var.payload->u.var.index == 0)
      break;
    swasm_cval_t *ent = r.u.var.payload->u.var.payload->u.list.items;
    names++;
    if (ent[1].u.str.len == 3 && memcmp(ent[1].u.str.ptr, "sub", 3) == 0)
      saw_sub = ent[0].u.var.index == 3;
  }
  CHECK(names == 4 && saw_sub, "4 entries (no . or ..), sub a directory: %d", names);
  drop(FS, "directory-entry-stream", ds);

  /* rename, symlink, readlink, unlink */
  swasm_cval_t rn[4] = {H(dir), S("new.txt"), H(dir), S("sub/moved.txt")};
  r = c(FS, M("rename-at"), rn);
  CHECK(is_ok(r), "rename");
  swasm_cval_t sl[3] = {H(dir), S("sub/moved.txt"), S("link")};
  r = c(FS, M("symlink-at"), sl);
  CHECK(is_ok(r), "symlink");
  a[1] = S("link");
  r = c(FS, M("readlink-at"), a);
  CHECK(is_ok(r) && r.u.var.payload->u.str.len == 13, "readlink");
  r = c(FS, M("unlink-file-at"), a);
  CHECK(is_ok(r), "unlink link");

  /* escapes */
  const char *escapes[] = {"../outside.txt", "/etc/passwd", "sub/../../outside.txt",
                           "up", "abs", "up/outside.txt"};
  for (size_t i = 0; i < sizeof escapes / sizeof *escapes; i++) {
    open_at(dir, escapes[i], 0, 1, &r);
    CHECK(errcode(r) == NOT_PERMITTED, "open %s: not-permitted, got %llu", escapes[i],
          (unsigned long long)errcode(r));
    a[0] = H(dir);
    a[1] = U(1);
    a[1].u.flags = 1;
    a[2] = S(escapes[i]);
    r = c(FS, M("stat-at"), a);
    CHECK(errcode(r) == NOT_PERMITTED, "stat-at %s: not-permitted", escapes[i]);
  }
  open_at(dir, "../created.txt", 1, 3, &r);
  CHECK(errcode(r) == NOT_PERMITTED, "create outside refused");
  a[1] = S("../escaped-dir");
  r = c(FS, M("create-directory-at"), a);
  CHECK(errcode(r) == NOT_PERMITTED, "mkdir outside refused");
  drop(FS, "descriptor", dir);
}

/* Streams between files, appends, times, links, identities. */
static void test_more(void) {
  swasm_cval_t dirs = c("wasi:filesystem/preopens", "get-directories", NULL);
  uint32_t dir = dirs.u.list.items[0].u.list.items[0].u.handle;
  swasm_cval_t r, a[6];
  uint32_t src = open_at(dir, "src.txt", 1 | 8, 3, &r);
  uint32_t dst = open_at(dir, "dst.txt", 1 | 8, 3, &r);
  a[0] = H(src);
  a[1] = BYTES("0123456789");
  a[2] = U(0);
  c(FS, M("write"), a);
  a[1] = U(2);
  r = c(FS, M("read-via-stream"), a);
  uint32_t in = r.u.var.payload->u.handle;
  a[0] = H(dst);
  r = c(FS, M("append-via-stream"), a);
  uint32_t out = r.u.var.payload->u.handle;
  swasm_cval_t sp[3] = {H(out), H(in), U(5)};
  r = c("wasi:io/streams", "[method]output-stream.splice", sp);
  CHECK(is_ok(r) && r.u.var.payload->u.u == 5, "splice 5");
  a[0] = H(out);
  a[1] = U(2);
  r = c("wasi:io/streams", "[method]output-stream.blocking-write-zeroes-and-flush", a);
  CHECK(is_ok(r), "write-zeroes");
  a[1] = BYTES("!");
  c("wasi:io/streams", "[method]output-stream.write", a);
  drop("wasi:io/streams", "output-stream", out);
  drop("wasi:io/streams", "input-stream", in);
  a[0] = H(dst);
  a[1] = U(100);
  a[2] = U(0);
  r = c(FS, M("read"), a);
  swasm_cval_t *bytes = is_ok(r) ? r.u.var.payload->u.list.items[0].u.list.items : NULL;
  CHECK(bytes && r.u.var.payload->u.list.items[0].u.list.n == 8 && bytes[0].u.u == '2' &&
        bytes[4].u.u == '6' && bytes[5].u.u == 0 && bytes[7].u.u == '!', "dst = 23456\\0\\0!");

  /* set-times: access now, modification a given datetime */
  swasm_cval_t dt[2] = {U(1700000000), U(5)};
  swasm_cval_t when;
  when.u.list.items = dt;
  when.u.list.n = 2;
  a[0] = H(dst);
  a[1].u.var.index = 1;
  a[1].u.var.payload = NULL;
  a[2].u.var.index = 2;
  a[2].u.var.payload = &when;
  r = c(FS, M("set-times"), a);
  CHECK(is_ok(r), "set-times");
  r = c(FS, M("stat"), a);
  swasm_cval_t *mt = r.u.var.payload->u.list.items[4].u.var.payload->u.list.items;
  CHECK(mt[0].u.u == 1700000000 && mt[1].u.u == 5, "mtime set");

  /* link-at, is-same-object, metadata-hash-at */
  swasm_cval_t ln[5] = {H(dir), U(0), S("dst.txt"), H(dir), S("hard.txt")};
  r = c(FS, M("link-at"), ln);
  CHECK(is_ok(r), "link-at");
  uint32_t hard = open_at(dir, "hard.txt", 0, 1, &r);
  swasm_cval_t same[2] = {H(hard), H(dst)};
  r = c(FS, M("is-same-object"), same);
  CHECK(r.u.b, "a hard link is the same object");
  same[1] = H(src);
  r = c(FS, M("is-same-object"), same);
  CHECK(!r.u.b, "another file is not");
  r = c(FS, M("metadata-hash"), same);
  swasm_cval_t h1 = r.u.var.payload->u.list.items[0];
  swasm_cval_t mh[3] = {H(dir), U(0), S("dst.txt")};
  r = c(FS, M("metadata-hash-at"), mh);
  CHECK(is_ok(r) && r.u.var.payload->u.list.items[0].u.u == h1.u.u, "metadata-hash-at");
  a[0] = H(dst);
  a[1] = U(0);
  a[2] = U(0);
  a[3].u.var.index = 1; /* sequential */
  a[3].u.var.payload = NULL;
  r = c(FS, M("advise"), a);
  CHECK(is_ok(r), "advise");
  r = c(FS, M("sync-data"), a);
  CHECK(is_ok(r), "sync-data");

  a[0] = H(dir);
  a[1] = U(0);
  r = c(FS, M("read-via-stream"), a);
  CHECK(errcode(r) == 3, "a stream over a directory: bad-descriptor");
  drop(FS, "descriptor", hard);
  drop(FS, "descriptor", src);
  drop(FS, "descriptor", dst);
  const char *made[] = {"src.txt", "dst.txt", "hard.txt"};
  for (int i = 0; i < 3; i++) {
    a[0] = H(dir);
    a[1] = S(made[i]);
    r = c(FS, M("unlink-file-at"), a);
    CHECK(is_ok(r), "unlink %s", made[i]);
  }
  drop(FS, "descriptor", dir);
}

static void test_misc(void) {
  swasm_cval_t r = c("wasi:clocks/wall-clock", "now", NULL);
  CHECK(r.u.list.n == 2 && r.u.list.items[0].u.u > 1600000000u &&
        r.u.list.items[1].u.u < 1000000000u, "wall-clock now");
  swasm_cval_t t0 = c("wasi:clocks/monotonic-clock", "now", NULL);
  swasm_cval_t d = U(20000000); /* 20 ms */
  swasm_cval_t p = c("wasi:clocks/monotonic-clock", "subscribe-duration", &d);
  r = c("wasi:io/poll", "[method]pollable.ready", &p);
  CHECK(!r.u.b, "not ready at once");
  swasm_cval_t list;
  list.u.list.items = &p;
  list.u.list.n = 1;
  r = c("wasi:io/poll", "poll", &list);
  swasm_cval_t t1 = c("wasi:clocks/monotonic-clock", "now", NULL);
  CHECK(r.u.list.n == 1 && r.u.list.items[0].u.u == 0 && t1.u.u - t0.u.u >= 20000000,
        "poll waited %llu ns", (unsigned long long)(t1.u.u - t0.u.u));
  drop("wasi:io/poll", "pollable", p.u.handle);
  swasm_cval_t n = U(32);
  r = c("wasi:random/random", "get-random-bytes", &n);
  CHECK(r.u.list.n == 32, "random bytes");
  r = c("wasi:sockets/instance-network", "instance-network", NULL);
  swasm_cval_t net = r;
  swasm_cval_t fam = U(0);
  fam.u.var.index = 0;
  r = c("wasi:sockets/tcp-create-socket", "create-tcp-socket", &fam);
  CHECK(errcode(r) == 1, "no sockets: access-denied");
  swasm_cval_t look[2] = {net, S("example.com")};
  r = c("wasi:sockets/ip-name-lookup", "resolve-addresses", look);
  CHECK(errcode(r) == 1, "no name lookup: access-denied");
  drop("wasi:sockets/network", "network", net.u.handle);
  swasm_error_t err;
  swasm_cval_t st;
  st.u.var.index = 1;
  st.u.var.payload = NULL;
  CHECK(!call("wasi:cli/exit", "exit", &st, &r, &err) && err.trap == SWASM_TRAP_EXIT &&
        err.exit_code == 1, "exit(err) exits 1");
  swasm_cval_t bad = H(12345);
  CHECK(!call(FS, M("stat"), &bad, &r, &err) && err.trap == SWASM_TRAP_HOST,
        "unknown descriptor traps");
}

/* A stream whose host fd is closed fails with an error that has an error-code. */
static void test_stream_error(swasm_wasi_config_t cfg) {
  swasm_error_t err;
  cfg.stdout_fd = -1;
  W = swasm_wasi2_new(&cfg, &err);
  A = swasm_carena_new();
  swasm_cval_t out = c("wasi:cli/stdout", "get-stdout", NULL);
  swasm_cval_t a[2] = {out, BYTES("lost")};
  swasm_cval_t r = c("wasi:io/streams", "[method]output-stream.blocking-write-and-flush", a);
  CHECK(r.u.var.index == 1 && r.u.var.payload->u.var.index == 0, "last-operation-failed");
  if (r.u.var.index == 1 && r.u.var.payload->u.var.index == 0) {
    swasm_cval_t e = *r.u.var.payload->u.var.payload;
    r = c(FS, "filesystem-error-code", &e);
    CHECK(r.u.var.index == 1 && r.u.var.payload->u.var.index == 3, "bad-descriptor");
    r = c("wasi:io/error", "[method]error.to-debug-string", &e);
    CHECK(r.u.str.len > 0, "debug string");
    drop("wasi:io/error", "error", e.u.handle);
  }
  drop("wasi:io/streams", "output-stream", out.u.handle);
  swasm_carena_free(A);
  swasm_wasi2_free(W);
}

int main(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
  char tmpl[] = "/tmp/test_wasi2.XXXXXX";
  char *root = mkdtemp(tmpl);
  char data[600], path[700];
  snprintf(data, sizeof data, "%s/data", root);
  mkdir(data, 0777);
  snprintf(path, sizeof path, "%s/outside.txt", root);
  close(open(path, O_CREAT | O_WRONLY, 0644));
  snprintf(path, sizeof path, "%s/up", data);
  if (symlink("..", path) != 0) perror("symlink");
  snprintf(path, sizeof path, "%s/abs", data);
  if (symlink("/etc/passwd", path) != 0) perror("symlink");

  int p[2], q[2];
  if (pipe(p) != 0 || pipe(q) != 0) return 1;
  const char *argv[] = {"prog", "second", "third"};
  const char *env[] = {"FOO=bar=baz"};
  swasm_wasi_dir_t dirs[] = {{data, "/data"}};
  swasm_wasi_config_t cfg;
  swasm_wasi_config_init(&cfg);
  cfg.argc = 3;
  cfg.argv = argv;
  cfg.nenv = 1;
  cfg.env = env;
  cfg.ndirs = 1;
  cfg.dirs = dirs;
  cfg.stdout_fd = p[1];
  cfg.stdin_fd = q[0];
  swasm_error_t err;
  for (int round = 0; round < 2; round++) {
    /* The second round forces the preview 1 sandbox's confined walk instead of openat2. */
    if (round == 1) {
      setenv("SWASM_WASI_RESOLVE", "walk", 1);
      char cmd[1400];
      snprintf(cmd, sizeof cmd, "rm -rf %s/sub", data);
      if (system(cmd) != 0) return 1;
    }
    W = swasm_wasi2_new(&cfg, &err);
    if (!W) {
      printf("FAIL swasm_wasi2_new: %s\n", err.message);
      return 1;
    }
    A = swasm_carena_new();
    test_env();
    test_stdout(p[0]);
    test_stdin(q[1]);
    test_files();
    test_more();
    test_misc();
    swasm_carena_free(A);
    swasm_wasi2_free(W);
  }
  test_stream_error(cfg);
  char cmd[700];
  snprintf(cmd, sizeof cmd, "rm -rf %s", root);
  if (system(cmd) != 0) return 1;
  printf("%d passed, %d failed\n", passed, failed);
  return failed != 0;
}
